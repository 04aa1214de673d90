// Synaptic rows in DRAM, checked against numbers computed by hand from the round-number chip
// of test_chip_binding.cpp and the shipped DDR4-3200 preset (tCK 0.625 ns, tRCD = CL = 22,
// tBURST 4, 64-byte bursts). A row off chip is read when its message reaches the core: the
// reads reach the controller at the first DRAM clock edge not before that (ceil(t / tCK)),
// and the core starts the message's synaptic processing when the last burst has arrived.
#include <doctest/doctest.h>

#include "tests/unit/common/relative.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <unistd.h>

#include "tests/unit/common/devices.hpp"
#include "tests/unit/common/specs.hpp"
#include "tests/unit/common/unit_chip.hpp"
#include "engine/base/errors.hpp"
#include "engine/simulation.hpp"
#include "devices/dram/dram_preset.hpp"
#include "io/run_file_output.hpp"
#include "io/run_reader.hpp"

using namespace fluxon;
using namespace fluxon::test;

namespace {

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

temp_file chip_with(int synapses_per_core) {
    return temp_file("unitchip" + std::to_string(synapses_per_core), unit_chip_text(synapses_per_core));
}

// One input neuron spiking once, at step 1, onto two LIF neurons that never fire: one synapse
// onto out0 and two onto out1. The sequential mapper puts {inp0, out0} on core 0 and out1 on
// core 1, so inp0 has a row of one synapse at core 0 and one of two at core 1: with one
// synapse per core, only core 1's row goes off chip. `hardware` adds keys to its [hardware]
// section.
net::experiment_spec spill_run(const std::string& chip, const std::string& dram, const std::string& hardware = "") {
    auto e = experiment("0.1 ms", "0.5 ms");
    e.network.populations.push_back(spike_source("inp", 1, {0.1e-3}, {0}));
    const param_inputs quiet{{"tau_m", q("20 ms")},    {"v_rest", q("-70 mV")}, {"v_th", q("-50 mV")},
                             {"v_reset", q("-60 mV")}, {"t_ref", q("5 ms")},    {"tau_syn_exc", q("5 ms")},
                             {"tau_syn_inh", q("10 ms")}};
    e.network.populations.push_back(population("out", 2, "lif", quiet));
    e.network.projections.push_back(
        projection("inp_out", "inp", "out", "exc", net::connector_spec::kind::all_to_all, "0.3 mV"));
    auto extra =
        projection("inp_out1", "inp", "out", "exc", net::connector_spec::kind::explicit_list, "0.3 mV");
    extra.connector.pre_ids = {0};
    extra.connector.post_ids = {1};
    e.network.projections.push_back(extra);
    e.probes.push_back(probe("out", "v"));
    add_device(e, "[hardware]\npreset = \"" + chip + "\"\nmapper = \"sequential\"\n" +
                      (dram.empty() ? std::string() : "synapse_dram = \"" + dram + "\"\n") + hardware);
    return e;
}

std::map<std::pair<std::string, std::string>, std::int64_t> counts_of(const ledger_columns& t) {
    std::map<std::pair<std::string, std::string>, std::int64_t> out;
    for (std::size_t i = 0; i < t.component.size(); ++i) out[{t.component[i], t.action[i]}] = t.count[i];
    return out;
}

constexpr double ns = 1e-9;

}  // namespace

TEST_CASE("chip dram: one spike reads one burst from a closed bank and stalls core 1 by its latency") {
    const temp_file small = chip_with(1), large = chip_with(100);
    simulation on_chip = simulate(spill_run(large.name(), ""));
    const run_result base = on_chip.run();
    simulation spilled = simulate(spill_run(small.name(), "ddr4_3200"));
    const std::filesystem::path out = std::filesystem::temp_directory_path() /
                                      ("fluxon_chip_dram_" + std::to_string(::getpid()) + ".h5");
    run_result r;
    {
        io::run_file_output file(out.string(), spilled);
        r = spilled.run({.output = &file});
    }
    const std::string summary = io::summarize_run(out.string());
    std::filesystem::remove(out);
    // The chip's block of the summary lists its statistics by name.
    CHECK(summary.find("  dram_reads        1\n") != std::string::npos);
    CHECK(summary.find("  dram_stall        30.12 ns\n") != std::string::npos);
    REQUIRE(has_device(base, "chip"));
    REQUIRE(has_device(r, "chip"));

    const device_report m = describe(spilled, "chip");
    CHECK(column<std::int64_t>(m, "chunks", "core") == std::vector<std::int64_t>{0, 0, 1});
    CHECK(column<std::int64_t>(m, "cores", "synapses") == std::vector<std::int64_t>{1, 2});
    CHECK(column<std::int64_t>(m, "cores", "synapses_off_chip") == std::vector<std::int64_t>{0, 2});
    CHECK(column<std::int64_t>(describe(on_chip, "chip"), "cores", "synapses_off_chip") ==
          std::vector<std::int64_t>{0, 0});

    // Without DRAM, as fast as possible (barrier 7 ns): step 0 takes 9 ns; in step 1 (from
    // 9 ns) core 1's message leaves core 0 at 4 ns and crosses one link to arrive at 14 ns,
    // 23 ns of hardware time; then in 1 + 2 synapses = 3 ns. Steps: 9 + 24 + 10 + 9 + 9 = 61 ns.
    CHECK(stat(base, "chip", "hardware_time") == fluxon::test::approx(61 * ns).epsilon(1e-12));
    CHECK(count(base, "chip", "dram_reads") == 0);
    CHECK(stat(base, "chip", "dram_stall") == 0);
    // With the row in DRAM (2 synapses x 4 bytes: one burst), its read reaches the controller
    // at the first clock edge at or after 23 ns: ceil(23 / 0.625) = 37 (23.125 ns). The bank is
    // closed: ACT at 37, RD at 37 + tRCD = 59, data in at 59 + CL + tBURST = 85 clocks,
    // 53.125 ns. The core waits from 23 ns to 53.125 ns: 0.125 ns of clock edge, then
    // (22 + 22 + 4) clocks x 0.625 ns = 30 ns.
    CHECK(count(r, "chip", "dram_reads") == 1);
    CHECK(stat(r, "chip", "dram_stall") == fluxon::test::approx((0.125 + 48 * 0.625) * ns).epsilon(1e-12));
    CHECK(stat(r, "chip", "hardware_time") - stat(base, "chip", "hardware_time") ==
          fluxon::test::approx(30.125 * ns).epsilon(1e-9));
    CHECK(stat(r, "chip", "max_step_time") == fluxon::test::approx((24 + 30.125) * ns).epsilon(1e-12));
    CHECK(count(r, "chip", "late_messages") == 0);
    CHECK(r.spikes == base.spikes);
    CHECK(spilled.probe("out", "v").values == on_chip.probe("out", "v").values);

    // The DRAM's rows: one ACT+PRE and one read; background over its 85 clocks, a bank open
    // from the ACT at 37 on.
    const auto counts = counts_of(spilled.ledger());
    CHECK(counts.at({"dram/channel[0]", "act_pre"}) == 1);
    CHECK(counts.at({"dram/channel[0]", "read"}) == 1);
    CHECK(counts.count({"dram/channel[0]", "write"}) == 0);
    CHECK(counts.count({"dram/channel[0]", "refresh"}) == 0);
    CHECK(counts.at({"dram/channel[0]/active_standby", "static"}) == 85 - 37);
    CHECK(counts.at({"dram/channel[0]/precharged_standby", "static"}) == 37);
    CHECK(counts.at({"chip/core[1]/synapse", "spike_op"}) == 2);
    CHECK(counts_of(on_chip.ledger()).count({"dram/channel[0]", "read"}) == 0);
    CHECK(total_energy(r, "chip") > total_energy(base, "chip"));
}

TEST_CASE("chip dram: in timed fidelity the DRAM stall makes the message one step late") {
    const temp_file small = chip_with(1), large = chip_with(100);
    // A 40 ns period: step 1 starts at 40 ns. Core 1's message arrives at 54 ns; on chip it is
    // done at 57 ns, before step 2 starts at 80 ns. From DRAM: clock ceil(54 / 0.625) = 87,
    // data at 87 + 48 = 135 clocks = 84.375 ns, done at 87.375 ns: one step late.
    auto timed = [&](const temp_file& chip, const std::string& dram) {
        return spill_run(chip.name(), dram, "fidelity = \"timed\"\nstep_period = \"40 ns\"\n");
    };
    simulation on_chip = simulate(timed(large, ""));
    const run_result base = on_chip.run();
    simulation spilled = simulate(timed(small, "ddr4_3200"));
    const run_result r = spilled.run();
    CHECK(count(base, "chip", "late_messages") == 0);
    CHECK(count(r, "chip", "late_messages") == 1);
    CHECK(count(r, "chip", "overrun_steps") == 1);
    CHECK(stat(r, "chip", "dram_stall") == fluxon::test::approx((84.375 - 54) * ns).epsilon(1e-12));
    CHECK(stat(r, "chip", "hardware_time") == fluxon::test::approx(5 * 40 * ns).epsilon(1e-12));

    // out1's input arrives in step 3 instead of step 2; out0's stays on time.
    const auto& a = on_chip.probe("out", "v").values;  // [step][neuron]
    const auto& b = spilled.probe("out", "v").values;
    REQUIRE(b.size() == 10);
    CHECK(a[2 * 2 + 1] != -70e-3);
    CHECK(b[2 * 2 + 0] == a[2 * 2 + 0]);
    CHECK(b[2 * 2 + 1] == fluxon::test::approx(-70e-3).epsilon(1e-15));
    CHECK(b[3 * 2 + 1] != -70e-3);
    CHECK(b[3 * 2 + 1] == fluxon::test::approx(a[2 * 2 + 1]).epsilon(1e-12));
}

TEST_CASE("chip dram: a DRAM too small for the rows off chip is a network error") {
    const temp_file small = chip_with(1);
    std::string text = load_dram_preset("ddr4_3200", {}).text;
    text = replaced(text, "rows = { value = 65536", "rows = { value = 1");
    text = replaced(text, "columns = { value = 128", "columns = { value = 1");
    const temp_file tiny("tinydram", text);  // 16 banks x 1 row x 1 burst of 64 bytes: 1 KiB
    // Core 1's row of 2 synapses of 512 bytes fills it exactly.
    const auto fills = spill_run(small.name(), tiny.name(), "bytes_per_synapse = 512\n");
    CHECK(count(simulate(fills).run(), "chip", "dram_reads") == 16);
    const auto spec = spill_run(small.name(), tiny.name(), "bytes_per_synapse = 513\n");
    try {
        simulation sim = simulate(spec);
        FAIL("the row should not fit the DRAM");
    } catch (const network_error& e) {
        CHECK(e.site().node == "inp");
        CHECK(e.site().resource == "dram capacity");
        CHECK(std::string(e.what()).find("1024 bytes") != std::string::npos);
    }
}

TEST_CASE("chip dram: without a DRAM, synapses_per_core stays a hard limit, an unknown DRAM is refused") {
    const temp_file small = chip_with(1);
    try {
        simulation sim = simulate(spill_run(small.name(), ""));
        FAIL("two synapses onto out1 should not fit a core of one");
    } catch (const network_error& e) {
        CHECK(e.site().resource == "synapses_per_core");
    }
    // The family loads the DRAM preset when it reads the section: an unknown one is refused
    // there, at the key that names it.
    try {
        spill_run(small.name(), "ddr9");
        FAIL("an unknown DRAM preset should be refused");
    } catch (const config_error& e) {
        CHECK(e.site().key == "hardware.synapse_dram");
        CHECK(std::string(e.what()).find("ddr4_3200") != std::string::npos);
    }
}
