// A layered network on the chip of round numbers (tests/unit/common/unit_chip.hpp: two cores
// of two neurons, one hop apart), counted by hand: input and neuron layers are placed like
// populations, the linear layer's non-zero weights are the synapses, every event of a placed
// layer (a graded one too) is one message per destination core, and a neuron whose input had
// an entry in a step is an active update.
#include <doctest/doctest.h>

#include "tests/unit/common/relative.hpp"

#include "tests/unit/common/devices.hpp"
#include "tests/unit/common/temp_file.hpp"
#include "tests/unit/common/unit_chip.hpp"
#include "engine/simulation.hpp"
#include "io/config.hpp"

using namespace fluxon;
using namespace fluxon::test;

namespace {

// x (1 entry) -> fc (weights 1 and 0.5) -> n (2 IF neurons that never fire). The sequential
// mapper puts {x0, n0} on core 0 and n1 on core 1. x has events at steps 0 (value 1) and 2
// (value 2, graded); step 1 is silent.
std::string layered_run(const std::string& preset, const std::string& hardware = "",
                        const std::string& weight = "[[1], [0.5]]") {
    return R"([run]
dt = "1 ms"
[layers.x]
kind = "input"
data = [[1], [0], [2]]
[layers.fc]
kind = "linear"
input = "x"
weight = )" + weight + R"(
[layers.n]
kind = "nir_if"
input = "fc"
v_threshold = [10]
[hardware]
preset = ")" + preset + "\"\nmapper = \"sequential\"\n" + hardware;
}

}  // namespace

TEST_CASE("chip: a layered network's events are messages, its weights synapses, counted by hand") {
    temp_file preset("unitchip", unit_chip_text());
    simulation sim(io::parse_config_text(layered_run(preset.path.string()), "layers.toml"), test_models(),
                   test_families());
    const run_result r = sim.run();
    const device_report m = describe(sim, "chip");
    CHECK(column<std::string>(m, "chunks", "population") == std::vector<std::string>{"x", "n", "n"});
    CHECK(column<std::int64_t>(m, "chunks", "core") == std::vector<std::int64_t>{0, 0, 1});
    CHECK(column<std::int64_t>(m, "cores", "synapses") == std::vector<std::int64_t>{1, 1});
    // Two events of x, each one message to core 0 (n0, same core) and one to core 1 (n1, one
    // hop east), one synapse each: 4 messages, 4 synaptic events, 2 hops.
    CHECK(count(r, "chip", "messages") == 4);
    CHECK(count(r, "chip", "synaptic_events") == 4);
    CHECK(count(r, "chip", "hops") == 2);
    // Updates: 3 steps x (2 neurons on core 0 + 1 on core 1) = 9; n0 and n1 got input at steps
    // 0 and 2: 4 active (10 pJ), 5 inactive (4 pJ); x never receives input.
    double updates = 0, synapse_ops = 0;
    const ledger_columns book = sim.ledger();
    for (std::size_t i = 0; i < book.action.size(); ++i) {
        if (book.action[i] == "update_active") CHECK(book.count[i] == 2);
        if (book.action[i] == "update_active" || book.action[i] == "update_inactive") updates += book.energy[i];
        if (book.action[i] == "spike_op") synapse_ops += book.energy[i];
    }
    CHECK(updates == fluxon::test::approx(4 * 10e-12 + 5 * 4e-12).epsilon(1e-12));
    CHECK(synapse_ops == fluxon::test::approx(4 * 1e-12).epsilon(1e-12));
    // The layers' own NeuroBench counts are unchanged by the chip: x's events meet 2 weights.
    REQUIRE(r.layers.has_value());
    CHECK(*r.layers->stats.number("", "effective_macs") + *r.layers->stats.number("", "effective_acs") == 4);
}

TEST_CASE("chip: layered networks run in annotated fidelity only") {
    temp_file preset("unitchip", unit_chip_text());
    CHECK_THROWS_WITH_AS(simulation(io::parse_config_text(layered_run(preset.path.string(),
                                                                       "fidelity = \"timed\"\nstep_period = \"1 ms\"\n"),
                                                           "layers.toml"),
                                    test_models(), test_families()),
                         doctest::Contains("annotated fidelity only"), config_error);
}

TEST_CASE("chip: a layer's synaptic rows that do not fit on their core are read from DRAM") {
    // x -> fc (three weights of 1) -> three IF neurons: {x0, n0} on core 0, {n1, n2} on core 1.
    // With one synapse per core, x0's row at core 1 (two synapses, 8 bytes: one 64-byte burst)
    // lives in DRAM and is read for each of x's two events; its row at core 0 stays on chip.
    temp_file preset("unitchip1", unit_chip_text(1));
    const std::string config =
            layered_run(preset.path.string(), "synapse_dram = \"ddr4_3200\"\n", "[[1], [1], [1]]");
    simulation sim(io::parse_config_text(config, "layers.toml"), test_models(), test_families());
    const run_result r = sim.run();
    CHECK(count(r, "chip", "dram_reads") == 2);
    CHECK(count(r, "chip", "synaptic_events") == 6);
    CHECK(column<std::int64_t>(describe(sim, "chip"), "cores", "synapses_off_chip") == std::vector<std::int64_t>{0, 2});
}
