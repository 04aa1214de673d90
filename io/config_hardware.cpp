#include <limits>

#include <fmt/format.h>

#include "io/config_schema.hpp"
#include "io/config_sections.hpp"
#include "io/config_values.hpp"
#include "engine/base/preset_values.hpp"

namespace fluxon::io {
namespace {

std::string read_choice(const config_node& at, std::initializer_list<std::string_view> choices) {
    std::string allowed;
    for (const auto c : choices) allowed += fmt::format("{}\"{}\"", allowed.empty() ? "" : " or ", c);
    const std::string value = read_string(at, allowed);
    for (const auto c : choices) {
        if (value == c) return value;
    }
    at.fail(fmt::format("expected {}, got \"{}\"", allowed, value));
}

void read_synapse_dram(const config_node& hardware, net::hardware_spec& spec) {
    if (const config_node dram = hardware.child("synapse_dram"); dram.present()) {
        spec.synapse_dram = read_string(dram, "a DRAM preset name (such as \"ddr4_3200\") or a file path");
        if (spec.synapse_dram.empty()) {
            dram.fail("expected a DRAM preset name or a file path, got an empty string");
        }
        spec.synapse_dram = preset::relative_to_config(hardware, spec.synapse_dram);
        spec.synapse_dram_site = dram.site();
    }
    if (const config_node bytes = hardware.child("bytes_per_synapse"); bytes.present()) {
        const std::int64_t value = read_integer(bytes, "a number of bytes >= 1");
        // A row's bytes are counted in 64 bits; a synapse of more than 1 MiB is a typo.
        if (value < 1 || value > (1 << 20)) {
            bytes.fail(fmt::format("bytes_per_synapse must be from 1 to 1048576, got {}", value));
        }
        spec.bytes_per_synapse = static_cast<std::uint32_t>(value);
        spec.bytes_per_synapse_site = bytes.site();
    }
}

}  // namespace

net::hardware_spec read_hardware(const config_node& hardware) {
    net::hardware_spec spec;
    spec.site = hardware.site();
    if (!hardware.present()) return spec;
    hardware.table("a table [hardware]");
    hardware.allow_only(schema_children("hardware"));
    const config_node preset = hardware.require("preset", "a chip preset name (such as \"loihi\") or a file path");
    spec.preset = read_string(preset, "a chip preset name or a file path");
    if (spec.preset.empty()) preset.fail("expected a chip preset name or a file path, got an empty string");
    spec.preset_site = preset.site();
    spec.preset = preset::relative_to_config(hardware, spec.preset);
    if (const config_node f = hardware.child("fidelity"); f.present()) {
        spec.fidelity = read_choice(f, {"annotated", "timed"});
        spec.fidelity_site = f.site();
    }
    if (const config_node t = hardware.child("topology"); t.present()) {
        spec.topology = read_choice(t, {"mesh", "tree"});
        spec.topology_site = t.site();
    }
    if (const config_node bits = hardware.child("weight_bits"); bits.present()) {
        const std::int64_t value = read_integer(bits, "0 (exact weights) or an integer from 2 to 24");
        // One signed bit holds no magnitude; past 24 bits the mantissa no longer fits a float.
        if (value < 0 || value == 1 || value > 24) {
            bits.fail(fmt::format("weight_bits must be 0 (exact) or from 2 to 24, got {}", value));
        }
        spec.weight_bits = value;
        spec.weight_bits_site = bits.site();
    }
    if (const config_node period = hardware.child("step_period"); period.present()) {
        if (!(period.node().is_string() && period.node().as_string()->get() == "asap")) {
            spec.step_period = read_quantity(period, dimension::time);
        }
    }
    if (const config_node m = hardware.child("mapper"); m.present()) {
        spec.mapper = read_choice(m, {"metis", "sequential"});
        spec.mapper_site = m.site();
    }
    if (const config_node chunk = hardware.child("chunk_neurons"); chunk.present()) {
        const std::int64_t value = read_integer(chunk, "a number of neurons >= 1");
        if (value < 1 || value > std::numeric_limits<std::uint32_t>::max()) {
            chunk.fail(fmt::format("chunk_neurons must be >= 1, got {}", value));
        }
        spec.chunk_neurons = static_cast<std::uint32_t>(value);
    }
    read_synapse_dram(hardware, spec);
    return spec;
}

}  // namespace fluxon::io
