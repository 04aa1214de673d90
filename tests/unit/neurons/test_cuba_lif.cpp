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
quantity_input q(double number) { return {number, {}}; }

struct cuba_bench : test::block_bench {
    cuba_bench(const param_inputs& inputs, double dt, std::uint32_t n) : block_bench("cuba_lif", inputs, dt, n) {}
    std::vector<double>& in = receptors[0];
    double v(std::size_t i = 0) { return block->state(0)[i]; }
    double i(std::size_t n = 0) { return block->state(1)[n]; }
};

}  // namespace

TEST_CASE("cuba_lif: one input spike gives the exact two-exponential response at every grid point") {
    const double dt = 1e-4, ts = 5e-3, tm = 20e-3, r = 2.0, w = 0.7, w_in = 1.5;
    cuba_bench b({{"tau_syn", q("5 ms")}, {"tau_mem", q("20 ms")}, {"r", q(r)}, {"w_in", q(w_in)},
                  {"v_threshold", q(1e9)}},
                 dt, 1);
    CHECK(b.v() == 0.0);
    CHECK(b.i() == 0.0);
    b.in[0] = w;
    for (int m = 1; m <= 1000; ++m) {  // 100 ms = 5 tau_mem
        CHECK(b.step().empty());
        const double t = m * dt;
        const double i0 = w * w_in;
        CHECK(b.i() == fluxon::test::approx(i0 * std::exp(-t / ts)).epsilon(1e-12));
        const double v = r * i0 * ts / (ts - tm) * (std::exp(-t / ts) - std::exp(-t / tm));
        CHECK(b.v() == fluxon::test::approx(v).epsilon(1e-12));
    }
}

TEST_CASE("cuba_lif: equal time constants use the limit (t / tau) e^{-t / tau}") {
    const double dt = 1e-4, tau = 8e-3, r = 0.5, w = 3.0;
    cuba_bench b({{"tau_syn", q("8 ms")}, {"tau_mem", q("8 ms")}, {"r", q(r)}, {"v_threshold", q(1e9)}}, dt, 1);
    b.in[0] = w;
    for (int m = 1; m <= 500; ++m) {
        b.step();
        const double t = m * dt;
        CHECK(b.v() == fluxon::test::approx(r * w * t / tau * std::exp(-t / tau)).epsilon(1e-12));
    }
}

TEST_CASE("cuba_lif: without input v relaxes exactly to v_leak") {
    const double dt = 1e-4, tm = 20e-3, v_leak = 0.25, v0 = 0.9;
    cuba_bench b({{"tau_syn", q("5 ms")}, {"tau_mem", q("20 ms")}, {"v_leak", q(v_leak)}, {"v_threshold", q(1.0)}},
                 dt, 1);
    CHECK(b.v() == v_leak);  // initial value
    b.block->state(0)[0] = v0;
    for (int m = 1; m <= 1000; ++m) {
        b.step();
        CHECK(b.v() == fluxon::test::approx(v_leak + (v0 - v_leak) * std::exp(-m * dt / tm)).epsilon(1e-13));
    }
}

TEST_CASE("cuba_lif: threshold is strict; reset to value or by subtraction, the current is not reset") {
    const double dt = 1e-4, tm = 20e-3, ts = 5e-3;
    param_inputs p{{"tau_syn", q("5 ms")}, {"tau_mem", q("20 ms")}, {"v_threshold", q(1.0)}, {"v_reset", q(0.0)}};
    cuba_bench by_value(p, dt, 3);
    p["reset"] = q("subtract");
    cuba_bench by_subtraction(p, dt, 3);
    for (cuba_bench* b : {&by_value, &by_subtraction}) {
        b->block->state(0)[0] = 1.0;   // on threshold: no spike
        b->block->state(0)[1] = 1.25;  // above: spikes
        b->block->state(1)[1] = 0.5;
        b->block->state(0)[2] = 0.5;
        const auto spikes = b->step();
        REQUIRE(spikes.size() == 1);
        CHECK(spikes[0] == 1);
        CHECK(b->i(1) == fluxon::test::approx(0.5 * std::exp(-dt / ts)).epsilon(1e-15));
    }
    const double p_vv = std::exp(-dt / tm);
    const double p_vi = ts / (ts - tm) * (std::exp(-dt / ts) - std::exp(-dt / tm));
    CHECK(by_value.v(1) == fluxon::test::approx(0.5 * p_vi).epsilon(1e-13));
    CHECK(by_subtraction.v(1) == fluxon::test::approx(0.25 * p_vv + 0.5 * p_vi).epsilon(1e-13));
    CHECK(by_value.v(0) == fluxon::test::approx(p_vv).epsilon(1e-15));
}

TEST_CASE("cuba_lif: refractory period holds v while the current keeps integrating inputs") {
    const double dt = 1e-3;
    cuba_bench b({{"tau_syn", q("5 ms")}, {"tau_mem", q("10 ms")}, {"v_threshold", q(1.0)}, {"t_ref", q("2 ms")}},
                 dt, 1);
    b.block->state(0)[0] = 2.0;
    b.in[0] = 4.0;
    CHECK(b.step().size() == 1);
    CHECK(b.v() == 0.0);
    CHECK(b.i() == fluxon::test::approx(4.0 * std::exp(-1.0 / 5.0)).epsilon(1e-15));
    b.in[0] = 1.0;
    CHECK(b.step().empty());
    CHECK(b.v() == 0.0);
    CHECK(b.i() == fluxon::test::approx((4.0 * std::exp(-0.2) + 1.0) * std::exp(-0.2)).epsilon(1e-15));
    b.step();
    CHECK(b.v() > 0.0);
}

TEST_CASE("cuba_lif: parameters follow NIR; tau and v_threshold are required; no external current") {
    auto registry = builtin_models();
    const auto& m = registry.get("cuba_lif", {});
    CHECK_FALSE(m.accepts_current());
    CHECK_THROWS_AS(validate_params(m.schema(), {{"tau_mem", q("5 ms")}, {"v_threshold", q(1.0)}}, {}),
                    config_error);
    CHECK_THROWS_AS(validate_params(m.schema(), {{"tau_syn", q("5 ms")}, {"tau_mem", q("5 ms")}}, {}),
                    config_error);
    const auto p = validate_params(m.schema(), {{"tau_syn", q("5 ms")}, {"tau_mem", q("5 ms")}, {"v_threshold", q(1.0)}}, {});
    CHECK(p.get("r") == 1.0);
    CHECK(p.get("v_leak") == 0.0);
    CHECK(p.get("v_reset") == 0.0);
    CHECK(p.get("w_in") == 1.0);
    CHECK(p.get("t_ref") == 0.0);
    std::map<std::string, std::vector<double>> arrays;
    const block_context ctx{1e-4, 1, 0, 1, 0, 1, &arrays, {}};
    CHECK_THROWS_AS(m.check(validate_params(m.schema(), {{"tau_syn", q("5 ms")}, {"tau_mem", q("5 ms")},
                                                         {"v_threshold", q(1.0)}, {"v_reset", q(1.0)}},
                                            {}),
                            ctx),
                    config_error);
}
