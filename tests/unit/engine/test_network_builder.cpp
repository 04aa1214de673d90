// The network builder on a tiny experiment whose every table can be written down by hand:
// three stimulus neurons all-to-all onto five LIF neurons, those one-to-one onto five more.
// Checked: populations, their slices for one and two threads, the synapse tables each slice
// holds (rows per presynaptic neuron, slice-local targets, SI weights, uniform delays in
// steps), ticks at the picosecond time base, and the recording plans.
#include <doctest/doctest.h>

#include "tests/unit/common/relative.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include "engine/base/errors.hpp"
#include "engine/event_engine.hpp"
#include "engine/network_builder.hpp"
#include "neurons/model.hpp"
#include "tests/unit/common/specs.hpp"

using namespace fluxon;
using namespace fluxon::test;

namespace {

const model_registry& models() {
    static const model_registry m = builtin_models();
    return m;
}

// inp (3 sources: neuron 0 at 0.1 ms, neuron 2 at 0.2 ms) -all_to_all, exc, 0.5 mV, 1 ms->
// out (5 LIF) -one_to_one, inh, -0.25 mV, 0.3 ms-> b (5 LIF). The LIF neurons rest 20 mV
// below threshold: 0.5 mV inputs never make them fire.
net::experiment_spec tiny(int threads, std::uint32_t min_slice, const std::string& duration = "1 s") {
    auto e = experiment("0.1 ms", duration);
    e.run.threads = threads;
    e.run.min_slice = min_slice;
    e.network.populations.push_back(spike_source("inp", 3, {0.1e-3, 0.2e-3}, {0, 2}));
    const param_inputs quiet{{"tau_m", q("20 ms")},    {"v_rest", q("-70 mV")}, {"v_th", q("-50 mV")},
                             {"v_reset", q("-60 mV")}, {"t_ref", q("5 ms")},    {"tau_syn_exc", q("5 ms")},
                             {"tau_syn_inh", q("10 ms")}};
    e.network.populations.push_back(population("out", 5, "lif", quiet));
    e.network.populations.push_back(population("b", 5, "lif", quiet));
    auto in = projection("inp_out", "inp", "out", "exc", net::connector_spec::kind::all_to_all, "0.5 mV");
    in.delay = constant("1 ms");
    in.delay_given = true;
    e.network.projections.push_back(in);
    auto ob = projection("out_b", "out", "b", "inh", net::connector_spec::kind::one_to_one, "-0.25 mV");
    ob.delay = constant("0.3 ms");
    ob.delay_given = true;
    e.network.projections.push_back(ob);

    e.spikes.push_back(record_all("out"));
    auto some = record_all("b");
    some.all = false;
    some.ids = {4, 1, 1};
    e.spikes.push_back(some);
    e.probes.push_back(probe("out", "v", {3, 0}));
    auto currents = probe("b", "i_exc");
    currents.interval = q("0.5 ms");
    e.probes.push_back(currents);
    e.probes.push_back(probe("out", "i_inh"));
    return e;
}

std::vector<std::uint32_t> targets_of(const synapse_table& t) {
    std::vector<std::uint32_t> out;
    for (std::size_t k = 0; k < t.size(); ++k) out.push_back(t.target(k));
    return out;
}

// Slices of `pop` as (first, size) pairs, and a check that they tile it in order.
std::vector<std::pair<std::uint32_t, std::uint32_t>> slices_of(const built_population& pop) {
    std::vector<std::pair<std::uint32_t, std::uint32_t>> out;
    std::uint32_t next = 0;
    for (const population_slice* s : pop.slices) {
        CHECK(s->first_id() == next);
        next = s->first_id() + s->size();
        out.emplace_back(s->first_id(), s->size());
    }
    CHECK(next == pop.size);
    return out;
}

using ranges = std::vector<std::pair<std::uint32_t, std::uint32_t>>;

}  // namespace

TEST_CASE("network builder: populations, projections and ticks of a tiny network on one thread") {
    event_engine engine(1);
    const built_network net = build_network(tiny(1, 2048), models(), engine);

    REQUIRE(net.populations.size() == 3);
    CHECK(net.populations[0].name == "inp");
    CHECK(net.populations[0].size == 3);
    CHECK(net.populations[0].model->name() == "spike_times");
    CHECK(net.populations[1].name == "out");
    CHECK(net.populations[1].size == 5);
    CHECK(net.populations[1].model->name() == "lif");
    CHECK(net.populations[2].name == "b");
    CHECK(net.populations[2].size == 5);
    CHECK(net.populations[2].model->name() == "lif");
    // One thread: every population is one slice.
    CHECK(slices_of(net.populations[0]) == ranges{{0, 3}});
    CHECK(slices_of(net.populations[1]) == ranges{{0, 5}});
    CHECK(slices_of(net.populations[2]) == ranges{{0, 5}});

    // all_to_all: 3 × 5 = 15 synapses; one_to_one: 5.
    REQUIRE(net.projections.size() == 2);
    const built_projection& in = net.projections[0];
    CHECK(in.name == "inp_out");
    CHECK(in.pre == "inp");
    CHECK(in.post == "out");
    CHECK(in.receptor == "exc");
    CHECK(in.connector == "all_to_all");
    CHECK(in.n_synapses == 15);
    CHECK(in.pre_index == 0);
    CHECK(in.post_index == 1);
    const built_projection& ob = net.projections[1];
    CHECK(ob.name == "out_b");
    CHECK(ob.connector == "one_to_one");
    CHECK(ob.receptor == "inh");
    CHECK(ob.n_synapses == 5);
    CHECK(ob.pre_index == 1);
    CHECK(ob.post_index == 2);

    // The picosecond time base: dt = 0.1 ms = 1e8 ps, 1 s = 1e12 ps.
    CHECK(net.base.name() == "ps");
    CHECK(net.dt == fluxon::test::approx(1e-4).epsilon(1e-12));
    CHECK(net.duration == 1.0);
    CHECK(net.dt_ticks == 100'000'000);
    CHECK(net.end_ticks == 1'000'000'000'000);
    CHECK(net.threads == 1);
    CHECK(net.seed == 1);
    // The shortest delay, 0.3 ms = 3 steps, is the window: 3 × 1e8 ps of lookahead.
    CHECK(net.window_steps == 3);
    CHECK(engine.lookahead() == 300'000'000);

    // out's one slice holds inp_out: a row of 5 synapses per stimulus neuron.
    const population_slice& out = *net.populations[1].slices[0];
    REQUIRE(out.incoming().size() == 1);
    const synapse_table& t = out.incoming()[0];
    CHECK(t.projection == 0);
    CHECK(t.pre_population == 0);
    CHECK(t.receptor == 0);  // exc is the LIF's first receptor
    CHECK(t.row_start == std::vector<std::uint64_t>{0, 5, 10, 15});
    CHECK(targets_of(t) == std::vector<std::uint32_t>{0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4});
    // One weight for all: the rows hold targets only.
    CHECK(t.weights_shared());
    CHECK(t.bytes_per_synapse() == 4);
    for (std::size_t k = 0; k < t.size(); ++k) CHECK(t.weight(k) == fluxon::test::approx(5e-4).epsilon(1e-6));
    // 1 ms at dt = 0.1 ms: 10 steps for every synapse, so no per-synapse delays.
    CHECK(t.uniform_delay == 10);
    CHECK(t.delay.empty());
    REQUIRE(t.sources.size() == 1);
    CHECK(t.sources[0] == &net.populations[0].slices[0]->log());
    // A source receives nothing.
    CHECK(net.populations[0].slices[0]->incoming().empty());
}

TEST_CASE("network builder: two threads cut populations of at least min_slice into contiguous slices") {
    event_engine engine(2);
    const built_network net = build_network(tiny(2, 2), models(), engine);
    CHECK(net.threads == 2);
    // 3 / min_slice 2 = 1 cut: inp stays whole. 5 / 2 = 2 cuts: 3 + 2 (the remainder goes first).
    CHECK(slices_of(net.populations[0]) == ranges{{0, 3}});
    CHECK(slices_of(net.populations[1]) == ranges{{0, 3}, {3, 2}});
    CHECK(slices_of(net.populations[2]) == ranges{{0, 3}, {3, 2}});
    // Slicing does not change what was connected.
    CHECK(net.projections[0].n_synapses == 15);
    CHECK(net.projections[1].n_synapses == 5);

    // A larger min_slice (3) leaves 5 neurons whole: 5 / 3 = 1 cut.
    event_engine engine3(2);
    const built_network whole = build_network(tiny(2, 3), models(), engine3);
    CHECK(slices_of(whole.populations[1]) == ranges{{0, 5}});
    CHECK(slices_of(whole.populations[2]) == ranges{{0, 5}});
}

TEST_CASE("network builder: each post slice holds its own rows, with slice-local targets") {
    event_engine engine(2);
    const built_network net = build_network(tiny(2, 2), models(), engine);
    const auto& out = net.populations[1].slices;
    const auto& b = net.populations[2].slices;
    REQUIRE(out.size() == 2);
    REQUIRE(b.size() == 2);

    // inp_out into out[0..2]: 3 synapses per stimulus neuron; into out[3..4]: 2, targets 0 and 1
    // there (neurons 3 and 4). 0.5 mV = 5e-4 V.
    const synapse_table& a0 = out[0]->incoming().at(0);
    const synapse_table& a1 = out[1]->incoming().at(0);
    CHECK(a0.row_start == std::vector<std::uint64_t>{0, 3, 6, 9});
    CHECK(targets_of(a0) == std::vector<std::uint32_t>{0, 1, 2, 0, 1, 2, 0, 1, 2});
    CHECK(a1.row_start == std::vector<std::uint64_t>{0, 2, 4, 6});
    CHECK(targets_of(a1) == std::vector<std::uint32_t>{0, 1, 0, 1, 0, 1});
    CHECK(a0.size() + a1.size() == net.projections[0].n_synapses);
    for (const auto* t : {&a0, &a1}) {
        CHECK(t->projection == 0);
        CHECK(t->receptor == 0);
        CHECK(t->uniform_delay == 10);
        CHECK(t->delay.empty());
        REQUIRE(t->sources.size() == 1);  // inp is one slice
        CHECK(t->sources[0] == &net.populations[0].slices[0]->log());
        for (const synapse& s : t->synapses) CHECK(s.weight == fluxon::test::approx(5e-4).epsilon(1e-6));
    }

    // out_b (one_to_one) into b[0..2]: rows of pre 0, 1, 2 hold one synapse each, rows 3 and 4
    // none; into b[3..4]: only rows 3 and 4, to local 0 and 1. -0.25 mV = -2.5e-4 V on inh.
    const synapse_table& c0 = b[0]->incoming().at(0);
    const synapse_table& c1 = b[1]->incoming().at(0);
    CHECK(c0.row_start == std::vector<std::uint64_t>{0, 1, 2, 3, 3, 3});
    CHECK(targets_of(c0) == std::vector<std::uint32_t>{0, 1, 2});
    CHECK(c1.row_start == std::vector<std::uint64_t>{0, 0, 0, 0, 1, 2});
    CHECK(targets_of(c1) == std::vector<std::uint32_t>{0, 1});
    for (const auto* t : {&c0, &c1}) {
        CHECK(t->projection == 1);
        CHECK(t->pre_population == 1);
        CHECK(t->receptor == 1);      // inh is the LIF's second receptor
        CHECK(t->uniform_delay == 3);  // 0.3 ms / 0.1 ms
        CHECK(t->delay.empty());
        // out is two slices: both logs are read, in id order.
        REQUIRE(t->sources.size() == 2);
        CHECK(t->sources[0] == &out[0]->log());
        CHECK(t->sources[1] == &out[1]->log());
        for (const synapse& s : t->synapses) CHECK(s.weight == fluxon::test::approx(-2.5e-4).epsilon(1e-6));
    }
}

TEST_CASE("network builder: spike streams and probes follow the records") {
    event_engine engine(2);
    const built_network net = build_network(tiny(2, 2), models(), engine);

    REQUIRE(net.spike_streams.size() == 2);
    CHECK(net.spike_streams[0].population == 1);
    CHECK(net.spike_streams[0].all);
    CHECK(net.spike_streams[0].ids.empty());
    // ids {4, 1, 1}: sorted, duplicates dropped.
    CHECK(net.spike_streams[1].population == 2);
    CHECK_FALSE(net.spike_streams[1].all);
    CHECK(net.spike_streams[1].ids == std::vector<std::uint32_t>{1, 4});

    REQUIRE(net.probes.size() == 3);
    // out.v at {3, 0} → {0, 3}: neuron 0 is local 0 of out[0..2], neuron 3 local 0 of out[3..4].
    const probe_plan& v = net.probes[0];
    CHECK(v.population == 1);
    CHECK(v.variable == "v");
    CHECK(v.units == "V");
    CHECK(v.ids == std::vector<std::uint32_t>{0, 3});
    CHECK(v.interval_steps == 1);
    CHECK(v.tap_index == 0);
    const auto& out = net.populations[1].slices;
    REQUIRE(out[0]->probes().size() == 2);
    REQUIRE(out[1]->probes().size() == 2);
    CHECK(out[0]->probes()[0].local_ids == std::vector<std::uint32_t>{0});
    CHECK(out[1]->probes()[0].local_ids == std::vector<std::uint32_t>{0});
    CHECK(out[0]->probes()[0].state_index == 0);  // v is the LIF's first state variable

    // b.i_exc, every neuron, every 0.5 ms = 5 steps.
    const probe_plan& ie = net.probes[1];
    CHECK(ie.population == 2);
    CHECK(ie.variable == "i_exc");
    CHECK(ie.units == "V");
    CHECK(ie.ids == std::vector<std::uint32_t>{0, 1, 2, 3, 4});
    CHECK(ie.interval_steps == 5);
    CHECK(ie.tap_index == 0);
    const auto& b = net.populations[2].slices;
    CHECK(b[0]->probes().at(0).local_ids == std::vector<std::uint32_t>{0, 1, 2});
    CHECK(b[1]->probes().at(0).local_ids == std::vector<std::uint32_t>{0, 1});
    CHECK(b[0]->probes().at(0).state_index == 1);
    CHECK(b[0]->probes().at(0).interval_steps == 5);

    // A second probe of out is its second tap: out.i_inh, state variable 2.
    const probe_plan& ii = net.probes[2];
    CHECK(ii.population == 1);
    CHECK(ii.tap_index == 1);
    CHECK(out[0]->probes()[1].state_index == 2);
    CHECK(out[0]->probes()[1].local_ids == std::vector<std::uint32_t>{0, 1, 2});
    CHECK(out[1]->probes()[1].local_ids == std::vector<std::uint32_t>{0, 1});
}

TEST_CASE("network builder: a built network with ring headroom runs and delivers every synapse") {
    // 2 ms = 20 steps. inp spikes at steps 1 and 2; each spike reaches all 5 out neurons 10
    // steps later (steps 11 and 12): 3 + 3 events in out[0..2], 2 + 2 in out[3..4]. out never
    // fires, so b receives nothing.
    event_engine engine(2);
    const built_network net = build_network(tiny(2, 2, "2 ms"), models(), engine, 4);
    CHECK(net.end_ticks == 2'000'000'000);
    const tick_t reached = engine.run(net.end_ticks, 1, [](tick_t) { return true; });
    CHECK(reached == net.end_ticks);

    const auto& inp = *net.populations[0].slices[0];
    const auto& out = net.populations[1].slices;
    const auto& b = net.populations[2].slices;
    CHECK(inp.counters().steps == 20);
    CHECK(inp.counters().spikes == 2);
    CHECK(out[0]->counters().steps == 20);
    CHECK(out[0]->counters().synaptic_events == 6);
    CHECK(out[1]->counters().synaptic_events == 4);
    CHECK(out[0]->counters().spikes + out[1]->counters().spikes == 0);
    CHECK(b[0]->counters().synaptic_events + b[1]->counters().synaptic_events == 0);
    // b.i_exc sampled every 5 steps, after steps 4, 9, 14 and 19: at 5, 10, 15, 20.
    CHECK(b[0]->probes().at(0).sample_steps == std::vector<std::int64_t>{5, 10, 15, 20});
}

TEST_CASE("network builder: check_experiment refuses a projection to an unknown population") {
    auto e = tiny(1, 2048);
    CHECK_NOTHROW(check_experiment(e, models()));
    e.network.projections.push_back(
        projection("inp_nope", "inp", "nope", "exc", net::connector_spec::kind::all_to_all, "1 mV"));
    CHECK_THROWS_AS(check_experiment(e, models()), user_error);
    try {
        check_experiment(e, models());
        FAIL("no error for an unknown post population");
    } catch (const network_error& err) {
        CHECK(err.site().node == "inp_nope");
        CHECK(err.detail() == "post 'nope' is not a population; populations are: inp, out, b");
        CHECK(std::string(err.what()).find("node 'inp_nope'") != std::string::npos);
    }
    // build_network refuses it too, before building anything.
    event_engine engine(1);
    CHECK_THROWS_AS(build_network(e, models(), engine), network_error);
}

// Neurons hold state too: 4e9 LIF neurons (hundreds of GiB of state arrays) are refused by name
// before anything is allocated, instead of running into std::bad_alloc.
TEST_CASE("network builder: a population whose state cannot fit in memory is refused by name") {
    auto e = experiment("0.1 ms", "1 ms");
    e.network.populations.push_back(population("small", 10, "lif"));
    e.network.populations.push_back(population("big", 4'000'000'000u, "lif"));
    const double needed = 4e9 * 8.0 * 4;  // a lower bound: at least 4 words per LIF neuron
    if (available_memory_bytes() > needed) {
        MESSAGE("this machine has more than " << needed / (1 << 30) << " GiB available: nothing to refuse");
        return;
    }
    event_engine engine(1);
    try {
        build_network(e, models(), engine);
        FAIL("expected a memory error");
    } catch (const network_error& err) {
        CHECK(err.site().resource == "memory");
        CHECK(err.site().node == "big");
        CHECK_MESSAGE(std::string(err.what()).find("population 'big' holds 4000000000 neurons") != std::string::npos,
                      err.what());
        CHECK(std::string(err.what()).find("GiB of memory is available") != std::string::npos);
    }
}
