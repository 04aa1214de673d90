// Chip presets: the shipped ones parse and cite a source for every number, Loihi is Davies 2018
// Table 2 to the bit, and every kind of mistake in a preset is a config_error naming the file,
// the line and the key.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <unistd.h>

#include "tests/unit/common/preset_checks.hpp"
#include "tests/unit/common/temp_file.hpp"
#include "engine/base/errors.hpp"
#include "devices/neuromorphic/chip_preset.hpp"

namespace {

using fluxon::test::line_of;
using fluxon::test::temp_file;

using fluxon::action_cost;
using fluxon::config_error;
using fluxon::error_site;
using fluxon::chip_preset;
using fluxon::chip_preset_names;
using fluxon::load_chip_preset;
using fluxon::parse_chip_preset;


// A small valid preset, edited by the error tests.
const std::string custom_preset = R"(# A test chip.
name = "testchip"
description = "a 2 x 3 test chip"

[noc]
topology = "tree"
mesh_width = { value = 2, source = "test" }
mesh_height = { value = 3, source = "test" }
cores_per_tile = { value = 2, source = "test" }
tree_arity = { value = 3, source = "test" }
link_bandwidth = { value = "1 GHz", source = "test" }
hop_east_west = { energy = "1 pJ", latency = "2 ns", source = "test" }
hop_north_south = { energy = "1.5 pJ", latency = "3 ns", source = "test" }
hop_tree = { energy = "2 pJ", latency = "4 ns", source = "test" }

[capacity]
neurons_per_core = { value = 100, source = "test" }
synapses_per_core = { value = 1000, source = "test" }
fan_in_per_core = { value = 0, source = "test: unlimited" }
fan_out_per_neuron = { value = 2, source = "test" }

[precision]
weight_bits = { value = 6, source = "test" }

[actions]
synapse_op = { energy = "10 pJ", latency = "1 ns", source = "test" }
update_active = { energy = "20 pJ", latency = "2 ns", source = "test" }
update_inactive = { energy = "5 pJ", latency = "1 ns", source = "test" }
message_out = { energy = "1 pJ", latency = "1 ns", source = "test" }
message_in = { energy = "0 pJ", latency = "0 ns", source = "test" }

[static]
core_power = { value = "1 mW", source = "test" }
barrier_sync = { points = [[1, "100 ns"], [4, "400 ns"]], source = "test" }
)";

std::string edited(std::string_view from, std::string_view to) {
    return fluxon::test::edited(custom_preset, from, to);
}

void check_error(const std::string& text, const std::string& key, std::string_view line_needle,
                 std::string_view message) {
    fluxon::test::check_config_error(parse_chip_preset, text, key, line_needle, message);
}

void check_sourced(const action_cost& cost, std::string_view what) {
    INFO(what);
    CHECK_FALSE(cost.source.empty());
    CHECK(cost.energy >= 0);
    CHECK(cost.latency >= 0);
}


}  // namespace

TEST_CASE("io: chip preset shipped presets parse and cite a source for every number") {
    const std::vector<std::string> names = chip_preset_names();
    CHECK(std::is_sorted(names.begin(), names.end()));
    for (const char* expected : {"loihi", "spinnaker2", "truenorth"}) {
        CHECK(std::find(names.begin(), names.end(), expected) != names.end());
    }
    for (const std::string& name : names) {
        INFO(name);
        const chip_preset preset = load_chip_preset(name, {});
        CHECK(preset.origin == "builtin:" + name);
        CHECK(preset.params.name == name);
        CHECK_FALSE(preset.params.description.empty());
        CHECK(preset.text.find("name = \"" + name + "\"") != std::string::npos);
        const fluxon::chip_params& chip = preset.params;
        CHECK(chip.cores() > 0);
        CHECK(chip.tree_tiles == chip.noc.mesh_width * chip.noc.mesh_height);
        CHECK(chip.noc.link_cycle > 0);
        CHECK_FALSE(chip.noc.link_cycle_source.empty());
        for (const auto* limit : {&chip.neurons_per_core, &chip.synapses_per_core, &chip.fan_in_per_core,
                                  &chip.fan_out_per_neuron}) {
            CHECK_FALSE(limit->source.empty());
        }
        CHECK_FALSE(chip.weight_bits_source.empty());
        check_sourced(chip.synapse_op, "synapse_op");
        check_sourced(chip.update_active, "update_active");
        check_sourced(chip.update_inactive, "update_inactive");
        check_sourced(chip.message_out, "message_out");
        check_sourced(chip.message_in, "message_in");
        check_sourced(chip.noc.hop_east_west, "hop_east_west");
        check_sourced(chip.noc.hop_north_south, "hop_north_south");
        check_sourced(chip.noc.hop_tree, "hop_tree");
        CHECK_FALSE(chip.core_static_source.empty());
        CHECK_FALSE(chip.barrier_sync.empty());
        CHECK_FALSE(chip.barrier_sync_source.empty());
    }
}

TEST_CASE("io: chip preset loihi is Davies 2018 Table 2 exactly") {
    const fluxon::chip_params chip = load_chip_preset("loihi", {}).params;
    CHECK(chip.noc.topology == fluxon::noc_topology_kind::mesh);
    CHECK(chip.noc.mesh_width == 8);
    CHECK(chip.noc.mesh_height == 4);
    CHECK(chip.noc.cores_per_tile == 4);
    CHECK(chip.cores() == 128);
    CHECK(chip.neurons_per_core.value == 1024);
    CHECK(chip.synapses_per_core.value == 58254);
    CHECK(chip.synapses_per_core.source.starts_with("estimate:"));
    CHECK(chip.weight_bits == 8);
    CHECK(chip.synapse_op.energy == 23.6e-12);
    CHECK(chip.synapse_op.latency == 3.5e-9);
    CHECK(chip.update_active.energy == 81e-12);
    CHECK(chip.update_active.latency == 8.4e-9);
    CHECK(chip.update_inactive.energy == 52e-12);
    CHECK(chip.update_inactive.latency == 5.3e-9);
    CHECK(chip.message_out.energy == 1.7e-12);
    CHECK(chip.message_out.latency == 2.1e-9);
    CHECK(chip.message_in.energy == 0);
    CHECK(chip.noc.hop_east_west.energy == 3.0e-12);
    CHECK(chip.noc.hop_east_west.latency == 4.1e-9);
    CHECK(chip.noc.hop_north_south.energy == 4.0e-12);
    CHECK(chip.noc.hop_north_south.latency == 6.5e-9);
    CHECK(chip.noc.link_cycle == 1 / 3.44e9);
    REQUIRE(chip.barrier_sync.size() == 2);
    CHECK(chip.barrier_sync[0] == std::pair<std::uint32_t, double>{1, 113e-9});
    CHECK(chip.barrier_sync[1] == std::pair<std::uint32_t, double>{32, 465e-9});
    CHECK(chip.synapse_op.source.find("Davies 2018 Table 2") != std::string::npos);
}

TEST_CASE("io: chip preset truenorth splits static and marginal energy (test_truenorth_calibration.cpp)") {
    const fluxon::chip_params chip = load_chip_preset("truenorth", {}).params;
    CHECK(chip.cores() == 4096);
    CHECK(chip.neurons_per_core.value == 256);
    CHECK(chip.synapses_per_core.value == 256 * 256);
    CHECK(chip.fan_in_per_core.value == 256);
    CHECK(chip.fan_out_per_neuron.value == 1);
    CHECK(chip.synapse_op.energy == 1.914e-12);
    CHECK(chip.noc.hop_east_west.energy == 2.3e-12);
    CHECK(chip.update_active.energy == 0);
    CHECK(chip.core_static_power == 15.73e-6);
}

TEST_CASE("io: chip preset custom text lowers every field") {
    const chip_preset preset = parse_chip_preset(custom_preset, "custom.toml");
    const fluxon::chip_params& chip = preset.params;
    CHECK(preset.origin == "custom.toml");
    CHECK(preset.text == custom_preset);
    CHECK(chip.name == "testchip");
    CHECK(chip.noc.topology == fluxon::noc_topology_kind::tree);
    CHECK(chip.tree_tiles == 6);
    CHECK(chip.tiles() == 6);
    CHECK(chip.cores() == 12);
    CHECK(chip.noc.tree_arity == 3);
    CHECK(chip.noc.link_cycle == 1e-9);
    CHECK(chip.noc.hop_tree.latency == 4e-9);
    CHECK(chip.fan_in_per_core.value == 0);
    CHECK(chip.fan_in_per_core.source == "test: unlimited");
    CHECK(chip.weight_bits == 6);
    CHECK(chip.core_static_power == 1e-3);
    CHECK(chip.barrier_sync.size() == 2);
}

TEST_CASE("io: chip preset quantities are the doubles nearest the written decimals") {
    // A unit's scale multiplied in would be an ulp off for some values ("3.5 ns" != 3.5e-9).
    const auto energy_of = [](std::string_view written) {
        return parse_chip_preset(
                   edited(R"(energy = "10 pJ")", std::string("energy = \"") + std::string(written) + "\""),
                   "test.toml")
            .params.synapse_op.energy;
    };
    CHECK(energy_of("23.6 pJ") == 23.6e-12);
    CHECK(energy_of("0.0236 nJ") == 23.6e-12);
    CHECK(energy_of("2.36e1 pJ") == 23.6e-12);
    CHECK(energy_of("2.36E+4fJ") == 23.6e-12);
    CHECK(energy_of("1.7 pJ") == 1.7e-12);
    const auto latency_of = [](std::string_view written) {
        return parse_chip_preset(
                   edited(R"(latency = "1 ns", source = "test" })",
                          std::string("latency = \"") + std::string(written) + "\", source = \"t\" }"),
                   "test.toml")
            .params.synapse_op.latency;
    };
    CHECK(latency_of("3.5 ns") == 3.5e-9);
    CHECK(latency_of("4.1 ns") == 4.1e-9);
    CHECK(latency_of("465 ns") == 465e-9);
    CHECK(latency_of("15 ns") == 15e-9);
}

TEST_CASE("io: chip preset errors: missing or empty source") {
    check_error(edited(R"(synapse_op = { energy = "10 pJ", latency = "1 ns", source = "test" })",
                       R"(synapse_op = { energy = "10 pJ", latency = "1 ns" })"),
                "actions.synapse_op.source", "synapse_op", "every value needs a non-empty source");
    check_error(edited(R"(neurons_per_core = { value = 100, source = "test" })",
                       R"(neurons_per_core = { value = 100, source = "  " })"),
                "capacity.neurons_per_core.source", "neurons_per_core",
                "every value needs a non-empty source");
}

TEST_CASE("io: chip preset errors: unknown keys list the allowed ones") {
    check_error(edited(R"(energy = "10 pJ")", R"(enrgy = "10 pJ")"), "actions.synapse_op.enrgy", "enrgy",
                "allowed keys: energy, latency, source");
    check_error(edited("[precision]\n", "[precision]\ncolour = \"blue\"\n"), "precision.colour", "colour",
                "allowed keys: weight_bits");
    check_error(edited("[static]", "[statics]"), "statics", "[statics]", "unknown key 'statics'");
}

TEST_CASE("io: chip preset errors: missing keys and sections") {
    check_error(edited("hop_tree = { energy = \"2 pJ\", latency = \"4 ns\", source = \"test\" }\n", ""),
                "noc.hop_tree", "[noc]", "missing required key 'hop_tree'");
    check_error(edited(R"(energy = "10 pJ", )", ""), "actions.synapse_op.energy", "synapse_op",
                "missing required key 'energy'");
}

TEST_CASE("io: chip preset errors: times beyond the hardware time name their key") {
    // Hardware time is 64-bit femtoseconds, at most about 9223 s; 1e10 s used to fail only when
    // the chip was built, naming neither the preset nor the key.
    check_error(edited(R"(latency = "1 ns", source = "test" })", R"(latency = "1e10 s", source = "test" })"),
                "actions.synapse_op.latency", "synapse_op", "1e+10 s is beyond the chip's hardware time");
    check_error(edited(R"(latency = "4 ns")", R"(latency = "9300 s")"), "noc.hop_tree.latency", "hop_tree",
                "beyond the chip's hardware time, 64-bit femtoseconds (at most 9223 s)");
    check_error(edited(R"(value = "1 GHz")", R"(value = "1e-5 Hz")"), "noc.link_bandwidth.value", "link_bandwidth",
                "beyond the chip's hardware time");
    check_error(edited(R"([4, "400 ns"])", R"([4, "1e4 s"])"), "static.barrier_sync.points[1][1]", "barrier_sync",
                "beyond the chip's hardware time");
    CHECK(parse_chip_preset(edited(R"(latency = "1 ns", source = "test" })", R"(latency = "9000 s", source = "t" })"),
                            "test.toml")
              .params.synapse_op.latency == 9000.0);
}

TEST_CASE("io: chip preset errors: a bare number where a quantity is expected") {
    check_error(edited(R"(energy = "10 pJ")", "energy = 10e-12"), "actions.synapse_op.energy", "synapse_op",
                "expected an energy such as \"23.6 pJ\"");
    check_error(edited(R"(value = "1 GHz")", "value = 1e9"), "noc.link_bandwidth.value", "link_bandwidth",
                "expected a frequency");
    check_error(edited(R"(latency = "1 ns", source = "test" })", R"(latency = "1 pJ", source = "test" })"),
                "actions.synapse_op.latency", "synapse_op",
                "expected a time such as \"3.5 ns\", got \"1 pJ\" (an energy)");
    check_error(edited(R"([[1, "100 ns"])", R"([[1, 100])"), "static.barrier_sync.points[0][1]",
                "barrier_sync", "expected a time");
}

TEST_CASE("io: chip preset errors: counts are non-negative whole numbers") {
    check_error(edited("value = 100,", "value = -5,"), "capacity.neurons_per_core.value", "neurons_per_core",
                "must not be negative");
    check_error(edited("value = 1000,", "value = \"1000\","), "capacity.synapses_per_core.value",
                "synapses_per_core", "expected a whole number");
    check_error(edited("value = 6,", "value = 6.5,"), "precision.weight_bits.value", "weight_bits",
                "expected a whole number");
    check_error(
        edited("value = 2, source = \"test\" }\nmesh_height", "value = 0, source = \"test\" }\nmesh_height"),
        "noc.mesh_width.value", "mesh_width", "out of range");
    check_error(edited(R"(energy = "10 pJ")", R"(energy = "-10 pJ")"), "actions.synapse_op.energy",
                "synapse_op", "must not be negative");
}

TEST_CASE("io: chip preset errors: bad bandwidth, topology, barrier and syntax") {
    check_error(edited(R"(value = "1 GHz")", R"(value = "0 GHz")"), "noc.link_bandwidth.value",
                "link_bandwidth", "positive link bandwidth");
    check_error(edited(R"(topology = "tree")", R"(topology = "ring")"), "noc.topology", "topology",
                "expected \"mesh\" or \"tree\"");
    check_error(edited(R"([[1, "100 ns"], [4, "400 ns"]])", R"([[4, "100 ns"], [4, "400 ns"]])"),
                "static.barrier_sync.points[1][0]", "barrier_sync", "must increase");
    check_error(edited("points = [[1, \"100 ns\"], [4, \"400 ns\"]]", "points = []"),
                "static.barrier_sync.points", "barrier_sync", "at least one");
    const std::string broken = edited("[capacity]", "[capacity");
    try {
        parse_chip_preset(broken, "test.toml");
        FAIL("expected a syntax error");
    } catch (const config_error& e) {
        CHECK(e.site().file == "test.toml");
        CHECK(e.site().line == line_of(broken, "[capacity"));
        CHECK(e.detail().find("TOML syntax error") != std::string::npos);
    }
}

TEST_CASE("io: chip preset unknown name lists the shipped presets") {
    error_site where;
    where.file = "run.toml";
    where.line = 7;
    where.key = "hardware.preset";
    try {
        load_chip_preset("loihi3", where);
        FAIL("expected a config_error");
    } catch (const config_error& e) {
        CHECK(e.site().file == "run.toml");
        CHECK(e.site().line == 7);
        CHECK(e.site().key == "hardware.preset");
        CHECK(e.detail().find("loihi3") != std::string::npos);
        CHECK(e.detail().find("loihi, spinnaker2, truenorth") != std::string::npos);
    }
}

TEST_CASE("io: chip preset file paths: missing file, custom file, errors name the file") {
    error_site where;
    where.file = "run.toml";
    where.line = 3;
    where.key = "hardware.preset";
    const std::string missing = "/nonexistent/fluxon/no_such_chip.toml";
    try {
        load_chip_preset(missing, where);
        FAIL("expected an io_error");
    } catch (const fluxon::io_error& e) {
        CHECK(e.site().file == missing);
        CHECK(e.site().line == 0);
        CHECK(e.detail().find("cannot open") != std::string::npos);
        CHECK(e.detail().find("run.toml:3") != std::string::npos);
    }

    const temp_file good("good", custom_preset);
    const chip_preset loaded = load_chip_preset(good.path.string(), where);
    CHECK(loaded.origin == good.path.string());
    CHECK(loaded.text == custom_preset);
    CHECK(loaded.params.name == "testchip");
    CHECK(loaded.params.synapse_op.energy == 10e-12);

    const std::string bad_text = edited(R"(energy = "10 pJ")", "energy = 10");
    const temp_file bad("bad", bad_text);
    try {
        load_chip_preset(bad.path.string(), where);
        FAIL("expected a config_error");
    } catch (const config_error& e) {
        CHECK(e.site().file == bad.path.string());
        CHECK(e.site().key == "actions.synapse_op.energy");
        CHECK(e.site().line == line_of(bad_text, "synapse_op"));
    }
}
