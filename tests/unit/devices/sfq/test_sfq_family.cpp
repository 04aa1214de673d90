// An SFQ circuit beside a spiking network in one run ([sfq], devices/sfq/plugin/sfq_family):
// spikes of listed neurons enter the circuit through the DC-to-SFQ converter, with one time
// base (fs), one ledger and one report. Expected numbers are computed by hand below.
#include <doctest/doctest.h>

#include "tests/unit/common/relative.hpp"

#include <cmath>
#include <string>
#include <vector>

#include "devices/builtin_families.hpp"
#include "engine/simulation.hpp"
#include "io/config.hpp"
#include "tests/unit/common/temp_file.hpp"

namespace {

using namespace fluxon;

// Two pins, each through a chain of JTL stages (5.7 ps each, sfq_default) to an output.
const std::string chain_circuit = R"([circuit]
outputs = ["y", "z"]
wires = ["a -> j0.a", "j0.q -> j1.a", "j1.q -> j2.a", "j2.q -> y", "b -> k0.a", "k0.q -> z"]
[circuit.instances]
j0 = "jtl"
j1 = "jtl"
j2 = "jtl"
k0 = "jtl"
[circuit.inputs.a]
times = []
[circuit.inputs.b]
times = []
)";

constexpr std::int64_t jtl_fs = 5700;
constexpr std::int64_t converter_fs = 2 * jtl_fs;  // the default estimate: two JTL stages
// 3 JJs x 100 uA x Phi0 (sfq_default's critical current).
constexpr double converter_energy = 3 * 100e-6 * 2.067833848e-15;

// stim[0] spikes at 5, 15, 25 ms and in the last window (49.9 ms); stim[1] at 10 and 20 ms.
std::string network(const std::string& run_extra) {
    return R"([run]
dt = "0.1 ms"
duration = "50 ms"
seed = 7
)" + run_extra + R"(
[populations.stim]
size = 2
model = "spike_times"
times = ["5 ms", "10 ms", "15 ms", "20 ms", "25 ms", "49.9 ms"]
ids = [0, 1, 0, 1, 0, 0]
[populations.exc]
size = 4
model = "lif"
params = { tau_m = "20 ms", v_rest = "-65 mV", v_th = "-50 mV", v_reset = "-65 mV", t_ref = "2 ms" }
[projections.input]
pre = "stim"
post = "exc"
receptor = "exc"
connector = { type = "all_to_all" }
weight = "60 mV"
delay = "1 ms"
)";
}

struct circuit_file {
    test::temp_file file{"sfq_family_chain", chain_circuit};
    std::string section(const std::string& inputs = R"({ "stim[0]" = "a", "stim[1]" = "b" })") const {
        return "[sfq]\ncircuit = \"" + file.name() + "\"\ninputs = " + inputs + "\n";
    }
};

const data_table& table(const device_report& r, const std::string& name) {
    for (const data_table& t : r.tables) {
        if (t.name == name) return t;
    }
    FAIL("no table " << name);
    return r.tables.front();
}

// (pin, time in fs) per row of an outputs table.
std::vector<std::pair<std::string, std::int64_t>> pulses(const data_table& t) {
    const auto& pins = std::get<std::vector<std::string>>(t.find("pin")->values);
    const auto& times = std::get<std::vector<double>>(t.find("time")->values);
    const auto& fs = std::get<std::vector<std::int64_t>>(t.find("time_fs")->values);
    std::vector<std::pair<std::string, std::int64_t>> out;
    for (std::size_t i = 0; i < pins.size(); ++i) {
        CHECK(times[i] == fluxon::test::approx(static_cast<double>(fs[i]) * 1e-15).epsilon(1e-15));
        out.emplace_back(pins[i], fs[i]);
    }
    return out;
}

run_result run_text(const std::string& text, std::vector<std::pair<std::string, std::int64_t>>* out = nullptr) {
    const device_registry families = builtin_families();
    const model_registry models = builtin_models();
    const auto spec = io::parse_config_text(text, "sfq_family.toml", {}, &families);
    simulation sim(spec, models, families);
    run_result r = sim.run();
    if (out) {
        for (const device_report& d : r.devices) {
            if (d.family == "sfq") *out = pulses(table(d, "outputs"));
        }
    }
    return r;
}

std::string error_of(const std::string& text) {
    try {
        run_text(text);
    } catch (const user_error& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST_CASE("sfq family: spikes reach the circuit after the converter, exactly in fs") {
    const circuit_file c;
    std::vector<std::pair<std::string, std::int64_t>> out;
    const run_result r = run_text(network("time_base = \"fs\"") + c.section(), &out);
    REQUIRE(r.devices.size() == 1);
    const device_report& d = r.devices[0];
    CHECK(d.family == "sfq");
    CHECK(d.instance == "sfq");

    const std::int64_t ms = 1'000'000'000'000;  // fs
    const std::int64_t y = converter_fs + 3 * jtl_fs, z = converter_fs + jtl_fs;
    const std::vector<std::pair<std::string, std::int64_t>> expected = {
        {"y", 5 * ms + y}, {"y", 15 * ms + y}, {"y", 25 * ms + y}, {"y", 49'900'000'000'000 + y},
        {"z", 10 * ms + z}, {"z", 20 * ms + z}};
    CHECK(out == expected);
    CHECK(d.stats.number("", "conversions") == 6);
    CHECK(d.stats.number("", "events") == 4 * 3 + 2 * 1);  // pulses into j0..j2 and k0
    CHECK(d.stats.number("", "firings") == 14);
    CHECK(d.stats.number("", "cells") == 4);
    CHECK(d.stats.number("", "junctions") == 8);
    CHECK(d.stats.number("", "violations") == 0);
    CHECK(d.stats.number("", "converter_delay") == fluxon::test::approx(11.4e-12).epsilon(1e-12));

    // The ledger: 4 conversions into a and 2 into b at 3 I_c Phi0 each, beside the circuit's rows.
    double convert_energy = 0;
    std::uint64_t conversions = 0;
    for (std::size_t i = 0; i < d.ledger.component.size(); ++i) {
        if (d.ledger.action[i] != "convert") continue;
        conversions += d.ledger.count[i];
        convert_energy += d.ledger.energy[i];
        CHECK(d.ledger.latency[i] == fluxon::test::approx(static_cast<double>(d.ledger.count[i]) * 11.4e-12).epsilon(1e-12));
        CHECK(d.ledger.source[i].find("derived: energy = 3 JJs (estimate: the classic DC/SFQ") != std::string::npos);
        CHECK(d.ledger.source[i].find("delay 11.4 ps: estimate: ") != std::string::npos);
        CHECK(d.ledger.component[i] == (d.ledger.count[i] == 4 ? "sfq/dc_sfq[a]" : "sfq/dc_sfq[b]"));
    }
    CHECK(conversions == 6);
    CHECK(convert_energy == fluxon::test::approx(6 * converter_energy).epsilon(1e-9));
    // The circuit is biased the whole run: 8 JJs x 0.7 x 100 uA x 2.5 mV x 50 ms.
    CHECK(d.static_energy == fluxon::test::approx(8 * 0.7 * 100e-6 * 2.5e-3 * 50e-3).epsilon(1e-9));
    CHECK(r.total_energy() == fluxon::test::approx(d.dynamic_energy + d.static_energy).epsilon(1e-12));
}

TEST_CASE("sfq family: the same pulses with 1 and 2 threads and small slices") {
    const circuit_file c;
    std::vector<std::pair<std::string, std::int64_t>> one, two;
    run_text(network("time_base = \"fs\"\nthreads = 1") + c.section(), &one);
    run_text(network("time_base = \"fs\"\nthreads = 2\nmin_slice = 1") + c.section(), &two);
    CHECK(one.size() == 6);
    CHECK(one == two);
}

TEST_CASE("sfq family: a neuron feeding two pins and two neurons feeding one pin") {
    const circuit_file c;
    std::vector<std::pair<std::string, std::int64_t>> out;
    const run_result r = run_text(
        network("time_base = \"fs\"") + c.section(R"({ "stim[0]" = "b", "stim[1]" = "b", "exc[0]" = "a" })"), &out);
    const device_report& d = r.devices[0];
    std::size_t z = 0;
    for (const auto& [pin, t] : out) z += pin == "z";
    CHECK(z == 6);  // every stimulus spike
    CHECK(d.stats.number("", "conversions") == static_cast<double>(6 + (out.size() - z)));
}

TEST_CASE("sfq family: mistakes name the key") {
    const circuit_file c;
    const std::string fs = network("time_base = \"fs\"");
    const std::string population = error_of(fs + c.section(R"({ "stum[0]" = "a" })"));
    INFO(population);
    CHECK(population.find("sfq.inputs") != std::string::npos);
    CHECK(population.find("no population is called 'stum'") != std::string::npos);

    const std::string neuron = error_of(fs + c.section(R"({ "stim[2]" = "a" })"));
    INFO(neuron);
    CHECK(neuron.find("sfq.inputs") != std::string::npos);
    CHECK(neuron.find("index 2 is out of range") != std::string::npos);

    const std::string pin = error_of(fs + c.section(R"({ "stim[0]" = "c" })"));
    INFO(pin);
    CHECK(pin.find("sfq.inputs") != std::string::npos);
    CHECK(pin.find("no input pin 'c' (its inputs: a, b)") != std::string::npos);

    const std::string malformed = error_of(fs + c.section(R"({ "stim" = "a" })"));
    INFO(malformed);
    CHECK(malformed.find("write \"<population>[<neuron>]\"") != std::string::npos);

    const std::string base = error_of(network("") + c.section());
    INFO(base);
    CHECK(base.find("run.time_base") != std::string::npos);
    CHECK(base.find("set [run] time_base = \"fs\"") != std::string::npos);

    const std::string file = error_of(fs + "[sfq]\ncircuit = \"no_such_circuit.toml\"\n");
    INFO(file);
    CHECK(file.find("key 'sfq.circuit'") != std::string::npos);
}

TEST_CASE("sfq family: a network, a chip and a circuit in one run, one ledger") {
    const circuit_file c;
    const run_result r = run_text(network("time_base = \"fs\"") + "[hardware]\npreset = \"loihi\"\n" + c.section());
    REQUIRE(r.devices.size() == 2);
    double sum = 0;
    for (const device_report& d : r.devices) {
        CHECK(d.has_ledger);
        CHECK(d.dynamic_energy + d.static_energy > 0);
        sum += d.dynamic_energy + d.static_energy;
    }
    CHECK(r.devices[0].family == "neuromorphic");
    CHECK(r.devices[1].family == "sfq");
    CHECK(r.total_energy() == fluxon::test::approx(sum).epsilon(1e-12));
    CHECK(r.devices[1].stats.number("", "conversions") == 6);
}

TEST_CASE("sfq family: a violation fails the run under policy error, and is kept under record") {
    // Both stimulus neurons spike at 10 ms: their pulses reach the merger in the same fs, inside
    // its 8.2 ps hold window.
    const auto merger = [](const std::string& policy) {
        return "[circuit]\npolicy = \"" + policy + R"("
outputs = ["y"]
wires = ["a -> m.a", "b -> m.b", "m.q -> y"]
[circuit.instances]
m = "merger"
[circuit.inputs.a]
times = []
[circuit.inputs.b]
times = []
)";
    };
    const std::string net = R"([run]
time_base = "fs"
dt = "0.1 ms"
duration = "20 ms"
[populations.stim]
size = 2
model = "spike_times"
times = ["10 ms", "10 ms"]
ids = [0, 1]
)";
    const test::temp_file error_circuit("sfq_family_merger_error", merger("error"));
    const std::string failed = error_of(net + "[sfq]\ncircuit = \"" + error_circuit.name() +
                                        "\"\ninputs = { \"stim[0]\" = \"a\", \"stim[1]\" = \"b\" }\n");
    INFO(failed);
    CHECK(failed.find("SFQ device 'sfq': hold violation at merger m") != std::string::npos);

    const test::temp_file record_circuit("sfq_family_merger_record", merger("record"));
    const run_result r = run_text(net + "[sfq]\ncircuit = \"" + record_circuit.name() +
                                  "\"\ninputs = { \"stim[0]\" = \"a\", \"stim[1]\" = \"b\" }\n");
    const device_report& d = r.devices[0];
    CHECK(d.stats.number("", "violations") == 1);
    const data_table& v = table(d, "violations");
    REQUIRE(v.rows() == 1);
    CHECK(std::get<std::vector<std::string>>(v.find("kind")->values)[0] == "hold");
    CHECK(std::get<std::vector<std::string>>(v.find("instance")->values)[0] == "m");
}

TEST_CASE("sfq family: converter_delay overrides the library's estimate") {
    const circuit_file c;
    std::vector<std::pair<std::string, std::int64_t>> out;
    const run_result r =
        run_text(network("time_base = \"fs\"") + c.section(R"({ "stim[1]" = "b" })") + "converter_delay = \"2 ps\"\n",
                 &out);
    const std::vector<std::pair<std::string, std::int64_t>> expected = {{"z", 10'000'000'000'000 + 2000 + jtl_fs},
                                                                        {"z", 20'000'000'000'000 + 2000 + jtl_fs}};
    CHECK(out == expected);
    const device_report& d = r.devices[0];
    for (std::size_t i = 0; i < d.ledger.component.size(); ++i) {
        if (d.ledger.action[i] == "convert") CHECK(d.ledger.source[i].find("config: sfq.converter_delay") != std::string::npos);
    }
}
