// The DRAM family ([dram]): a projection's synaptic rows in DDR4-3200, read at every spike of
// their presynaptic neuron, served window by window on the run's time base. Latencies are the
// preset's timing rules by hand (tRCD 22 + CL 22 + tBURST 4 = 48 clocks of 0.625 ns for a closed
// bank), and the memory's counts match a stand-alone run of the same requests.
#include <doctest/doctest.h>

#include "tests/unit/common/relative.hpp"

#include <string>

#include "devices/dram/dram_controller.hpp"
#include "devices/dram/dram_preset.hpp"
#include "engine/simulation.hpp"
#include "io/config.hpp"
#include "tests/unit/common/devices.hpp"

using namespace fluxon;
using namespace fluxon::test;

namespace {

// One input neuron spiking at 0.1 ms and 0.3 ms onto 16 (or 15) quiet LIF neurons.
std::string network(const std::string& dt = "0.1 ms", std::uint32_t targets = 16) {
    return "[run]\ndt = \"" + dt + "\"\nduration = \"0.5 ms\"\n"
           "[populations.inp]\nsize = 1\nmodel = \"spike_times\"\ntimes = [\"0.1 ms\", \"0.3 ms\"]\nids = [0, 0]\n"
           "[populations.out]\nsize = " + std::to_string(targets) + "\nmodel = \"lif\"\n"
           "params = { tau_m = \"20 ms\", v_rest = \"-70 mV\", v_th = \"-50 mV\", v_reset = \"-60 mV\", t_ref = \"5 ms\" }\n"
           "[projections.inp_out]\npre = \"inp\"\npost = \"out\"\nreceptor = \"exc\"\n"
           "connector = { type = \"all_to_all\" }\nweight = \"0.3 mV\"\n";
}

run_result run_text(const std::string& text) {
    simulation sim = simulate(io::parse_config_text(text, "dram.toml"));
    return sim.run();
}

std::int64_t command(const device_report& d, const std::string& name) {
    const auto names = column<std::string>(d, "commands", "command");
    const auto counts = column<std::int64_t>(d, "commands", "count");
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (names[i] == name) return counts[i];
    }
    return -1;
}

}  // namespace

TEST_CASE("dram family: every spike reads its row; a closed bank answers in tRCD + CL + tBURST") {
    const run_result r = run_text(network() + "[dram]\npreset = \"ddr4_3200\"\n");
    const device_report& d = device(r, "dram");
    // 16 synapses x 4 bytes = 64 bytes = one burst per row; two spikes, two reads.
    CHECK(column<std::int64_t>(d, "projections", "bytes") == std::vector<std::int64_t>{64});
    CHECK(count(d, "rows_read") == 2);
    CHECK(count(d, "reads") == 2);
    CHECK(count(d, "bytes_read") == 128);
    // 0.2 ms apart, the bank has been refreshed (precharged) in between: two closed-bank reads.
    CHECK(count(d, "row_misses") == 2);
    CHECK(command(d, "ACT") == 2);
    CHECK(command(d, "RD") == 2);
    CHECK(stat(d, "mean_latency") == fluxon::test::approx(48 * 0.625e-9).epsilon(1e-12));
    CHECK(stat(d, "max_latency") == fluxon::test::approx(48 * 0.625e-9).epsilon(1e-12));
    CHECK(count(d, "late_rows") == 0);

    // The same two requests (address 0 at the starts of steps 1 and 3: 160000 and 480000
    // clocks) served by a stand-alone memory give the same commands and background.
    const dram_params p = load_dram_preset("ddr4_3200", {}).params;
    dram_system alone(p);
    const std::vector<dram_request> requests{{0, false, 160000}, {0, false, 480000}};
    alone.serve(std::vector<dram_request>{requests[0]});
    alone.serve(std::vector<dram_request>{requests[1]});
    CHECK(command(d, "REF") == static_cast<std::int64_t>(alone.stats().commands[static_cast<std::size_t>(dram_command::ref)]));
    CHECK(stat(d, "busy_until") == fluxon::test::approx(static_cast<double>(alone.stats().end) * p.timing.tck).epsilon(1e-12));
    // The ledger holds the memory's commands and background, and only those.
    CHECK(dynamic_energy(r, "dram") > 0);
    CHECK(static_energy(r, "dram") > dynamic_energy(r, "dram"));  // standby over 0.3 ms dominates
    CHECK(r.total_energy() == fluxon::test::approx(total_energy(r, "dram")).epsilon(1e-12));
}

TEST_CASE("dram family: rows take whole bursts, projections are laid out in order") {
    // 15 synapses x 5 bytes = 75 bytes: two bursts per row, four reads for two spikes.
    const run_result r = run_text(network("0.1 ms", 15) + "[dram]\npreset = \"ddr4_3200\"\nbytes_per_synapse = 5\n");
    const device_report& d = device(r, "dram");
    CHECK(column<std::int64_t>(d, "projections", "bytes") == std::vector<std::int64_t>{75});
    CHECK(count(d, "reads") == 4);
    CHECK(count(d, "bytes_read") == 4 * 64);

    auto text = network() + "[projections.inp_back]\npre = \"inp\"\npost = \"out\"\nreceptor = \"exc\"\n"
                            "connector = { type = \"all_to_all\" }\nweight = \"0.1 mV\"\n";
    const run_result two = run_text(text + "[dram]\npreset = \"ddr4_3200\"\n");
    // In network order (a config file's tables by name): inp_back's one row takes one burst at
    // 0, inp_out's follows it.
    CHECK(column<std::string>(device(two, "dram"), "projections", "name") ==
          std::vector<std::string>{"inp_back", "inp_out"});
    CHECK(column<std::int64_t>(device(two, "dram"), "projections", "first_address") == std::vector<std::int64_t>{0, 64});
    CHECK(count(two, "dram", "rows_read") == 4);
    const run_result one = run_text(text + "[dram]\npreset = \"ddr4_3200\"\nprojections = [\"inp_back\"]\n");
    CHECK(column<std::string>(device(one, "dram"), "projections", "name") == std::vector<std::string>{"inp_back"});
    CHECK(count(one, "dram", "rows_read") == 2);
}

TEST_CASE("dram family: a row that arrives after its step is late") {
    // Steps of 20 ns are 32 clocks: a closed-bank read of 48 clocks misses its step.
    const run_result r = run_text(network("20 ns") + "[dram]\npreset = \"ddr4_3200\"\n");
    CHECK(count(r, "dram", "late_rows") == 2);
}

TEST_CASE("dram family: beside crossbar arrays it still finds the rows they took") {
    const run_result r = run_text(network() + "[dram]\npreset = \"ddr4_3200\"\n[crossbar]\npreset = \"ideal\"\n");
    CHECK(count(r, "dram", "rows_read") == 2);
    CHECK(count(r, "crossbar", "reads") == 2);
}

TEST_CASE("dram family: errors name the key") {
    const auto message = [](const std::string& text) {
        try {
            run_text(text);
        } catch (const user_error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    CHECK(message(network() + "[dram]\npreset = \"ddr4_3200\"\nprojections = [\"nope\"]\n")
              .find("key 'dram.projections[0]': no projection is called 'nope'") != std::string::npos);
    CHECK(message(network() + "[dram]\npreset = \"ddr9\"\n").find("key 'dram.preset'") != std::string::npos);
    CHECK(message(network() + "[dram]\npreset = \"ddr4_3200\"\nbytes_per_synapse = 0\n")
              .find("bytes_per_synapse must be from 1 to 1048576, got 0") != std::string::npos);
    CHECK(message(network() + "[dram]\npreset = \"ddr4_3200\"\nbanks = 2\n").find("preset, trace, projections, bytes_per_synapse") !=
          std::string::npos);
}
