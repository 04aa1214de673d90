// The walk-through of docs/architecture.md, proved: a family defined in this folder alone
// (spike_counter_family.*) and registered here with one line runs from a config file, charges
// the run's ledger, and is written, read back and summarised by code that has never heard of it.
#include <doctest/doctest.h>

#include "tests/unit/common/relative.hpp"

#include "devices/builtin_families.hpp"
#include "engine/simulation.hpp"
#include "io/config.hpp"
#include "io/run_file_output.hpp"
#include "io/run_reader.hpp"
#include "tests/unit/common/temp_file.hpp"
#include "tests/unit/devices/spike_counter/spike_counter_family.hpp"

namespace {

using namespace fluxon;

// Two stimulus neurons that spike 6 times in all, driving 4 LIF neurons.
const std::string network = R"([run]
dt = "0.1 ms"
duration = "50 ms"
seed = 7
[populations.stim]
size = 2
model = "spike_times"
times = ["5 ms", "10 ms", "15 ms", "20 ms", "25 ms", "30 ms"]
ids = [0, 1, 0, 1, 0, 1]
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

device_registry with_counter() {
    device_registry families = builtin_families();
    families.add(test::make_spike_counter_family());  // the one registry line
    return families;
}

}  // namespace

TEST_CASE("spike_counter: a family from the tests runs, charges the ledger and fills the run file") {
    const device_registry families = with_counter();
    const model_registry models = builtin_models();
    const auto spec = io::parse_config_text(
        network + "[spike_counter]\nenergy_per_spike = \"2 pJ\"\npopulations = [\"stim\"]\n", "counter.toml", {},
        &families);
    REQUIRE(spec.devices.size() == 1);
    CHECK(spec.devices[0].family == "spike_counter");
    CHECK(spec.devices[0].instance == "counter");

    const fluxon::test::temp_file out("spike_counter_run", "", ".h5");
    const std::string path = out.name();
    simulation sim(spec, models, families);
    io::run_file_output file(path, sim);
    run_options options;
    options.output = &file;
    const run_result r = sim.run(options);

    // 6 stimulus spikes at 2 pJ each; nothing else is charged.
    REQUIRE(r.devices.size() == 1);
    CHECK(r.devices[0].stats.number("", "spikes") == 6);
    CHECK(r.devices[0].dynamic_energy == fluxon::test::approx(12e-12).epsilon(1e-12));
    CHECK(r.total_energy() == fluxon::test::approx(12e-12).epsilon(1e-12));
    const ledger_columns ledger = sim.ledger();
    REQUIRE(ledger.component.size() == 1);
    CHECK(ledger.component[0] == "counter/stim");
    CHECK(ledger.action[0] == "spike");
    CHECK(ledger.count[0] == 6);

    const io::run_summary s = io::read_run_summary(path);
    REQUIRE(s.devices.size() == 1);
    CHECK(s.devices[0].family == "spike_counter");
    CHECK(s.devices[0].status == "complete");
    CHECK(s.devices[0].stats.number("", "spikes") == 6);
    REQUIRE(s.ledger);
    CHECK(s.ledger->total_energy == fluxon::test::approx(12e-12).epsilon(1e-12));
    const std::string text = io::format_run_summary(s);
    CHECK(text.find("device counter (spike_counter") != std::string::npos);
    CHECK(text.find("watched (1 rows)") != std::string::npos);
}

TEST_CASE("spike_counter: watching every population counts every spike of the run") {
    const device_registry families = with_counter();
    const model_registry models = builtin_models();
    const auto spec = io::parse_config_text(network + "[spike_counter]\nenergy_per_spike = \"1 pJ\"\n", "c.toml", {},
                                            &families);
    simulation sim(spec, models, families);
    const run_result r = sim.run();
    CHECK(r.spikes > 6);  // the LIF neurons fire too
    CHECK(r.devices[0].stats.number("", "spikes") == r.spikes);
    CHECK(r.total_energy() == fluxon::test::approx(static_cast<double>(r.spikes) * 1e-12).epsilon(1e-12));
}

TEST_CASE("spike_counter: its section is checked by its own keys, and unknown without the registry line") {
    const device_registry families = with_counter();
    const auto message = [&](const std::string& section, const device_registry* registry) {
        try {
            const auto spec = io::parse_config_text(network + section, "bad.toml", {}, registry);
            const model_registry models = builtin_models();
            simulation sim(spec, models, *registry);
        } catch (const config_error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    CHECK(message("[spike_counter]\nenergy = \"1 pJ\"\n", &families).find("energy_per_spike, populations") !=
          std::string::npos);
    const std::string unknown =
        message("[spike_counter]\nenergy_per_spike = \"1 pJ\"\npopulations = [\"exd\"]\n", &families);
    INFO(unknown);
    CHECK(unknown.find("bad.toml:23: key 'spike_counter.populations[0]'") != std::string::npos);
    CHECK(unknown.find("no population is called 'exd'") != std::string::npos);
    const device_registry shipped = builtin_families();
    CHECK(message("[spike_counter]\nenergy_per_spike = \"1 pJ\"\n", &shipped).find("unknown key 'spike_counter'") !=
          std::string::npos);
}
