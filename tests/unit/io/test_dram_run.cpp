// Trace-driven DRAM runs end to end, checked by hand on the DDR4-3200 preset: a read to a closed
// bank takes tRCD + CL + tBURST, the next read of the open row CL + tBURST, and the ledger
// charges one ACT+PRE pair and two read bursts by DRAMSim3's formulas.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "io/dram_run.hpp"
#include "engine/base/errors.hpp"
#include "io/run_reader.hpp"

using namespace fluxon;

namespace {

struct scratch {
    std::filesystem::path dir = std::filesystem::temp_directory_path() / ("fluxon_dram_" + std::to_string(::getpid()));
    scratch() { std::filesystem::create_directories(dir); }
    ~scratch() { std::filesystem::remove_all(dir); }
    std::string write(const std::string& name, const std::string& text) const {
        std::ofstream(dir / name) << text;
        return (dir / name).string();
    }
};

const double tck = 0.625e-9;

}  // namespace

TEST_CASE("dram run: a miss then a hit, timed and charged by hand") {
    scratch s;
    dram_run_options options;
    options.trace = s.write("two.trace", "0x0 READ 0\n0x40 READ 100\n");
    options.output = (s.dir / "two.h5").string();
    const dram_run_result r = run_dram_trace(options);

    CHECK(r.requests == 2);
    CHECK(r.row_misses == 1);
    CHECK(r.row_hits == 1);
    REQUIRE(r.latency.size() == 2);
    CHECK(r.latency[0] == doctest::Approx((22 + 22 + 4) * tck).epsilon(1e-12));  // tRCD + CL + tBURST
    CHECK(r.latency[1] == doctest::Approx((22 + 4) * tck).epsilon(1e-12));       // CL + tBURST
    CHECK(r.simulated_time == doctest::Approx((100 + 22 + 4) * tck).epsilon(1e-12));
    CHECK(r.peak_bandwidth == doctest::Approx(64 / (4 * tck)).epsilon(1e-12));  // 25.6 GB/s

    // DRAMSim3's formulas with the preset's currents (8 devices at 1.2 V).
    const double act_pre = 1.2 * (0.057 * 74 - (0.052 * 52 + 0.037 * 22)) * tck * 8;
    const double read = 1.2 * (0.168 - 0.052) * 4 * tck * 8;
    double charged_act = 0, charged_read = 0;
    for (std::size_t i = 0; i < r.ledger.action.size(); ++i) {
        if (r.ledger.action[i] == "act_pre") charged_act += r.ledger.energy[i];
        if (r.ledger.action[i] == "read") charged_read += r.ledger.energy[i];
    }
    CHECK(charged_act == doctest::Approx(act_pre).epsilon(1e-12));
    CHECK(charged_read == doctest::Approx(2 * read).epsilon(1e-12));
    CHECK(r.static_energy > 0);  // background standby while the run lasts

    const io::run_summary summary = io::read_run_summary(options.output);
    REQUIRE(summary.dram);
    CHECK(summary.dram->requests == 2);
    CHECK(summary.dram->latency_max == doctest::Approx(r.latency[0]).epsilon(1e-12));
    REQUIRE(summary.ledger);
    CHECK(summary.ledger->total_energy == doctest::Approx(r.static_energy + r.dynamic_energy).epsilon(1e-12));
    const std::string text = io::format_run_summary(summary);
    CHECK(text.find("1 hits (50.0 %), 1 misses, 0 conflicts") != std::string::npos);
}

TEST_CASE("dram run: a bad trace or preset names the line or the key") {
    scratch s;
    dram_run_options options;
    options.trace = s.write("bad.trace", "0x0 READ 0\n0x40 FETCH 4\n");
    try {
        run_dram_trace(options);
        FAIL("a FETCH should be refused");
    } catch (const io_error& e) {
        CHECK(e.site().line == 2);
        CHECK(e.site().file == options.trace);
    }
    options.trace = s.write("far.trace", "0x200000000 READ 0\n");  // 8 GiB: just past one DDR4 rank
    CHECK_THROWS_WITH_AS(run_dram_trace(options), doctest::Contains("capacity"), io_error);
    options.trace = s.write("ok.trace", "0x0 READ 0\n");
    options.preset = "ddr5";
    CHECK_THROWS_WITH_AS(run_dram_trace(options), doctest::Contains("ddr4_3200"), config_error);
}
