// The LIF model in single precision (`[run] precision = "single"`): the analytic answers of the
// double-precision tests to float's resolution, exact refractory periods however long the run
// (the block's step epoch), results that do not depend on threads, and a named refusal for
// models without single-precision state.
#include <doctest/doctest.h>

#include "tests/unit/common/relative.hpp"

#include <cmath>
#include <string>

#include "engine/base/errors.hpp"
#include "engine/simulation.hpp"
#include "tests/unit/common/specs.hpp"

using namespace fluxon;
using namespace fluxon::test;

namespace {

net::experiment_spec single(net::experiment_spec e) {
    e.run.precision = state_precision::single_precision;
    return e;
}

}  // namespace

TEST_CASE("lif single precision: constant current fires at the analytic interval past 2^22 steps") {
    // 430 s at 0.1 ms is 4.3 million steps: the block moves its step epoch once, at 2^22.
    auto e = single(experiment("0.1 ms", "430 s"));
    e.network.populations.push_back(population("n", 1, "lif", lif_params()));
    e.network.currents.push_back(step_current("n", "0.25 nA"));
    e.spikes.push_back(record_all("n"));
    simulation sim(e);
    sim.run();
    const auto& s = sim.spikes("n");
    // v_inf = -45 mV; from -70 mV to -50 mV takes tau ln(25/5); threshold is checked on the grid.
    const double dt = 1e-4, t_cross = 10e-3 * std::log(25.0 / 5.0);
    const double steps_to_cross = std::floor(t_cross / dt) + 1;
    const double isi_steps = 20 + steps_to_cross;
    REQUIRE(s.times.size() > 1000);
    CHECK(s.times[0] == fluxon::test::approx(steps_to_cross * dt).epsilon(1e-12));
    bool past_epoch = false;
    for (std::size_t k = 1; k < s.times.size(); ++k) {
        const double steps = std::round((s.times[k] - s.times[k - 1]) / dt);
        if (steps != isi_steps) {
            FAIL_CHECK("interval " << steps << " steps before the spike at " << s.times[k] << " s");
            break;
        }
        past_epoch = past_epoch || s.times[k] / dt > 4194304.0 + 1000;
    }
    CHECK(past_epoch);
}

TEST_CASE("lif single precision: synaptic current and membrane follow the closed form to float resolution") {
    auto e = single(experiment("0.1 ms", "5 ms"));
    e.network.populations.push_back(spike_source("src", 1, {1e-3}, {0}));
    auto p = lif_params();
    p["v_th"] = q("0 mV");
    e.network.populations.push_back(population("n", 1, "lif", p));
    auto pr = projection("in", "src", "n", "exc", net::connector_spec::kind::all_to_all, "2 mV");
    pr.delay = constant("0.3 ms");
    pr.delay_given = true;  // through the delay ring, whose doubles are rounded once when added
    e.network.projections.push_back(pr);
    e.probes.push_back(probe("n", "i_exc"));
    e.probes.push_back(probe("n", "v"));
    simulation sim(e);
    sim.run();
    const auto& i = sim.probe("n", "i_exc");
    const auto& v = sim.probe("n", "v");
    REQUIRE(i.times.size() == 50);
    std::size_t after = 0;
    for (std::size_t m = 0; m < i.times.size(); ++m) {
        const double since = i.times[m] - 1.3e-3;
        if (since < 0.5e-4) {
            CHECK(i.values[m] == 0.0);
            CHECK(v.values[m] == fluxon::test::approx(-70e-3).epsilon(1e-7));
            continue;
        }
        ++after;
        const double w = 2e-3, tm = 10e-3, ts = 5e-3;
        CHECK(i.values[m] == fluxon::test::approx(w * std::exp(-since / ts)).epsilon(1e-5));
        const double expected = -70e-3 + w * ts / (ts - tm) * (std::exp(-since / ts) - std::exp(-since / tm));
        CHECK(v.values[m] == fluxon::test::approx(expected).epsilon(1e-6));
    }
    CHECK(after == 37);
}

TEST_CASE("lif single precision: CUBA keeps its rate and is bit-identical on 1 and 2 threads") {
    const auto run = [](int threads, state_precision precision) {
        auto e = cuba(2000, "1 s", threads, 3);
        e.run.precision = precision;
        simulation sim(e);
        sim.run();
        return std::pair{sim.spikes("exc"), sim.spikes("inh")};
    };
    const auto one = run(1, state_precision::single_precision);
    const auto two = run(2, state_precision::single_precision);
    CHECK(one.first.ids == two.first.ids);
    CHECK(one.first.times == two.first.times);
    CHECK(one.second.ids == two.second.ids);
    const auto d = run(1, state_precision::double_precision);
    const double rate_single = static_cast<double>(one.first.ids.size() + one.second.ids.size()) / 2000.0;
    const double rate_double = static_cast<double>(d.first.ids.size() + d.second.ids.size()) / 2000.0;
    MESSAGE("CUBA 2000, 1 s: " << rate_single << " Hz in single, " << rate_double << " Hz in double");
    CHECK(rate_single == fluxon::test::approx(rate_double).epsilon(0.05));
    CHECK(one.first.ids != d.first.ids);  // rounding does change the trains, as documented
}

TEST_CASE("lif single precision: a model without single-precision state is refused by name") {
    auto e = single(experiment("0.1 ms", "10 ms"));
    e.run.precision_site.key = "run.precision";
    e.network.populations.push_back(population("iz", 10, "izhikevich", {}));
    try {
        simulation sim(e);
        FAIL("no error");
    } catch (const config_error& err) {
        const std::string what = err.what();
        CHECK(what.find("population 'iz' uses model 'izhikevich'") != std::string::npos);
        CHECK(what.find("available for lif") != std::string::npos);
        CHECK(err.site().key == "run.precision");
    }
}
