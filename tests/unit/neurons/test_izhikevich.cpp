#include <doctest/doctest.h>

#include "tests/unit/common/relative.hpp"

#include <cmath>
#include <map>
#include <memory>
#include <cstdlib>
#include <string>
#include <vector>

#include "neurons/model.hpp"

// The reference loop below must round after every operation, as the model does.
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

using namespace fluxon;

namespace {

quantity_input q(double number) { return {number, {}}; }

struct izhikevich_class {
    double a, b, c, d;  // paper units; c in mV
};
constexpr izhikevich_class regular_spiking{0.02, 0.2, -65, 8};
constexpr izhikevich_class fast_spiking{0.1, 0.2, -65, 2};

param_inputs class_params(const izhikevich_class& k) {
    return {{"a", q(k.a)}, {"b", q(k.b)}, {"c", q(k.c * 1e-3)}, {"d", q(k.d)}};
}

// Spike steps of one neuron of the model under a constant input current (paper units).
std::vector<int> model_spikes(const izhikevich_class& k, double current, double dt, int steps) {
    auto registry = builtin_models();
    const auto& m = registry.get("izhikevich", {});
    const auto params = validate_params(m.schema(), class_params(k), {});
    std::map<std::string, std::vector<double>> arrays;
    const block_context ctx{dt, 1, 0, 1, 0, 1, &arrays, {}};
    m.check(params, ctx);
    auto block = m.make_block(params, ctx);
    for (std::size_t s = 0; s < 2; ++s) block->state(s)[0] = m.initial_value(s, params);
    std::vector<int> out;
    std::vector<double> in(1);
    double* const receptors[] = {in.data()};
    for (int t = 0; t < steps; ++t) {
        in[0] = current;
        std::vector<std::uint32_t> spikes;
        block->step(step_input{t, receptors, nullptr}, spikes);
        if (!spikes.empty()) out.push_back(t);
    }
    return out;
}

// The loop of Izhikevich (2003), Fig. 3 MATLAB code (0.04*v.^2 is 0.04 * (v * v)), for one
// neuron with a constant current, 1 ms steps.
std::vector<int> paper_spikes(const izhikevich_class& k, double current, int steps) {
    double v = -65, u = k.b * v;
    std::vector<int> out;
    for (int t = 0; t < steps; ++t) {
        if (v >= 30) {
            out.push_back(t);
            v = k.c;
            u = u + k.d;
        }
        v = v + 0.5 * (0.04 * (v * v) + 5 * v + 140 - u + current);
        v = v + 0.5 * (0.04 * (v * v) + 5 * v + 140 - u + current);
        u = u + k.a * (k.b * v - u);
    }
    return out;
}

}  // namespace

TEST_CASE("izhikevich: regular spiking with I = 10 for 1000 ms reproduces the paper's loop exactly") {
    const auto model = model_spikes(regular_spiking, 10.0, 1e-3, 1000);
    const auto paper = paper_spikes(regular_spiking, 10.0, 1000);
    REQUIRE(paper.size() > 5);
    CHECK(model == paper);
    // The same loop compiled separately at -O0 with -ffp-contract=off (strict IEEE rounding). The
    // uneven intervals are the 1 ms scheme's: other roundings of the same formula shift them.
    const std::vector<int> strict{4,   31,  79,  141, 195, 243, 292, 345, 405, 464,
                                  524, 571, 619, 676, 724, 774, 832, 881, 937, 999};
    CHECK(model == strict);
}

TEST_CASE("izhikevich: fast spiking fires faster than regular spiking, both as in the paper's loop") {
    const auto rs = model_spikes(regular_spiking, 10.0, 1e-3, 1000);
    const auto fs = model_spikes(fast_spiking, 10.0, 1e-3, 1000);
    CHECK(fs == paper_spikes(fast_spiking, 10.0, 1000));
    CHECK(fs.size() > rs.size() + 10);
    // Regular spiking adapts (intervals lengthen from the first); fast spiking hardly does.
    REQUIRE(rs.size() >= 3);
    CHECK(rs[1] - rs[0] < rs.back() - rs[rs.size() - 2]);
}

TEST_CASE("izhikevich: smaller steps converge; the 1 ms scheme is close to the converged rate") {
    const auto coarse = model_spikes(regular_spiking, 10.0, 1e-3, 1000);
    const auto fine = model_spikes(regular_spiking, 10.0, 0.1e-3, 10000);
    const auto finer = model_spikes(regular_spiking, 10.0, 0.05e-3, 20000);
    CHECK(fine.size() == finer.size());
    CHECK(std::abs(2 * fine.front() - finer.front()) <= 4);  // first spikes within 0.2 ms
    CHECK(std::fabs(static_cast<double>(coarse.size()) / static_cast<double>(fine.size()) - 1.0) < 0.15);
}

TEST_CASE("izhikevich: SI interface, initial state, inputs for one step only, dt limit") {
    auto registry = builtin_models();
    const auto& m = registry.get("izhikevich", {});
    CHECK_FALSE(m.accepts_current());
    const auto params = validate_params(m.schema(), {}, {});
    CHECK(m.initial_value(0, params) == -65e-3);           // v = c, in volts
    CHECK(m.initial_value(1, params) == 0.2 * -65.0);      // u = b c, paper units
    CHECK(params.get("v_peak") == 30e-3);
    std::map<std::string, std::vector<double>> arrays;
    const block_context ctx{1e-3, 1, 0, 1, 0, 1, &arrays, {}};
    auto block = m.make_block(params, ctx);
    block->state(0)[0] = -70e-3;
    block->state(1)[0] = -14.0;
    std::vector<double> in{5.0};
    double* const receptors[] = {in.data()};
    std::vector<std::uint32_t> spikes;
    block->step(step_input{0, receptors, nullptr}, spikes);
    CHECK(block->zeroes_inputs());
    CHECK(in[0] == 0.0);
    double v = -70, u = -14;
    v = v + 0.5 * (0.04 * (v * v) + 5 * v + 140 - u + 5.0);
    v = v + 0.5 * (0.04 * (v * v) + 5 * v + 140 - u + 5.0);
    u = u + 0.02 * (0.2 * v - u);
    CHECK(block->state(0)[0] == fluxon::test::approx(v * 1e-3).epsilon(1e-15));
    CHECK(block->state(1)[0] == fluxon::test::approx(u).epsilon(1e-15));
    // The previous step's input is gone: the block zeroed its array.
    block->step(step_input{1, receptors, nullptr}, spikes);
    v = v + 0.5 * (0.04 * (v * v) + 5 * v + 140 - u);
    v = v + 0.5 * (0.04 * (v * v) + 5 * v + 140 - u);
    CHECK(block->state(0)[0] == fluxon::test::approx(v * 1e-3).epsilon(1e-14));
    // The peak test is v >= v_peak, as in the paper.
    block->state(0)[0] = 30e-3;
    spikes.clear();
    block->step(step_input{2, receptors, nullptr}, spikes);
    CHECK(spikes.size() == 1);

    const block_context coarse{2e-3, 1, 0, 1, 0, 1, &arrays, {}};
    CHECK_THROWS_AS(m.check(params, coarse), config_error);
    CHECK_THROWS_AS(m.make_block(params, coarse), config_error);
    CHECK_NOTHROW(m.check(params, ctx));
}
