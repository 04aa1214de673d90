#include "devices/neuromorphic/chip_preset.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "engine/base/quantity.hpp"
#include "engine/base/config_node.hpp"
#include "engine/base/preset_values.hpp"
#include "devices/noc/noc_timing.hpp"

namespace fluxon {
namespace detail {
// Generated at configure time from devices/neuromorphic/presets/*.toml (devices/presets.cmake): (name, text) pairs.
std::vector<std::pair<std::string_view, std::string_view>> builtin_neuromorphic_presets();
}  // namespace detail

namespace {

using preset::read_action;
using preset::read_count;
using preset::read_quantity;
using preset::read_source;
using preset::read_text;
using preset::sourced_value;
using preset::table_at;

// A chip's times run on 64-bit hardware femtoseconds (devices/noc/noc_timing.hpp): a preset
// time they cannot hold is refused at its key, not later with a message that names nothing.
void check_hardware_time(const config_node& at, double seconds) {
    constexpr double largest = static_cast<double>(std::numeric_limits<hw_time>::max()) / hw_fs_per_second;
    if (!(seconds * static_cast<double>(hw_fs_per_second) < 0x1p63)) {
        at.fail(fmt::format("{:g} s is beyond the chip's hardware time, 64-bit femtoseconds (at most {:.4g} s)",
                            seconds, largest));
    }
}

// An action whose latency the hardware time holds.
action_cost read_timed_action(const config_node& section, std::string_view name) {
    action_cost cost = read_action(section, name);
    check_hardware_time(section.child(name).child("latency"), cost.latency);
    return cost;
}

std::uint64_t read_sourced_count(const config_node& section, std::string_view name, std::uint64_t min,
                                 std::uint64_t max, std::string_view example, std::string& source) {
    return read_count(sourced_value(section, name, source), min, max, example);
}

capacity_limit read_capacity(const config_node& section, std::string_view name, std::string_view example) {
    capacity_limit limit;
    const config_node value = sourced_value(section, name, limit.source);
    limit.value = read_count(value, 0, std::numeric_limits<std::int64_t>::max(), example);
    return limit;
}

void read_noc(const config_node& root, chip_params& chip) {
    const config_node noc = table_at(root, "noc", "a [noc] section",
                                     {"topology", "mesh_width", "mesh_height", "cores_per_tile", "tree_arity",
                                      "link_bandwidth", "hop_east_west", "hop_north_south", "hop_tree"});
    noc_params& out = chip.noc;
    const config_node topology = noc.require("topology", "\"mesh\" or \"tree\"");
    const std::string kind = read_text(topology, "\"mesh\" or \"tree\"");
    if (kind == "mesh") {
        out.topology = noc_topology_kind::mesh;
    } else if (kind == "tree") {
        out.topology = noc_topology_kind::tree;
    } else {
        topology.fail(fmt::format("expected \"mesh\" or \"tree\", got \"{}\"", kind));
    }

    constexpr std::uint64_t max32 = std::numeric_limits<std::uint32_t>::max();
    std::string ignored;  // the layout's sources are documentation in the file; the model keeps none
    const config_node width = sourced_value(noc, "mesh_width", ignored);
    const config_node height = sourced_value(noc, "mesh_height", ignored);
    const config_node per_tile = sourced_value(noc, "cores_per_tile", ignored);
    const std::uint64_t w = read_count(width, 1, max32, "8");
    const std::uint64_t h = read_count(height, 1, max32, "4");
    const std::uint64_t c = read_count(per_tile, 1, max32, "4");
    if (w * h > max32) height.fail(fmt::format("a {} x {} mesh has more than {} tiles", w, h, max32));
    if (w * h * c > max32) per_tile.fail(fmt::format("the chip would have more than {} cores", max32));
    out.mesh_width = static_cast<std::uint32_t>(w);
    out.mesh_height = static_cast<std::uint32_t>(h);
    out.cores_per_tile = static_cast<std::uint32_t>(c);
    // A run may select the other topology; the tree then has as many tiles as the mesh.
    chip.tree_tiles = static_cast<std::uint32_t>(w * h);
    out.tree_arity =
        static_cast<std::uint32_t>(read_sourced_count(noc, "tree_arity", 2, max32, "4", ignored));

    const config_node bandwidth = sourced_value(noc, "link_bandwidth", out.link_cycle_source);
    const double rate = read_quantity(bandwidth, dimension::frequency);
    if (rate <= 0) bandwidth.fail("expected a positive link bandwidth: link_cycle = 1 / bandwidth");
    out.link_cycle = 1.0 / rate;
    check_hardware_time(bandwidth, out.link_cycle);

    out.hop_east_west = read_timed_action(noc, "hop_east_west");
    out.hop_north_south = read_timed_action(noc, "hop_north_south");
    out.hop_tree = read_timed_action(noc, "hop_tree");
}

void read_barrier(const config_node& section, chip_params& chip) {
    const config_node entry =
        table_at(section, "barrier_sync", "a table { points = [[tiles, \"time\"], ...], source = \"...\" }",
                 {"points", "source"});
    chip.barrier_sync_source = read_source(entry);
    const config_node points = entry.require("points", "a list of [tiles, \"time\"] pairs");
    const std::vector<config_node> items = points.items("a list of [tiles, \"time\"] pairs");
    if (items.empty()) points.fail("expected at least one [tiles, \"time\"] pair");
    for (const config_node& item : items) {
        const std::vector<config_node> pair = item.items("a pair [tiles, \"time\"] such as [32, \"465 ns\"]");
        if (pair.size() != 2) {
            item.fail(fmt::format(
                "expected a pair [tiles, \"time\"] such as [32, \"465 ns\"], got {} elements", pair.size()));
        }
        const auto tiles = static_cast<std::uint32_t>(
            read_count(pair[0], 1, std::numeric_limits<std::uint32_t>::max(), "32"));
        if (!chip.barrier_sync.empty() && tiles <= chip.barrier_sync.back().first) {
            pair[0].fail(fmt::format("tile counts must increase from point to point; {} follows {}", tiles,
                                     chip.barrier_sync.back().first));
        }
        chip.barrier_sync.emplace_back(tiles, read_quantity(pair[1], dimension::time));
        check_hardware_time(pair[1], chip.barrier_sync.back().second);
    }
}

chip_params read_chip(const config_node& root) {
    root.allow_only({"name", "description", "noc", "capacity", "precision", "actions", "static"});
    chip_params chip;
    preset::read_name_and_description(root, "loihi", chip.name, chip.description);

    read_noc(root, chip);

    const config_node capacity =
        table_at(root, "capacity", "a [capacity] section",
                 {"neurons_per_core", "synapses_per_core", "fan_in_per_core", "fan_out_per_neuron"});
    chip.neurons_per_core = read_capacity(capacity, "neurons_per_core", "1024");
    chip.synapses_per_core = read_capacity(capacity, "synapses_per_core", "65536");
    chip.fan_in_per_core = read_capacity(capacity, "fan_in_per_core", "4096");
    chip.fan_out_per_neuron = read_capacity(capacity, "fan_out_per_neuron", "1");

    const config_node precision = table_at(root, "precision", "a [precision] section", {"weight_bits"});
    chip.weight_bits =
        static_cast<int>(read_sourced_count(precision, "weight_bits", 0, 24, "8", chip.weight_bits_source));
    if (chip.weight_bits == 1) {
        precision.child("weight_bits").child("value").fail(
            "weight_bits must be 0 (exact) or from 2 to 24: one signed bit holds no magnitude");
    }

    const config_node actions =
        table_at(root, "actions", "an [actions] section",
                 {"synapse_op", "update_active", "update_inactive", "message_out", "message_in"});
    chip.synapse_op = read_timed_action(actions, "synapse_op");
    chip.update_active = read_timed_action(actions, "update_active");
    chip.update_inactive = read_timed_action(actions, "update_inactive");
    chip.message_out = read_timed_action(actions, "message_out");
    chip.message_in = read_timed_action(actions, "message_in");

    const config_node statics =
        table_at(root, "static", "a [static] section", {"core_power", "barrier_sync"});
    chip.core_static_power =
        read_quantity(sourced_value(statics, "core_power", chip.core_static_source), dimension::power);
    read_barrier(statics, chip);
    return chip;
}

}  // namespace

std::vector<std::string> chip_preset_names() { return preset::names_of(detail::builtin_neuromorphic_presets()); }

chip_preset load_chip_preset(const std::string& name_or_path, const error_site& where) {
    const preset::found_text found =
        preset::find(name_or_path, detail::builtin_neuromorphic_presets(), "chip preset", where);
    return parse_chip_preset(found.text, found.origin);
}

chip_preset parse_chip_preset(std::string_view text, const std::string& origin) {
    return preset::parse<chip_preset>(text, origin, read_chip);
}

}  // namespace fluxon
