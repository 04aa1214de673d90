#include <doctest/doctest.h>

#include "tests/unit/common/relative.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/unit/common/block_bench.hpp"
#include "neurons/model.hpp"

using namespace fluxon;

namespace {

quantity_input q(const std::string& text) { return {text, {}}; }

struct alif_bench : test::block_bench {
    alif_bench(const param_inputs& inputs, double dt, std::uint32_t n) : block_bench("alif", inputs, dt, n) {}
    std::vector<double>& exc = receptors[0];
    std::vector<double>& inh = receptors[1];
    std::span<double> v() { return block->state(0); }
    std::span<double> a() { return block->state(3); }
};

}  // namespace

TEST_CASE("alif: a spike adds 1 to a, which decays exactly with tau_adapt and raises the threshold by beta * a") {
    const double dt = 1e-4, tau_a = 200e-3, beta = 2e-3, v_th = -50e-3;
    alif_bench b({{"t_ref", q("0 ms")}, {"beta", q("2 mV")}}, dt, 2);
    CHECK(b.params.get("tau_adapt") == tau_a);
    b.v()[0] = b.v()[1] = -49e-3;
    CHECK(b.step().size() == 2);
    for (int m = 1; m < 500; ++m) {
        CHECK(b.a()[0] == fluxon::test::approx(std::exp(-m * dt / tau_a)).epsilon(1e-12));
        CHECK(b.step().empty());
    }
    // At t_500 the threshold is v_th + beta e^{-500 dt / tau_a}: probe it from both sides.
    const double threshold = v_th + beta * std::exp(-500 * dt / tau_a);
    CHECK(threshold - v_th == fluxon::test::approx(beta * 0.77880078307).epsilon(1e-9));
    b.v()[0] = threshold - 1e-9;
    b.v()[1] = threshold + 1e-9;
    const auto spikes = b.step();
    REQUIRE(spikes.size() == 1);
    CHECK(spikes[0] == 1);
    CHECK(b.a()[0] == fluxon::test::approx(std::exp(-501 * dt / tau_a)).epsilon(1e-12));
    CHECK(b.a()[1] == fluxon::test::approx((std::exp(-500 * dt / tau_a) + 1) * std::exp(-dt / tau_a)).epsilon(1e-12));
}

TEST_CASE("alif: constant drive gives lengthening inter-spike intervals, as computed in closed form") {
    const double dt = 1e-4, tau_m = 20e-3, tau_a = 200e-3, beta = 2e-3, r_m = 100e6, i_ext = 0.2e-9;
    const double v_rest = -65e-3, v_th = -50e-3, v_reset = -65e-3;
    const int ref_steps = 20;  // t_ref = 2 ms
    alif_bench b({{"r_m", q("100 MOhm")}, {"beta", q("2 mV")}}, dt, 1);
    std::vector<int> model_spikes;
    for (int k = 0; k < 3000 && model_spikes.size() < 4; ++k) {
        if (!b.step(&i_ext).empty()) model_spikes.push_back(k);
    }
    REQUIRE(model_spikes.size() == 4);

    // Independent computation: between spikes v(t) = v_inf + (v_start - v_inf) e^{-t / tau_m}
    // after the refractory hold, a(t) = a_after_spike e^{-t / tau_a}; a spike is the first grid
    // point with v > v_th + beta a.
    const double v_inf = v_rest + r_m * i_ext;  // -45 mV
    std::vector<int> expected;
    int last = -1;
    double a_after = 0;  // a just after the last spike
    while (expected.size() < 4) {
        for (int j = (last < 0 ? 0 : ref_steps);; ++j) {
            const double t_free = (last < 0 ? j : j - ref_steps) * dt;
            const double v_start = last < 0 ? v_rest : v_reset;
            const double v = v_inf + (v_start - v_inf) * std::exp(-t_free / tau_m);
            const double a = a_after * std::exp(-(last < 0 ? 0 : j) * dt / tau_a);
            if (v > v_th + beta * a) {
                last = (last < 0 ? 0 : last) + j;
                expected.push_back(last);
                a_after = a + 1;
                break;
            }
        }
    }
    CHECK(model_spikes == expected);
    const int isi1 = expected[1] - expected[0], isi2 = expected[2] - expected[1], isi3 = expected[3] - expected[2];
    CHECK(isi1 < isi2);
    CHECK(isi2 < isi3);
    // Without adaptation every interval would equal the first climb plus t_ref.
    const int plain_isi = ref_steps + static_cast<int>(std::floor(tau_m * std::log((v_inf - v_reset) / (v_inf - v_th)) / dt)) + 1;
    CHECK(isi1 > plain_isi);
    CHECK(expected[0] == plain_isi - ref_steps);
}

TEST_CASE("alif: reset by subtraction removes the adaptive threshold, keeping the overshoot") {
    const double dt = 1e-4, tau_m = 20e-3;
    alif_bench b({{"reset", q("subtract")}, {"t_ref", q("0 ms")}, {"beta", q("2 mV")}}, dt, 1);
    b.a()[0] = 1.5;
    b.v()[0] = -46e-3 + 0.5e-3;  // threshold -50 + 3 = -47 mV; overshoot 1.5 mV
    CHECK(b.step().size() == 1);
    const double after_reset = -65e-3 + 1.5e-3;
    CHECK(b.v()[0] == fluxon::test::approx(-65e-3 + (after_reset + 65e-3) * std::exp(-dt / tau_m)).epsilon(1e-13));
    CHECK(b.a()[0] == fluxon::test::approx(2.5 * std::exp(-dt / 200e-3)).epsilon(1e-14));
}

TEST_CASE("alif: synaptic input behaves as in lif (exact two-exponential response)") {
    const double dt = 1e-4, tm = 20e-3, ts = 5e-3, w = 2e-3;
    alif_bench b({}, dt, 1);
    b.exc[0] = w;
    for (int m = 1; m <= 300; ++m) {
        b.step();
        const double t = m * dt;
        CHECK(b.v()[0] == fluxon::test::approx(-65e-3 + w * ts / (ts - tm) * (std::exp(-t / ts) - std::exp(-t / tm))).epsilon(1e-12));
        CHECK(b.a()[0] == 0.0);
    }
}

TEST_CASE("alif: parameter checks") {
    auto registry = builtin_models();
    const auto& m = registry.get("alif", {});
    CHECK(m.accepts_current());
    CHECK_THROWS_AS(m.check_current(validate_params(m.schema(), {}, {}), {}), config_error);
    const auto p = validate_params(m.schema(), {}, {});
    CHECK(p.get("beta") == 1.8e-3);
    CHECK(p.get("tau_adapt") == 200e-3);
    CHECK_THROWS_AS(validate_params(m.schema(), {{"tau_adapt", q("0 ms")}}, {}), config_error);
}
