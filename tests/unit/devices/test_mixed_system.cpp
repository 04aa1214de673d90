// A chip and crossbar arrays in one run, its ledger counted by hand: the neurons and one
// projection on a chip of round numbers (tests/unit/common/unit_chip.hpp), a second projection
// in ideal arrays. One time base, one ledger holding both devices' rows, one report each. The
// arrays sit on the chip's network-on-chip behind an array port (chip_model.hpp): aux's spike
// goes to the port and the port's messages to out's cores, routed and charged on the chip.
#include <doctest/doctest.h>

#include <map>

#include "tests/unit/common/relative.hpp"
#include "engine/simulation.hpp"
#include "tests/unit/common/devices.hpp"
#include "tests/unit/common/specs.hpp"
#include "tests/unit/common/temp_file.hpp"
#include "tests/unit/common/unit_chip.hpp"

using namespace fluxon;
using namespace fluxon::test;

namespace {

// `inp` spikes at steps 1 and 3 onto `out` through the chip's synapses; `aux` spikes at step 2
// onto `out` through the arrays. Four neurons, two per core: the sequential mapper puts
// {inp, out0} on core 0 and {out1, aux} on core 1.
net::experiment_spec mixed(const std::string& chip_preset) {
    auto e = experiment("0.1 ms", "0.5 ms");
    e.network.populations.push_back(spike_source("inp", 1, {0.1e-3, 0.3e-3}, {0, 0}));
    const param_inputs quiet{{"tau_m", q("20 ms")},    {"v_rest", q("-70 mV")}, {"v_th", q("-50 mV")},
                             {"v_reset", q("-60 mV")}, {"t_ref", q("5 ms")},    {"tau_syn_exc", q("5 ms")},
                             {"tau_syn_inh", q("10 ms")}};
    e.network.populations.push_back(population("out", 2, "lif", quiet));
    e.network.populations.push_back(spike_source("aux", 1, {0.2e-3}, {0}));
    e.network.projections.push_back(
        projection("inp_out", "inp", "out", "exc", net::connector_spec::kind::all_to_all, "0.3 mV"));
    e.network.projections.push_back(
        projection("aux_out", "aux", "out", "exc", net::connector_spec::kind::all_to_all, "0.2 mV"));
    add_device(e, "[hardware]\npreset = \"" + chip_preset + "\"\nmapper = \"sequential\"\n");
    add_device(e, "[crossbar]\npreset = \"ideal\"\nprojections = [\"aux_out\"]\n");
    return e;
}

std::map<std::pair<std::string, std::string>, std::int64_t> counts_of(const ledger_columns& t) {
    std::map<std::pair<std::string, std::string>, std::int64_t> out;
    for (std::size_t i = 0; i < t.component.size(); ++i) out[{t.component[i], t.action[i]}] += t.count[i];
    return out;
}

std::int64_t action_total(const ledger_columns& t, const std::string& action) {
    std::int64_t n = 0;
    for (std::size_t i = 0; i < t.action.size(); ++i) n += t.action[i] == action ? t.count[i] : 0;
    return n;
}

}  // namespace

TEST_CASE("mixed system: a chip and crossbar arrays share one run, one time base and one ledger") {
    const temp_file preset("mixed_unitchip", unit_chip_text());
    auto spec = mixed(preset.name());
    simulation sim = simulate(spec);
    const run_result r = sim.run();
    REQUIRE(r.devices.size() == 2);
    CHECK(r.devices[0].instance == "crossbar");  // attached first: it takes over aux_out
    CHECK(r.devices[1].instance == "chip");

    // The chip: inp's two spikes each send one message to core 0 and one to core 1 (one hop
    // east), one synapse op at each. aux_out is in the arrays: its port sits on the tile of the
    // core holding most of out's neurons, a tie (out0 on core 0, out1 on core 1) won by core 0,
    // so tile(0,0). aux's spike at step 2 sends leg 1, one message from core 1 to the port (one
    // hop west, tile(1,0)->tile(0,0)); the port then sends leg 2, one message to core 0 (same
    // tile, no hop) and one to core 1 (one hop east). No synapse op for them: the arrays did
    // the sums.
    //   axon_out: core 0 sends inp's 4, core 1 aux's 1; the port 2;
    //   axon_in:  core 0 and core 1 take 2 from inp and 1 from the port each: 3 and 3; the port 1;
    //   hops: tile(0,0)->tile(1,0) 2 (inp) + 1 (leg 2) = 3, tile(1,0)->tile(0,0) 1 (leg 1);
    //   messages: 4 between cores + 1 leg 1 + 2 leg 2 = 7, of which 3 array messages.
    // Five steps of four neuron updates; out0 and out1 receive input at steps 2 and 4 (from
    // inp, one-step delay) and at step 3 (from aux through the arrays): 6 active, 14 inactive.
    const ledger_columns chip = device(r, "chip").ledger;
    const auto rows = counts_of(chip);
    CHECK(rows.at({"chip/core[0]/axon_out", "message"}) == 4);
    CHECK(rows.at({"chip/core[1]/axon_out", "message"}) == 1);
    CHECK(rows.at({"chip/core[0]/axon_in", "message"}) == 3);
    CHECK(rows.at({"chip/core[1]/axon_in", "message"}) == 3);
    CHECK(rows.at({"chip/array_port[aux_out]", "message_in"}) == 1);
    CHECK(rows.at({"chip/array_port[aux_out]", "message_out"}) == 2);
    CHECK(rows.at({"chip/core[0]/synapse", "spike_op"}) == 2);
    CHECK(rows.at({"chip/core[1]/synapse", "spike_op"}) == 2);
    CHECK(rows.at({"chip/core[0]/soma", "update_active"}) == 3);
    CHECK(rows.at({"chip/core[1]/soma", "update_active"}) == 3);
    CHECK(rows.at({"chip/core[0]/soma", "update_inactive"}) == 7);
    CHECK(rows.at({"chip/core[1]/soma", "update_inactive"}) == 7);
    CHECK(rows.at({"chip/noc/link[tile(0,0)->tile(1,0)]", "hop"}) == 3);
    CHECK(rows.at({"chip/noc/link[tile(1,0)->tile(0,0)]", "hop"}) == 1);
    CHECK(count(r, "chip", "messages") == 7);
    CHECK(count(r, "chip", "array_messages") == 3);
    CHECK(count(r, "chip", "hops") == 4);
    // 7 messages out (5 at cores, 2 at the port) at 2 pJ, 7 in (6 at cores, 1 at the port) at
    // 3 pJ, 4 synapse ops at 1 pJ, 6 active updates at 10 pJ, 14 inactive at 4 pJ, 4 east-west
    // hops at 5 pJ.
    const double chip_dynamic = 7 * 2e-12 + 7 * 3e-12 + 4 * 1e-12 + 6 * 10e-12 + 14 * 4e-12 + 4 * 5e-12;
    CHECK(dynamic_energy(r, "chip") == fluxon::test::approx(chip_dynamic).epsilon(1e-12));
    CHECK(static_energy(r, "chip") == fluxon::test::approx(2 * 1e-3 * stat(r, "chip", "hardware_time")).epsilon(1e-12));
    // Hardware time, as fast as possible, per step (the pipeline of test_chip_binding.cpp;
    // barrier of 2 tiles: 7 ns; times from the step's start):
    //   step 0, quiet: each core updates 2 idle neurons, 2 ns → 9 ns;
    //   step 1, inp spikes: core 0 done at 2 ns, sends at 3 ns (to core 0) and 4 ns (to core 1);
    //     core 1's message crosses one link (10 ns) to 14 ns, done at 16 ns → 23 ns;
    //   step 2, aux spikes: out0 and out1 active, each core 1 idle + 1 active = 3 ns; core 1
    //     sends leg 1 at 4 ns, at the port at 14 ns; leg 2 leaves at 14 ns: core 0 takes its
    //     message at once, done at 15 ns; core 1's crosses the east link (free since step 1) to
    //     24 ns, done at 25 ns → 32 ns;
    //   step 3, inp spikes, out0 and out1 active (from aux): core 0 done at 3 ns, sends at 4
    //     and 5 ns; core 1's message arrives at 15 ns, done at 17 ns → 24 ns;
    //   step 4: out0 and out1 active, 3 ns → 10 ns.
    // 9 + 23 + 32 + 24 + 10 = 98 ns; the slowest step is step 2 (without the ports, 10 ns).
    CHECK(stat(r, "chip", "hardware_time") == fluxon::test::approx(98e-9).epsilon(1e-12));
    CHECK(stat(r, "chip", "max_step_time") == fluxon::test::approx(32e-9).epsilon(1e-12));
    CHECK(stat(r, "chip", "queueing_delay") == 0);
    CHECK(count(r, "chip", "synaptic_events") == 4);

    // The arrays: aux_out is a 1 x 2 matrix, two columns per weight (differential pairs) on one
    // array. aux spikes once: one read driving one row, four cells read, two conversions; the
    // four cells were programmed once.
    const ledger_columns xbar = device(r, "crossbar").ledger;
    CHECK(count(r, "crossbar", "arrays") == 1);
    CHECK(action_total(xbar, "read") == 1);
    CHECK(action_total(xbar, "row_drive") == 1);
    CHECK(action_total(xbar, "cell_read") == 4);
    CHECK(action_total(xbar, "adc") == 2);
    CHECK(action_total(xbar, "program") == 4);

    // Energy per synaptic event, per device: the energy of its synaptic actions over the
    // synaptic events it processed. The chip: 4 synapse ops at 1 pJ over its 4 events.
    CHECK(stat(r, "chip", "synaptic_energy") == relative(4e-12, 1e-12));
    CHECK(stat(r, "chip", "energy_per_synaptic_event") == relative(1e-12, 1e-12));
    // The arrays: aux's spike reaches out's 2 neurons, 2 events; the read (0 J), its row
    // (7.7 fJ), 4 cells (G+ at 10 uS, G- at 0.5882 uS, (0.2821 V)^2 x G x 6 ns each), 2
    // conversions (42.39 fJ), 2 shift-and-adds (10 fJ) and 2 output words (80 fJ), not the
    // programming: 282.6 fJ, 141.3 fJ per event.
    CHECK(count(r, "crossbar", "synaptic_events") == 2);
    const double cell = 0.2821 * 0.2821 * (10e-6 + 0.5882e-6) / 2 * 6e-9;
    const double reads = 7.7e-15 + 4 * cell + 2 * 42.39e-15 + 2 * 10e-15 + 2 * 80e-15;
    CHECK(reads == relative(282.6e-15, 1e-4));
    CHECK(stat(r, "crossbar", "synaptic_energy") == relative(reads, 1e-12));
    CHECK(stat(r, "crossbar", "energy_per_synaptic_event") == relative(reads / 2, 1e-12));
    // What a crossbar run reported before, the arrays' energy over all the network's events,
    // counts the chip's 4 events too: a third of the arrays' own figure for the reads alone.
    CHECK(reads / 6 == relative(stat(r, "crossbar", "energy_per_synaptic_event") / 3, 1e-12));

    // One run: 4 synaptic events on the chip and 2 through the arrays; its ledger is both.
    CHECK(r.synaptic_events == 6);
    const ledger_columns all = sim.ledger();
    CHECK(all.component.size() == xbar.component.size() + chip.component.size());
    CHECK(r.total_energy() == fluxon::test::approx(total_energy(r, "chip") + total_energy(r, "crossbar")).epsilon(1e-12));
}
