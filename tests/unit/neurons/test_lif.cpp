#include <doctest/doctest.h>

#include "tests/unit/common/relative.hpp"

#include <cmath>

#include "tests/unit/common/specs.hpp"
#include "engine/simulation.hpp"

using namespace fluxon;
using namespace fluxon::test;

TEST_CASE("lif: constant current gives the analytic inter-spike interval, rounded up to the grid") {
    auto e = experiment("0.1 ms", "200 ms");
    e.network.populations.push_back(population("n", 1, "lif", lif_params()));
    e.network.currents.push_back(step_current("n", "0.25 nA"));
    e.spikes.push_back(record_all("n"));
    simulation sim(e);
    sim.run();
    const auto& s = sim.spikes("n");
    REQUIRE(s.times.size() >= 5);
    // v_inf = -70 mV + 100 MOhm * 0.25 nA = -45 mV; time from -70 mV to -50 mV:
    const double tau = 10e-3, v_inf = -45e-3, t_cross = tau * std::log((v_inf + 70e-3) / (v_inf + 50e-3));
    // Threshold is checked on grid points, strictly above: first grid time after t_cross.
    const double dt = 1e-4;
    const double steps_to_cross = std::floor(t_cross / dt) + 1;
    CHECK(s.times[0] == fluxon::test::approx(steps_to_cross * dt).epsilon(1e-12));
    const double isi = 2e-3 + steps_to_cross * dt;  // refractory hold, then the same climb
    for (std::size_t k = 1; k < s.times.size(); ++k) {
        CHECK(s.times[k] - s.times[k - 1] == fluxon::test::approx(isi).epsilon(1e-9));
    }
    CHECK(std::fabs(isi - (2e-3 + t_cross)) < dt);
}

TEST_CASE("lif: synaptic current decays exactly and arrives after its delay") {
    auto e = experiment("0.1 ms", "5 ms");
    e.network.populations.push_back(spike_source("src", 1, {1e-3}, {0}));
    auto p = lif_params();
    p["v_th"] = q("0 mV");  // never fires
    e.network.populations.push_back(population("n", 1, "lif", p));
    auto pr = projection("in", "src", "n", "exc", net::connector_spec::kind::all_to_all, "2 mV");
    pr.delay = constant("0.3 ms");
    pr.delay_given = true;
    e.network.projections.push_back(pr);
    e.probes.push_back(probe("n", "i_exc"));
    e.probes.push_back(probe("n", "v"));
    simulation sim(e);
    sim.run();
    const auto& i = sim.probe("n", "i_exc");
    const auto& v = sim.probe("n", "v");
    REQUIRE(i.times.size() == 50);
    // Sample m is stamped (m+1) dt and holds the value just before the inputs arriving then.
    for (std::size_t m = 0; m < i.times.size(); ++m) {
        const double t = i.times[m];
        CHECK(t == fluxon::test::approx((m + 1) * 1e-4).epsilon(1e-12));
        const double since = t - 1.3e-3;
        if (since < 0.5e-4) {
            CHECK(i.values[m] == 0.0);
            CHECK(v.values[m] == fluxon::test::approx(-70e-3).epsilon(1e-15));
        } else {
            // Weights are stored in single precision (4 bytes per synapse).
            const double w = static_cast<float>(2e-3);
            CHECK(i.values[m] == fluxon::test::approx(w * std::exp(-since / 5e-3)).epsilon(1e-12));
            // Closed form of v driven by one exponential current from rest.
            const double tm = 10e-3, ts = 5e-3;
            const double expected = -70e-3 + w * ts / (ts - tm) * (std::exp(-since / ts) - std::exp(-since / tm));
            CHECK(v.values[m] == fluxon::test::approx(expected).epsilon(1e-10));
        }
    }
}

TEST_CASE("lif: refractory neurons hold v at the reset value for exactly t_ref") {
    auto e = experiment("0.1 ms", "30 ms");
    e.network.populations.push_back(population("n", 1, "lif", lif_params()));
    e.network.currents.push_back(step_current("n", "1 nA"));
    e.spikes.push_back(record_all("n"));
    e.probes.push_back(probe("n", "v"));
    simulation sim(e);
    sim.run();
    const auto& s = sim.spikes("n");
    const auto& v = sim.probe("n", "v");
    REQUIRE(s.times.size() >= 2);
    const auto first = static_cast<std::size_t>(std::lround(s.times[0] / 1e-4));
    // Samples stamped first+1 .. first+20 (2 ms) are held at reset; the next one has moved.
    for (std::size_t m = first; m < first + 20; ++m) CHECK(v.values[m] == -70e-3);
    CHECK(v.values[first + 20] > -70e-3);
}

TEST_CASE("lif: reset by subtraction keeps the overshoot") {
    auto e = experiment("0.1 ms", "20 ms");
    e.network.populations.push_back(spike_source("src", 1, {0.0}, {0}));
    auto p = lif_params();
    p["reset"] = q("subtract");
    p["t_ref"] = q("0 ms");
    e.network.populations.push_back(population("n", 1, "lif", p));
    e.network.projections.push_back(projection("in", "src", "n", "exc", net::connector_spec::kind::all_to_all, "100 mV"));
    e.probes.push_back(probe("n", "v"));
    e.spikes.push_back(record_all("n"));
    simulation sim(e);
    sim.run();
    const auto& v = sim.probe("n", "v");
    const auto& s = sim.spikes("n");
    REQUIRE(!s.times.empty());
    const double dt = 1e-4, tm = 10e-3, ts = 5e-3;
    const auto k = static_cast<std::size_t>(std::lround(s.times[0] / dt));
    const double v_k = v.values[k - 1];  // sample stamped t_k
    CHECK(v_k > -50e-3);
    const double ie_k = static_cast<float>(100e-3) * std::exp(-(k * dt - dt) / ts);  // arrived at t = dt
    const double p_vv = std::exp(-dt / tm);
    const double p_ve = ts / (ts - tm) * (std::exp(-dt / ts) - std::exp(-dt / tm));
    const double expected = -70e-3 + (v_k - 20e-3 + 70e-3) * p_vv + ie_k * p_ve;
    CHECK(v.values[k] == fluxon::test::approx(expected).epsilon(1e-12));
}
