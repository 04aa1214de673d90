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

quantity_input q(double number) { return {number, {}}; }

struct coba_bench : test::block_bench {
    coba_bench(const param_inputs& inputs, double dt, std::uint32_t n) : block_bench("coba_lif", inputs, dt, n) {}
    std::vector<double>& exc = receptors[0];
    std::vector<double>& inh = receptors[1];
    double v() { return block->state(0)[0]; }
    double g_exc() { return block->state(1)[0]; }
    double g_inh() { return block->state(2)[0]; }
};

// Brette et al. (2007) COBA values, the model's defaults.
constexpr double c_m = 200e-12, g_l = 10e-9, e_l = -60e-3, e_exc = 0.0, e_inh = -80e-3;

}  // namespace

TEST_CASE("coba_lif: defaults are the Brette et al. 2007 COBA benchmark values") {
    coba_bench b({}, 1e-4, 1);
    const auto& p = b.params;
    CHECK(p.get("c_m") == c_m);
    CHECK(p.get("g_l") == g_l);
    CHECK(p.get("e_l") == e_l);
    CHECK(p.get("v_th") == -50e-3);
    CHECK(p.get("v_reset") == -60e-3);
    CHECK(p.get("t_ref") == 5e-3);
    CHECK(p.get("e_exc") == e_exc);
    CHECK(p.get("e_inh") == e_inh);
    CHECK(p.get("tau_syn_exc") == 5e-3);
    CHECK(p.get("tau_syn_inh") == 10e-3);
    CHECK(b.v() == e_l);
    CHECK(b.model.accepts_current());
}

TEST_CASE("coba_lif: without input v relaxes to E_L with tau = C / g_L exactly") {
    const double dt = 1e-4, tau = c_m / g_l, v0 = -52e-3;
    coba_bench b({}, dt, 1);
    b.block->state(0)[0] = v0;
    for (int m = 1; m <= 2000; ++m) {
        CHECK(b.step().empty());
        CHECK(b.v() == fluxon::test::approx(e_l + (v0 - e_l) * std::exp(-m * dt / tau)).epsilon(1e-13));
    }
}

TEST_CASE("coba_lif: held conductances and a current move v exponentially to V_inf") {
    // With time constants of 10^15 s the per-step decay factor rounds to exactly 1.
    const double dt = 1e-4, ge = 1e-9, gi = 1e-9, i_ext = 20e-12, v0 = -70e-3;
    coba_bench b({{"tau_syn_exc", q(1e15)}, {"tau_syn_inh", q(1e15)}}, dt, 1);
    b.block->state(0)[0] = v0;
    b.exc[0] = ge;
    b.inh[0] = gi;
    const double g_tot = g_l + ge + gi;
    const double v_inf = (g_l * e_l + ge * e_exc + gi * e_inh + i_ext) / g_tot;  // -55 mV
    REQUIRE(v_inf == fluxon::test::approx(-55e-3).epsilon(1e-12));
    const double tau = c_m / g_tot;
    for (int m = 1; m <= 2000; ++m) {
        CHECK(b.step(&i_ext).empty());
        const double expected = v_inf + (v0 - v_inf) * std::exp(-m * dt / tau);
        CHECK(std::fabs(b.v() - expected) < 1e-13);
    }
    CHECK(b.g_exc() == ge);
    CHECK(b.g_inh() == gi);
}

TEST_CASE("coba_lif: one excitatory spike depolarises; g decays exactly; the first step is exponential Euler") {
    const double dt = 1e-4, w = 6e-9, tau_e = 5e-3;
    coba_bench b({}, dt, 1);
    b.exc[0] = w;
    b.step();
    // Over the first step g is frozen at w: exact relaxation towards V_inf(w).
    const double g_tot = g_l + w;
    const double v_inf = (g_l * e_l + w * e_exc) / g_tot;
    CHECK(b.v() == fluxon::test::approx(v_inf + (e_l - v_inf) * std::exp(-dt * g_tot / c_m)).epsilon(1e-14));
    double previous = b.v();
    double peak = previous;
    for (int m = 1; m <= 1000; ++m) {
        CHECK(b.g_exc() == fluxon::test::approx(w * std::exp(-m * dt / tau_e)).epsilon(1e-12));
        CHECK(b.g_inh() == 0.0);
        const double g_now = b.g_exc();
        b.step();
        // The frozen-conductance step from the previous sample, recomputed.
        const double gt = g_l + g_now;
        const double vi = (g_l * e_l + g_now * e_exc) / gt;
        CHECK(b.v() == fluxon::test::approx(vi + (previous - vi) * std::exp(-dt * gt / c_m)).epsilon(1e-14));
        previous = b.v();
        peak = std::max(peak, previous);
    }
    CHECK(peak > e_l + 1e-3);  // a 6 nS kick raises v by more than 1 mV
    CHECK(peak < -50e-3);      // but does not reach threshold
    CHECK(b.v() > e_l);
}

TEST_CASE("coba_lif: an inhibitory spike hyperpolarises towards E_inh") {
    coba_bench b({}, 1e-4, 1);
    b.inh[0] = 10e-9;
    b.step();
    for (int m = 0; m < 100; ++m) b.step();
    CHECK(b.v() < e_l - 1e-3);
    CHECK(b.v() > e_inh);
}

TEST_CASE("coba_lif: spike, reset and the 5 ms refractory hold") {
    const double dt = 1e-4;
    coba_bench b({}, dt, 1);
    b.block->state(0)[0] = -49e-3;
    b.exc[0] = 50e-9;  // arrives at the spike step: integrates into g, v stays held
    CHECK(b.step().size() == 1);
    for (int m = 1; m < 50; ++m) {
        CHECK(b.v() == -60e-3);
        CHECK(b.step().empty());
    }
    CHECK(b.v() == -60e-3);  // t_ref = 50 steps: held until t_50
    b.step();
    CHECK(b.v() > -60e-3);  // the remaining excitatory conductance now pulls v up
}
