// An address trace served by the DRAM family ([dram] trace = ...), checked by hand on the
// DDR4-3200 preset: alone (no network, no duration: served at once, the run lasting until the
// last completion), beside a network's synaptic rows in the same memory (merged in arrival
// order, window by window), and cut at the run's end. A read to a closed bank takes tRCD + CL +
// tBURST = 22 + 22 + 4 clocks of 0.625 ns, the next read of the open row CL + tBURST; the
// ledger charges one ACT+PRE pair and two read bursts by DRAMSim3's formulas.
#include <doctest/doctest.h>

#include "tests/unit/common/relative.hpp"

#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "devices/dram/dram_controller.hpp"
#include "devices/dram/dram_preset.hpp"
#include "devices/dram/dram_trace.hpp"
#include "engine/base/errors.hpp"
#include "tests/unit/common/devices.hpp"
#include "tests/unit/common/temp_file.hpp"

using namespace fluxon;
using namespace fluxon::test;

namespace {

const double tck = 0.625e-9;

run_result run_text(const std::string& text) {
    simulation sim = simulate(io::parse_config_text(text, "trace.toml"));
    return sim.run();
}

std::string alone(const temp_file& trace, const std::string& preset = "ddr4_3200") {
    return "[run]\ndt = \"1 ps\"\n[dram]\npreset = \"" + preset + "\"\ntrace = \"" + trace.name() + "\"\n";
}

}  // namespace

TEST_CASE("dram trace alone: a miss then a hit, timed and charged by hand; the run ends at the last completion") {
    const temp_file trace("two", "0x0 READ 0\n0x40 READ 100\n", ".trace");
    simulation sim = simulate(io::parse_config_text(alone(trace), "trace.toml"));
    // The hit completes at clock 100 + CL + tBURST = 126: 78.75 ns, a whole number of ps.
    CHECK(sim.duration() == fluxon::test::approx(126 * tck).epsilon(1e-12));
    const run_result r = sim.run();
    const device_report& d = device(r, "dram");
    CHECK(count(d, "requests") == 2);
    CHECK(count(d, "trace_requests") == 2);
    CHECK(count(d, "row_misses") == 1);
    CHECK(count(d, "row_hits") == 1);
    CHECK(count(d, "trace_after_end") == 0);
    const auto latency = column<double>(d, "trace", "latency");
    REQUIRE(latency.size() == 2);
    CHECK(latency[0] == fluxon::test::approx((22 + 22 + 4) * tck).epsilon(1e-12));  // tRCD + CL + tBURST
    CHECK(latency[1] == fluxon::test::approx((22 + 4) * tck).epsilon(1e-12));       // CL + tBURST
    CHECK(stat(d, "busy_until") == fluxon::test::approx(126 * tck).epsilon(1e-12));
    CHECK(stat(d, "peak_bandwidth") == fluxon::test::approx(64 / (4 * tck)).epsilon(1e-12));  // 25.6 GB/s
    CHECK(stat(d, "bandwidth") == fluxon::test::approx(128 / (126 * tck)).epsilon(1e-12));

    // DRAMSim3's formulas with the preset's currents (8 devices at 1.2 V).
    const double act_pre = 1.2 * (0.057 * 74 - (0.052 * 52 + 0.037 * 22)) * tck * 8;
    const double read = 1.2 * (0.168 - 0.052) * 4 * tck * 8;
    double charged_act = 0, charged_read = 0;
    for (std::size_t i = 0; i < d.ledger.action.size(); ++i) {
        if (d.ledger.action[i] == "act_pre") charged_act += d.ledger.energy[i];
        if (d.ledger.action[i] == "read") charged_read += d.ledger.energy[i];
    }
    CHECK(charged_act == fluxon::test::approx(act_pre).epsilon(1e-12));
    CHECK(charged_read == fluxon::test::approx(2 * read).epsilon(1e-12));
    CHECK(d.static_energy > 0);  // background standby while the memory runs
    CHECK(stat(d, "energy_per_bit") ==
          fluxon::test::approx((d.static_energy + d.dynamic_energy) / (8 * 128)).epsilon(1e-12));
}

TEST_CASE("dram trace alone: the same completions as the memory serving the whole trace at once") {
    std::string text;
    for (int i = 0; i < 300; ++i) text += fmt::format("0x{:x} {} {}\n", 4096 * (i % 7) + 64 * i, i % 3 ? "READ" : "WRITE", 3 * i);
    const temp_file trace("mix", text, ".trace");
    const device_report d = device(run_text(alone(trace)), "dram");

    const dram_preset preset = load_dram_preset("ddr4_3200", {});
    dram_system memory(preset.params);
    const std::vector<dram_request> requests = read_dram_trace(trace.name(), preset.params.org.capacity_bytes());
    const std::vector<dram_clock> done = memory.run(requests);
    const auto latency = column<double>(d, "trace", "latency");
    REQUIRE(latency.size() == requests.size());
    for (std::size_t i = 0; i < requests.size(); ++i) {
        CAPTURE(i);
        CHECK(latency[i] == static_cast<double>(done[i] - requests[i].arrival) * tck);
    }
    CHECK(count(d, "writes") == 100);
    CHECK(count(d, "row_hits") == static_cast<std::int64_t>(memory.stats().outcomes[0]));
    CHECK(stat(d, "busy_until") == static_cast<double>(memory.stats().end) * tck);
}

TEST_CASE("dram trace beside synaptic rows: one memory serves both, in arrival order") {
    // One input neuron spiking at 0.1 ms onto 16 LIF neurons: its row (64 bytes at address 0)
    // is read from clock 160000 (0.1 ms / 0.625 ns). The trace reads 0x40, in the same DRAM row,
    // 10 clocks later: a row hit behind the spike's row read.
    const std::string network =
            "[run]\ndt = \"0.1 ms\"\nduration = \"0.2 ms\"\n"
            "[populations.inp]\nsize = 1\nmodel = \"spike_times\"\ntimes = [\"0.1 ms\"]\nids = [0]\n"
            "[populations.out]\nsize = 16\nmodel = \"lif\"\n"
            "params = { tau_m = \"20 ms\", v_rest = \"-70 mV\", v_th = \"-50 mV\", v_reset = \"-60 mV\", t_ref = \"5 ms\" }\n"
            "[projections.inp_out]\npre = \"inp\"\npost = \"out\"\nreceptor = \"exc\"\n"
            "connector = { type = \"all_to_all\" }\nweight = \"0.3 mV\"\n";
    const temp_file trace("beside", "0x40 READ 160010\n0x1000000 READ 400000\n", ".trace");
    const device_report d = device(run_text(network + "[dram]\npreset = \"ddr4_3200\"\ntrace = \"" + trace.name() + "\"\n"),
                                   "dram");
    CHECK(count(d, "rows_read") == 1);
    CHECK(count(d, "requests") == 2);           // the row's burst and the first trace read
    CHECK(count(d, "trace_after_end") == 1);    // clock 400000 = 0.25 ms, after the run's 0.2 ms
    CHECK(count(d, "row_misses") == 1);
    CHECK(count(d, "row_hits") == 1);

    const dram_preset preset = load_dram_preset("ddr4_3200", {});
    dram_system memory(preset.params);
    const std::vector<dram_request> merged{{0x0, false, 160000}, {0x40, false, 160010}};
    const std::vector<dram_clock> done = memory.run(merged);
    const auto latency = column<double>(d, "trace", "latency");
    REQUIRE(latency.size() == 1);
    CHECK(latency[0] == static_cast<double>(done[1] - 160010) * tck);
    CHECK(done[1] - 160010 < 48);  // sooner than a closed bank's read
    CHECK(stat(d, "max_latency") == fluxon::test::approx(48 * tck).epsilon(1e-12));  // the row read: a miss

    // `projections = []` keeps the rows out: the trace alone uses the memory.
    const device_report only = device(
            run_text(network + "[dram]\npreset = \"ddr4_3200\"\nprojections = []\ntrace = \"" + trace.name() + "\"\n"),
            "dram");
    CHECK(count(only, "rows_read") == 0);
    CHECK(count(only, "requests") == 1);
    CHECK(column<double>(only, "trace", "latency")[0] == fluxon::test::approx(48 * tck).epsilon(1e-12));
}

TEST_CASE("dram trace alone: latency from arrival and from acceptance into a full queue") {
    // A one-entry read queue: the read of 0x2000 (bank group 1) arrives with the read of 0x0 at
    // clock 0 but enters the queue only when the first's RD frees it, at tRCD = 22; its ACT goes
    // at 23, RD at 45, data at 71. From arrival 48 and 71 clocks; from acceptance 48 and 49.
    std::string text = load_dram_preset("ddr4_3200", {}).text;
    const std::string from = "read_queue = { value = 32,";
    text.replace(text.find(from), from.size(), "read_queue = { value = 1,");
    const temp_file preset("one_read", text, ".toml");
    const temp_file trace("full", "0x0 READ 0\n0x2000 READ 0\n", ".trace");
    const device_report d = device(run_text(alone(trace, preset.name())), "dram");
    const auto latency = column<double>(d, "trace", "latency");
    const auto from_accept = column<double>(d, "trace", "latency_from_accept");
    REQUIRE(latency.size() == 2);
    REQUIRE(from_accept.size() == 2);
    CHECK(latency[0] == fluxon::test::approx(48 * tck).epsilon(1e-12));
    CHECK(latency[1] == fluxon::test::approx(71 * tck).epsilon(1e-12));
    CHECK(from_accept[0] == fluxon::test::approx(48 * tck).epsilon(1e-12));
    CHECK(from_accept[1] == fluxon::test::approx(49 * tck).epsilon(1e-12));
    CHECK(stat(d, "mean_latency") == fluxon::test::approx((48 + 71) / 2.0 * tck).epsilon(1e-12));
    CHECK(stat(d, "mean_latency_from_accept") == fluxon::test::approx((48 + 49) / 2.0 * tck).epsilon(1e-12));
    CHECK(stat(d, "max_latency") == fluxon::test::approx(71 * tck).epsilon(1e-12));
    CHECK(stat(d, "max_latency_from_accept") == fluxon::test::approx(49 * tck).epsilon(1e-12));
    CHECK(stat(d, "trace_latency_p99") == fluxon::test::approx(71 * tck).epsilon(1e-12));
    CHECK(stat(d, "trace_latency_from_accept_p99") == fluxon::test::approx(49 * tck).epsilon(1e-12));
}

TEST_CASE("dram trace alone: [dram] keys override the preset's handling of queued bursts") {
    // A write of 0x40, then a read of it 5 clocks later: DDR4-3200 writes it with ACT at 0, WR at
    // tRCD = 22, data written at 22 + CWL + tBURST = 42, and serves the read from the write queue
    // at 5 + 1 (docs/dram.md).
    const temp_file trace("wr", "0x40 WRITE 0\n0x40 READ 5\n", ".trace");
    const device_report plain = device(run_text(alone(trace)), "dram");
    auto latency = column<double>(plain, "trace", "latency");
    REQUIRE(latency.size() == 2);
    CHECK(latency[0] == fluxon::test::approx(42 * tck).epsilon(1e-12));
    CHECK(latency[1] == fluxon::test::approx(1 * tck).epsilon(1e-12));
    CHECK(count(plain, "buffered_reads") == 1);
    CHECK(count(plain, "reads") == 1);
    CHECK(count(plain, "writes") == 1);
    // Only the write's burst crossed the data bus, by clock 42.
    CHECK(stat(plain, "bandwidth") == fluxon::test::approx(64 / (42 * tck)).epsilon(1e-12));

    const device_report posted = device(run_text(alone(trace) + "posted_writes = true\n"), "dram");
    latency = column<double>(posted, "trace", "latency");
    CHECK(latency[0] == fluxon::test::approx(1 * tck).epsilon(1e-12));  // done once queued
    CHECK(stat(posted, "busy_until") == fluxon::test::approx(42 * tck).epsilon(1e-12));  // written by then

    // Unforwarded, the read hits the row the write opened and goes first: RD at 22, data at 48.
    const device_report unforwarded = device(run_text(alone(trace) + "write_buffer_reads = false\n"), "dram");
    CHECK(column<double>(unforwarded, "trace", "latency")[1] == fluxon::test::approx(43 * tck).epsilon(1e-12));
    CHECK(count(unforwarded, "buffered_reads") == 0);

    try {
        run_text(alone(trace) + "merge_reads = \"yes\"\n");
        FAIL("a string should be refused");
    } catch (const config_error& e) {
        CHECK(e.site().key == "dram.merge_reads");
    }
}

TEST_CASE("dram trace: a bad trace names its line, a missing one the key, an unknown preset the shipped ones") {
    const temp_file bad("bad", "0x0 READ 0\n0x40 FETCH 4\n", ".trace");
    try {
        run_text(alone(bad));
        FAIL("a FETCH should be refused");
    } catch (const io_error& e) {
        CHECK(e.site().line == 2);
        CHECK(e.site().file == bad.name());
    }
    const temp_file far("far", "0x200000000 READ 0\n", ".trace");  // 8 GiB: just past one DDR4 rank
    CHECK_THROWS_WITH_AS(run_text(alone(far)), doctest::Contains("capacity"), io_error);
    const temp_file ok("ok", "0x0 READ 0\n", ".trace");
    CHECK_THROWS_WITH_AS(run_text(alone(ok, "ddr5")), doctest::Contains("ddr4_3200"), config_error);
    try {
        run_text("[run]\ndt = \"1 ps\"\n[dram]\npreset = \"ddr4_3200\"\ntrace = \"/nonexistent/x.trace\"\n");
        FAIL("a missing trace should be refused");
    } catch (const config_error& e) {
        CHECK(e.site().key == "dram.trace");
        CHECK(e.site().line == 5);
    }
}
