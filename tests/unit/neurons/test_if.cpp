#include <doctest/doctest.h>

#include "tests/unit/common/relative.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/unit/common/block_bench.hpp"
#include "neurons/model.hpp"

using namespace fluxon;

namespace {

quantity_input q(const std::string& text) { return {text, {}}; }

struct if_bench : test::block_bench {
    if_bench(const param_inputs& inputs, double dt, std::uint32_t n) : block_bench("if", inputs, dt, n) {}
    std::vector<double>& in = receptors[0];
    double v(std::size_t i = 0) { return block->state(0)[i]; }
};

}  // namespace

TEST_CASE("if: constant current fires at the grid point after C (v_th - v_reset) / I, then every t_ref + that") {
    const double dt = 1e-4, c_m = 250e-12, i_ext = 1e-9, v_th = -50e-3, v_reset = -65e-3;
    if_bench b({{"c_m", q("250 pF")}, {"t_ref", q("2 ms")}}, dt, 1);
    // Time to climb from reset to threshold: 3.75 ms = 37.5 steps, so the first grid point
    // strictly above threshold is step 38.
    const double climb = c_m * (v_th - v_reset) / i_ext;
    const auto climb_steps = static_cast<std::int64_t>(std::ceil(climb / dt));
    REQUIRE(climb_steps == 38);
    const std::int64_t isi_steps = 20 + climb_steps;  // t_ref = 20 steps
    std::vector<std::int64_t> spike_steps;
    for (int k = 0; k < 400; ++k) {
        if (k < climb_steps) CHECK(b.v() == fluxon::test::approx(v_reset + k * dt * i_ext / c_m).epsilon(1e-13));
        if (!b.step(&i_ext).empty()) spike_steps.push_back(k);
    }
    REQUIRE(spike_steps.size() == 7);
    for (std::size_t s = 0; s < spike_steps.size(); ++s) {
        CHECK(spike_steps[s] == climb_steps + static_cast<std::int64_t>(s) * isi_steps);
    }
}

TEST_CASE("if: delta inputs sum exactly and the threshold test is strict") {
    // Powers of two make every sum exact, so v can land exactly on the threshold.
    const double w = std::ldexp(1.0, -8);  // ~3.9 mV
    if_bench b({{"v_th", quantity_input{4 * w, {}}}, {"v_reset", q("0 V")}}, 1e-4, 2);
    double sum = 0;
    for (int k = 0; k < 4; ++k) {
        b.in[0] = w;
        b.in[1] = (k == 1 ? 2 : 1) * w;  // neuron 1 reaches 5w at k = 3
        sum += w;
        const auto spikes = b.step();
        CHECK(b.v(0) == sum);
        if (k < 3) CHECK(spikes.empty());
        if (k == 3) {
            // Neuron 0 sits exactly on v_th (no spike); neuron 1 is above it at this step.
            REQUIRE(spikes.size() == 1);
            CHECK(spikes[0] == 1);
            CHECK(b.v(1) == 0.0);
        }
    }
    CHECK(b.v(0) == 4 * w);
    CHECK(b.step().empty());  // no input, no leak: stays exactly on threshold
    b.in[0] = std::ldexp(1.0, -30);
    CHECK(b.step().size() == 1);
}

TEST_CASE("if: reset by subtraction keeps the overshoot, reset to value does not") {
    param_inputs p{{"v_th", q("10 mV")}, {"v_reset", q("0 mV")}};
    if_bench by_value(p, 1e-4, 1);
    p["reset"] = q("subtract");
    if_bench by_subtraction(p, 1e-4, 1);
    by_value.in[0] = 13e-3;
    by_subtraction.in[0] = 13e-3;
    CHECK(by_value.step().size() == 1);
    CHECK(by_subtraction.step().size() == 1);
    CHECK(by_value.v() == 0.0);
    CHECK(by_subtraction.v() == fluxon::test::approx(3e-3).epsilon(1e-14));
}

TEST_CASE("if: inputs that arrive while refractory are lost; v is held for exactly t_ref") {
    if_bench b({{"v_th", q("10 mV")}, {"v_reset", q("0 mV")}, {"t_ref", q("0.3 ms")}}, 1e-4, 1);
    b.in[0] = 20e-3;
    CHECK(b.step().size() == 1);  // step 0 spikes; steps 1 and 2 are refractory
    for (int k = 1; k <= 2; ++k) {
        b.in[0] = 1e-3;
        CHECK(b.step().empty());
        CHECK(b.v() == 0.0);
    }
    b.in[0] = 1e-3;  // step 3: t_ref = 3 steps have passed
    CHECK(b.step().empty());
    CHECK(b.v() == 1e-3);
}

TEST_CASE("if: parameter checks") {
    auto registry = builtin_models();
    const auto& m = registry.get("if", {});
    std::map<std::string, std::vector<double>> arrays;
    const block_context ctx{1e-4, 1, 0, 1, 0, 1, &arrays, {}};
    const auto no_capacitance = validate_params(m.schema(), {}, {});
    CHECK(m.accepts_current());
    CHECK_THROWS_AS(m.check_current(no_capacitance, {}), config_error);
    CHECK_NOTHROW(m.check_current(validate_params(m.schema(), {{"c_m", q("1 nF")}}, {}), {}));
    CHECK_THROWS_AS(m.check(validate_params(m.schema(), {{"v_reset", q("-40 mV")}}, {}), ctx), config_error);
    CHECK_THROWS_AS(m.make_block(validate_params(m.schema(), {{"t_ref", q("0.25 ms")}}, {}), ctx), config_error);
    CHECK_THROWS_AS(validate_params(m.schema(), {{"reset", q("zero")}}, {}), config_error);
}
