// The NIR neuron kinds, step by step by hand. dt = 1 ms (layer_test_util), so tau = 4 ms gives
// dt/tau = 0.25 and every Euler number below is exact in binary.
#include <doctest/doctest.h>

#include "tests/unit/common/relative.hpp"

#include <cmath>

#include "tests/unit/neurons/layers/layer_test_util.hpp"

using namespace fluxon;
using namespace fluxon::test;

namespace {
tensor one(double v) { return tensor{{1}, {v}}; }
}  // namespace

TEST_CASE("nir_lif, euler: v += dt/tau ((v_leak - v) + R x); strict threshold; reset to v_reset") {
    auto l = make_layer("nir_lif", {{2}},
                        {{"tau", one(0.004)}, {"r", tensor{{2}, {2, 1}}}, {"v_leak", one(0)},
                         {"v_threshold", one(1)}, {"v_reset", one(-0.5)}});
    // Step 1: v = 0.25 (0 + 2 * 2) = 1 (not > 1) and 0.25 (0 + 1 * 2) = 0.5.
    CHECK(l->run({2, 2}) == std::vector<double>{0, 0});
    // Step 2: v0 = 1 + 0.25 (-1 + 4) = 1.75 fires -> -0.5; v1 = 0.5 + 0.25 (-0.5 + 2) = 0.875.
    CHECK(l->run({2, 2}) == std::vector<double>{1, 0});
    // Step 3, no input: v0 = -0.5 + 0.25 * 0.5 = -0.375; v1 = 0.875 - 0.21875 = 0.65625.
    CHECK(l->run({0, 0}) == std::vector<double>{0, 0});
    // Step 4: v1 = 0.65625 + 0.25 (-0.65625 + 4) = 1.4921875 fires.
    CHECK(l->run({0, 4}) == std::vector<double>{0, 1});
    CHECK(l->counts.membrane_updates == 8);
    CHECK(l->counts.nonzero_activations == 2);
}

TEST_CASE("nir_li and nir_lif, exact: v = v_leak + a (v - v_leak) + (1 - a) R x with a = exp(-dt/tau)") {
    auto l = make_layer("nir_li", {{1}}, {{"tau", one(0.004)}, {"r", one(3)}, {"v_leak", one(0.5)}},
                        {}, 0, {{"integration", "exact"}});
    const double a = std::exp(-0.25);
    const double v1 = 0.5 + a * (0 - 0.5) + (1 - a) * 3 * 2;
    CHECK(l->run({2}) == std::vector<double>{v1});  // the output of an LI is v
    const double v2 = 0.5 + a * (v1 - 0.5);
    CHECK(l->run({0}) == std::vector<double>{v2});
}

TEST_CASE("nir_cuba_lif, euler: I first, then v with the new I (snnTorch Synaptic with alpha = 0.5, beta = 0.75)") {
    // tau_syn = 2 ms: I += 0.5 (-I + w_in x); with w_in = tau_syn/dt = 2: I = 0.5 I + x.
    // tau_mem = 4 ms, r = tau_mem/dt = 4: v = 0.75 v + I. Threshold 1, subtract.
    auto l = make_layer("nir_cuba_lif", {{1}},
                        {{"tau_syn", one(0.002)}, {"tau_mem", one(0.004)}, {"r", one(4)}, {"v_leak", one(0)},
                         {"w_in", one(2)}, {"v_threshold", one(1)}},
                        {}, 0, {{"reset", "subtract"}});
    CHECK(l->run({0.5}) == std::vector<double>{0});  // I = 0.5, v = 0.5
    CHECK(l->run({0.5}) == std::vector<double>{1});  // I = 0.75, v = 0.375 + 0.75 = 1.125 > 1 -> 0.125
    CHECK(l->run({0}) == std::vector<double>{0});    // I = 0.375, v = 0.09375 + 0.375 = 0.46875
    CHECK(l->run({0}) == std::vector<double>{0});    // I = 0.1875, v = 0.3515625 + 0.1875 = 0.5390625
}

TEST_CASE("nir_cuba_li, exact: the two-exponential solution, and its limit for equal time constants") {
    const double dt = 0.001, ts = 0.002, tm = 0.004, r = 1.5, w = 2, x = 1;
    auto l = make_layer("nir_cuba_li", {{1}},
                        {{"tau_syn", one(ts)}, {"tau_mem", one(tm)}, {"r", one(r)}, {"v_leak", one(0)},
                         {"w_in", one(w)}},
                        {}, 0, {{"integration", "exact"}});
    // From I = v = 0 with x held: v(dt) = R w x (1 - e^-dt/tm) - R w x ts/(ts - tm) (e^-dt/ts - e^-dt/tm).
    const double as = std::exp(-dt / ts), am = std::exp(-dt / tm);
    const double v1 = r * w * x * (1 - am) - r * w * x * ts / (ts - tm) * (as - am);
    const std::vector<double> out = l->run({x});
    CHECK(out[0] == fluxon::test::approx(v1).epsilon(1e-14));
    // Equal constants: v(dt) = R w x (1 - e^-u - u e^-u), u = dt/tau.
    auto e = make_layer("nir_cuba_li", {{1}},
                        {{"tau_syn", one(tm)}, {"tau_mem", one(tm)}, {"r", one(r)}, {"w_in", one(w)}}, {}, 0,
                        {{"integration", "exact"}});
    const double u = dt / tm;
    CHECK(e->run({x})[0] == fluxon::test::approx(r * w * x * (1 - std::exp(-u) - u * std::exp(-u))).epsilon(1e-14));
}

TEST_CASE("nir_if and nir_i add R x per step; every sample starts from 0") {
    auto f = make_layer("nir_if", {{1}}, {{"r", one(0.5)}, {"v_threshold", one(1)}}, {}, 2);
    CHECK(f->run({1.5}) == std::vector<double>{0});  // 0.75
    CHECK(f->run({1}) == std::vector<double>{1});    // 1.25 > 1 -> 0
    CHECK(f->run({1.5}, true) == std::vector<double>{0});
    auto i = make_layer("nir_i", {{2}}, {{"r", tensor{{2}, {1, -2}}}});
    CHECK(i->run({1, 1}) == std::vector<double>{1, -2});
    CHECK(i->run({0, 0}) == std::vector<double>{1, -2});
}

TEST_CASE("nir neuron kinds: parameters per neuron, and named errors") {
    CHECK_THROWS_WITH_AS(make_layer("nir_lif", {{2}}, {{"tau", tensor{{2}, {0.01, 0}}}, {"v_threshold", one(1)}}),
                         doctest::Contains("'tau' must be > 0 s (a time constant), neuron 1 has 0"), config_error);
    CHECK_THROWS_WITH_AS(make_layer("nir_lif", {{2}}, {{"tau", tensor{{3}, {1, 1, 1}}}, {"v_threshold", one(1)}}),
                         doctest::Contains("'tau' has shape [3], expected [1] or [2]"), config_error);
    CHECK_THROWS_WITH_AS(make_layer("nir_lif", {{2}}, {{"tau", one(0.01)}}),
                         doctest::Contains("needs the array 'v_threshold'"), config_error);
    CHECK_THROWS_WITH_AS(make_layer("nir_if", {{1}}, {{"v_threshold", one(0)}}, {}, 0, {{"reset", "subtract"}}),
                         doctest::Contains("a subtractive reset needs v_threshold > 0"), config_error);
}

TEST_CASE("delay: whole steps per entry, in order, emptied at a sample start") {
    // dt = 1 ms; entry 0 waits 2 steps, entry 1 none.
    auto d = make_layer("delay", {{2}}, {{"delay", tensor{{2}, {0.002, 0}}}}, {}, 3);
    CHECK(d->run({1, 2}) == std::vector<double>{0, 2});
    CHECK(d->run({3, 4}) == std::vector<double>{0, 4});
    CHECK(d->run({0, 0}) == std::vector<double>{1, 0});
    CHECK(d->run({5, 0}, true) == std::vector<double>{0, 0});  // 3 from step 2 was dropped
    CHECK_THROWS_WITH_AS(make_layer("delay", {{1}}, {{"delay", one(0.0015)}}),
                         doctest::Contains("not a whole number of steps of dt"), config_error);
}
