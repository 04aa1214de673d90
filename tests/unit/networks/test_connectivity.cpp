#include <doctest/doctest.h>

#include <cmath>
#include <set>

#include "tests/unit/common/specs.hpp"
#include "engine/simulation.hpp"
#include "networks/connectivity.hpp"

using namespace fluxon;
using namespace fluxon::net;
using kind = connector_spec::kind;

namespace {

synapse_list draw(kind k, std::uint32_t pre, std::uint32_t post, bool same, double p = 0, std::uint64_t n = 0,
                  bool autapses = true, bool multapses = true, std::uint64_t seed = 1) {
    projection_spec spec;
    spec.name = "p";
    spec.connector.k = k;
    spec.connector.p = p;
    spec.connector.n = n;
    spec.connector.allow_autapses = autapses;
    spec.connector.allow_multapses = multapses;
    spec.weight = test::constant("1 mV");
    return build_synapses(spec, {pre, post, same, dimension::voltage, 1e-4, seed, 0});
}

}  // namespace

TEST_CASE("connectivity: all-to-all, with and without autapses") {
    CHECK(draw(kind::all_to_all, 3, 4, false).size() == 12);
    const auto s = draw(kind::all_to_all, 5, 5, true, 0, 0, false);
    CHECK(s.size() == 20);
    for (std::size_t k = 0; k < s.size(); ++k) CHECK(s.pre[k] != s.post[k]);
}

TEST_CASE("connectivity: one-to-one pairs equal indices and needs equal sizes") {
    const auto s = draw(kind::one_to_one, 7, 7, false);
    REQUIRE(s.size() == 7);
    for (std::size_t k = 0; k < 7; ++k) CHECK(s.pre[k] == s.post[k]);
    CHECK_THROWS_AS(draw(kind::one_to_one, 7, 8, false), network_error);
}

TEST_CASE("connectivity: fixed probability matches p within five standard deviations") {
    const double p = 0.02;
    const auto s = draw(kind::fixed_probability, 2000, 3000, false, p);
    const double pairs = 2000.0 * 3000.0;
    const double mean = p * pairs, sd = std::sqrt(pairs * p * (1 - p));
    CHECK(std::fabs(static_cast<double>(s.size()) - mean) < 5 * sd);
    // Reproducible for a seed, different for another.
    CHECK(draw(kind::fixed_probability, 2000, 3000, false, p).post == s.post);
    CHECK(draw(kind::fixed_probability, 2000, 3000, false, p, 0, true, true, 2).post != s.post);
    CHECK(draw(kind::fixed_probability, 10, 10, false, 1.0).size() == 100);
    CHECK(draw(kind::fixed_probability, 10, 10, false, 0.0).size() == 0);
    CHECK_THROWS_AS(draw(kind::fixed_probability, 10, 10, false, 1.5), config_error);
}

TEST_CASE("connectivity: fixed in-degree gives every target exactly n inputs") {
    const auto s = draw(kind::fixed_indegree, 50, 40, true, 0, 10, false, false);
    std::vector<int> in(40, 0);
    std::set<std::pair<std::uint32_t, std::uint32_t>> pairs;
    for (std::size_t k = 0; k < s.size(); ++k) {
        ++in[s.post[k]];
        CHECK(s.pre[k] != s.post[k]);
        pairs.emplace(s.pre[k], s.post[k]);
    }
    for (int c : in) CHECK(c == 10);
    CHECK(pairs.size() == s.size());  // no multapses
    CHECK_THROWS_AS(draw(kind::fixed_indegree, 5, 5, true, 0, 5, false, false), network_error);
}

TEST_CASE("connectivity: fixed out-degree gives every source exactly n targets") {
    const auto s = draw(kind::fixed_outdegree, 30, 100, false, 0, 7);
    std::vector<int> out(30, 0);
    for (auto j : s.pre) ++out[j];
    for (int c : out) CHECK(c == 7);
}

TEST_CASE("connectivity: explicit lists are checked against the population sizes") {
    projection_spec spec;
    spec.name = "x";
    spec.connector.k = kind::explicit_list;
    spec.connector.pre_ids = {0, 1, 2};
    spec.connector.post_ids = {2, 1, 0};
    spec.weight.k = value_spec::kind::array;
    spec.weight.values = {1e-3, 2e-3, 3e-3};
    spec.delay.k = value_spec::kind::array;
    spec.delay.values = {1e-4, 2e-4, 5e-4};
    spec.delay_given = true;
    const auto s = build_synapses(spec, {3, 3, false, dimension::voltage, 1e-4, 1, 0});
    CHECK(s.post == std::vector<std::uint32_t>{2, 1, 0});
    CHECK(s.delay == std::vector<std::uint16_t>{1, 2, 5});
    CHECK(s.weight[1] == static_cast<float>(2e-3));
    spec.connector.post_ids = {2, 1, 3};
    CHECK_THROWS_AS(build_synapses(spec, {3, 3, false, dimension::voltage, 1e-4, 1, 0}), network_error);
    spec.connector.post_ids = {2, 1};
    CHECK_THROWS_AS(build_synapses(spec, {3, 3, false, dimension::voltage, 1e-4, 1, 0}), network_error);
}

TEST_CASE("connectivity: delays must be whole steps of at least one dt") {
    projection_spec spec;
    spec.name = "d";
    spec.connector.k = kind::all_to_all;
    spec.weight = test::constant("1 mV");
    spec.delay = test::constant("0.15 ms");
    spec.delay_given = true;
    CHECK_THROWS_AS(build_synapses(spec, {2, 2, false, dimension::voltage, 1e-4, 1, 0}), config_error);
    spec.delay = test::constant("0 ms");
    CHECK_THROWS_AS(build_synapses(spec, {2, 2, false, dimension::voltage, 1e-4, 1, 0}), config_error);
    spec.delay = test::constant("1 mV");
    CHECK_THROWS_AS(build_synapses(spec, {2, 2, false, dimension::voltage, 1e-4, 1, 0}), config_error);
}

TEST_CASE("network: per-synapse delays deliver on their own steps") {
    auto e = test::experiment("0.1 ms", "2 ms");
    e.network.populations.push_back(test::spike_source("src", 1, {0.0}, {0}));
    auto params = param_inputs{{"v_th", test::q("100 mV")}, {"tau_syn_exc", test::q("1000 s")}};
    e.network.populations.push_back(test::population("n", 2, "lif", params));
    auto pr = test::projection("p", "src", "n", "exc", kind::explicit_list, "1 mV");
    pr.connector.pre_ids = {0, 0};
    pr.connector.post_ids = {0, 1};
    pr.delay.k = value_spec::kind::array;
    pr.delay.values = {0.3e-3, 0.7e-3};
    pr.delay_given = true;
    e.network.projections.push_back(pr);
    e.probes.push_back(test::probe("n", "i_exc"));
    simulation sim(e);
    sim.run();
    const auto& p = sim.probe("n", "i_exc");
    // Sample stamped t holds the value before the inputs arriving at t: neuron 0 first shows the
    // input at 0.4 ms, neuron 1 at 0.8 ms.
    for (std::size_t m = 0; m < p.times.size(); ++m) {
        const double t = p.times[m];
        CHECK((p.values[2 * m] > 0) == (t > 0.35e-3));
        CHECK((p.values[2 * m + 1] > 0) == (t > 0.75e-3));
    }
}

TEST_CASE("network: errors name the node") {
    auto e = test::experiment("0.1 ms", "1 ms");
    e.network.populations.push_back(test::population("a", 3, "lif"));
    e.network.projections.push_back(test::projection("bad", "a", "b", "exc", kind::all_to_all, "1 mV"));
    try {
        simulation sim(e);
        FAIL("expected a network error");
    } catch (const network_error& err) {
        CHECK(err.site().node == "bad");
        CHECK(std::string(err.what()).find("'b'") != std::string::npos);
    }
    e.network.projections[0].post = "a";
    e.network.projections[0].receptor = "dopamine";
    CHECK_THROWS_AS(simulation{e}, network_error);
    e.network.projections[0].receptor = "exc";
    e.network.projections[0].weight = test::constant("1 nS");
    CHECK_THROWS_AS(simulation{e}, config_error);
    e.network.projections.clear();
    e.network.populations.push_back(test::population("a", 2, "lif"));
    CHECK_THROWS_AS(simulation{e}, network_error);
}

TEST_CASE("poisson source: the rate matches within five standard deviations, per seed") {
    auto make = [](std::uint64_t seed) {
        auto e = test::experiment("0.1 ms", "2 s");
        e.run.seed = seed;
        e.network.populations.push_back(test::population("p", 500, "poisson", {{"rate", test::q("20 Hz")}}));
        e.spikes.push_back(test::record_all("p"));
        simulation sim(e);
        sim.run();
        return sim.spikes("p");
    };
    const auto a = make(3);
    const double expected = 500 * 20 * 2.0;
    CHECK(std::fabs(static_cast<double>(a.times.size()) - expected) < 5 * std::sqrt(expected));
    CHECK(make(3).ids == a.ids);
    CHECK(make(4).ids != a.ids);
}

TEST_CASE("network: a network that cannot fit in memory is refused before it is built") {
    auto e = test::experiment("0.1 ms", "1 ms");
    e.network.populations.push_back(test::population("big", 2'000'000, "lif"));
    e.network.projections.push_back(test::projection("all", "big", "big", "exc", kind::all_to_all, "1 mV"));
    try {
        simulation sim(e);
        FAIL("expected a memory error");
    } catch (const user_error& err) {
        CHECK(err.site().resource == "memory");
        CHECK(std::string(err.what()).find("GiB") != std::string::npos);
    }
}

TEST_CASE("poisson source: a mean of more than 20 spikes per step is refused") {
    auto e = test::experiment("1 ms", "10 ms");
    e.network.populations.push_back(test::population("p", 3, "poisson", {{"rate", test::q("30 kHz")}}));
    CHECK_THROWS_AS(simulation{e}, config_error);
    e.network.populations[0].params["rate"] = test::q("20 kHz");
    CHECK_NOTHROW(simulation{e});
}

TEST_CASE("run: a duration beyond the time base names the duration") {
    auto e = test::experiment("0.1 ms", "1e30 s");
    e.run.duration.site.key = "run.duration";
    e.run.dt.site.key = "run.dt";
    e.network.populations.push_back(test::population("p", 3, "lif"));
    try {
        simulation sim(e);
        FAIL("expected a config error");
    } catch (const config_error& err) {
        CHECK(err.site().key == "run.duration");
    }
}

TEST_CASE("connectivity: no delay, Brian2's default, is refused with what delay = dt means instead") {
    projection_spec spec;
    spec.name = "d";
    spec.connector.k = kind::all_to_all;
    spec.weight = test::constant("1 mV");
    spec.delay = test::constant("0 ms");
    spec.delay_given = true;
    try {
        build_synapses(spec, {2, 2, false, dimension::voltage, 1e-4, 1, 0});
        FAIL("expected a config error");
    } catch (const config_error& err) {
        const std::string what = err.what();
        CHECK(what.find("Brian2") != std::string::npos);
        CHECK(what.find("one step later") != std::string::npos);
    }
}

TEST_CASE("connectivity: weights of the sign a receptor refuses are errors naming the projection") {
    projection_spec spec;
    spec.name = "inh_exc";
    spec.post = "exc";
    spec.receptor = "inh";
    spec.connector.k = kind::all_to_all;
    spec.weight = test::constant("9 mV");
    const projection_context inhibitory{2, 2, false, dimension::voltage, 1e-4, 1, 0, weight_sign::non_positive};
    try {
        build_synapses(spec, inhibitory);
        FAIL("expected a config error");
    } catch (const config_error& err) {
        CHECK(err.site().node == "inh_exc");
        const std::string what = err.what();
        CHECK(what.find("would excite") != std::string::npos);
        CHECK(what.find("-0.009 V") != std::string::npos);
    }
    spec.weight = test::constant("-9 mV");
    CHECK(build_synapses(spec, inhibitory).size() == 4);
    spec.weight = test::constant("0 mV");
    CHECK(build_synapses(spec, inhibitory).size() == 4);
    // A normal distribution straddling zero is caught at the first positive draw.
    spec.weight.k = value_spec::kind::normal;
    spec.weight.a = test::q("-1 mV");
    spec.weight.b = test::q("2 mV");
    CHECK_THROWS_AS(build_synapses(spec, inhibitory), config_error);
    spec.weight = test::constant("-6 nS");
    CHECK_THROWS_AS(build_synapses(spec, {2, 2, false, dimension::conductance, 1e-4, 1, 0, weight_sign::non_negative}),
                    config_error);
}

TEST_CASE("network: a positive weight onto lif's inh receptor is refused, onto exc it is not") {
    auto e = test::experiment("0.1 ms", "1 ms");
    e.network.populations.push_back(test::population("a", 3, "lif"));
    e.network.projections.push_back(test::projection("i", "a", "a", "inh", kind::all_to_all, "9 mV"));
    CHECK_THROWS_AS(simulation{e}, config_error);
    e.network.projections[0].receptor = "exc";
    CHECK_NOTHROW(simulation{e});
}

namespace {

// Spike steps of one lif neuron driven far above threshold (it fires whenever t_ref lets it),
// and of a spike_times source with spikes at 0.2 and 0.5 ms, under a convention.
std::pair<std::vector<long>, std::vector<long>> convention_run(timing_convention convention) {
    auto e = test::experiment("0.1 ms", "3 ms");
    e.run.convention = convention;
    e.network.populations.push_back(test::population(
        "n", 1, "lif", {{"v_rest", test::q("100 mV")}, {"tau_m", test::q("1 ms")}, {"t_ref", test::q("0.5 ms")}}));
    e.network.populations.push_back(test::spike_source("src", 1, {0.2e-3, 0.5e-3}, {0, 0}));
    e.spikes.push_back(test::record_all("n"));
    e.spikes.push_back(test::record_all("src"));
    simulation sim(e);
    sim.run();
    const auto steps = [&](const char* name) {
        std::vector<long> out;
        for (const double t : sim.spikes(name).times) out.push_back(std::lround(t / 1e-4));
        return out;
    };
    return {steps("n"), steps("src")};
}

}  // namespace

TEST_CASE("conventions: brian2 stamps a step earlier and holds t_ref one step less; sources keep their times") {
    const auto [nest, nest_src] = convention_run(timing_convention::nest);
    const auto [brian, brian_src] = convention_run(timing_convention::brian2);
    // The neuron starts at its default v = v_rest, above threshold, and fires at the first test
    // in both; one step of integration from the reset crosses again. NEST holds 5 steps and
    // crosses in the 6th; Brian2 holds 4 and crosses in the 5th (refractory = 5 steps in Brian2's
    // terms, counted from the stamp).
    REQUIRE(nest.size() > 3);
    REQUIRE(brian.size() > 3);
    for (std::size_t k = 1; k < nest.size(); ++k) CHECK(nest[k] - nest[k - 1] == 6);
    for (std::size_t k = 2; k < brian.size(); ++k) CHECK(brian[k] - brian[k - 1] == 5);
    CHECK(nest.front() == 0);
    CHECK(brian.front() == 0);  // found at step 0, stamped 0 rather than -dt
    CHECK(brian[1] == 4);       // found at step 5 (4 held), stamped 4
    CHECK(nest_src == std::vector<long>{2, 5});
    CHECK(brian_src == std::vector<long>{2, 5});
}
