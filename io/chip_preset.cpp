#include "io/chip_preset.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

#include "engine/quantity.hpp"
#include "io/config_node.hpp"

namespace fluxon::io {
namespace detail {
// Generated at configure time from devices/presets/*.toml (io/chip_presets.cmake): (name, text) pairs.
std::vector<std::pair<std::string_view, std::string_view>> builtin_chip_preset_texts();
}  // namespace detail

namespace {

constexpr std::string_view source_help =
    "every value needs a non-empty source: a paper and table, or \"estimate: <how derived>\"";

bool blank(std::string_view s) { return s.find_first_not_of(" \t") == std::string_view::npos; }

std::string expectation(dimension dim) {
    switch (dim) {
        case dimension::energy: return "an energy such as \"23.6 pJ\"";
        case dimension::time: return "a time such as \"3.5 ns\"";
        case dimension::power: return "a power such as \"0.82 mW\"";
        case dimension::frequency: return "a frequency such as \"3.44 GHz\"";
        default: break;
    }
    return fmt::format("a {} with its unit", dimension_name(dim));
}

// What a quantity string that did not parse as the expected dimension is instead.
std::string what_it_is(std::string_view text) {
    constexpr dimension dims[] = {dimension::time,        dimension::voltage,     dimension::current,
                                  dimension::conductance, dimension::capacitance, dimension::resistance,
                                  dimension::frequency,   dimension::energy,      dimension::power};
    for (const dimension d : dims) {
        if (!parse_quantity(text, d).error.empty()) continue;
        const std::string_view name = dimension_name(d);
        return fmt::format("{} {}", name.starts_with('e') ? "an" : "a", name);
    }
    if (parse_quantity(text, dimension::dimensionless).error.empty()) return "a number without a unit";
    return "not a number followed by a known unit";
}

// A non-negative quantity written with its unit; bare numbers are refused so that a preset
// cannot silently mean joules where picojoules were meant.
double read_quantity_at(const config_node& at, dimension dim) {
    if (!at.node().is_string()) {
        at.fail(fmt::format("expected {}, got {}", expectation(dim), describe(at.node())));
    }
    const std::string text = *at.node().value<std::string>();
    const parsed_quantity parsed = parse_quantity(text, dim);
    if (!parsed.error.empty()) {
        at.fail(fmt::format("expected {}, got \"{}\" ({})", expectation(dim), text, what_it_is(text)));
    }
    if (parsed.value < 0) {
        at.fail(fmt::format("expected {}, got \"{}\": it must not be negative", expectation(dim), text));
    }
    return parsed.value;
}

std::uint64_t read_count(const config_node& at, std::uint64_t min, std::uint64_t max,
                         std::string_view example) {
    const std::string expected = fmt::format("a whole number >= {} such as {}", min, example);
    if (!at.node().is_integer()) at.fail(fmt::format("expected {}, got {}", expected, describe(at.node())));
    const std::int64_t value = *at.node().value<std::int64_t>();
    if (value < 0) at.fail(fmt::format("expected {}, got {}: it must not be negative", expected, value));
    const auto count = static_cast<std::uint64_t>(value);
    if (count < min || count > max) {
        at.fail(fmt::format("{} is out of range: expected a whole number from {} to {}", count, min, max));
    }
    return count;
}

std::string read_text(const config_node& at, std::string_view expected) {
    if (!at.node().is_string()) at.fail(fmt::format("expected {}, got {}", expected, describe(at.node())));
    return *at.node().value<std::string>();
}

// The `source` of an entry: the citation that travels with its numbers into ledgers and run files.
std::string read_source(const config_node& entry) {
    const config_node at = entry.child("source");
    if (!at.present()) at.fail(fmt::format("missing key 'source': {}", source_help));
    const std::string source = read_text(at, "a source string");
    if (blank(source)) at.fail(std::string(source_help));
    return source;
}

// A section or entry table that must be present and may hold only `allowed` keys.
config_node table_at(const config_node& parent, std::string_view name, std::string_view what,
                     const std::vector<std::string_view>& allowed) {
    const config_node at = parent.require(name, what);
    at.table(what);
    at.allow_only(allowed);
    return at;
}

// { value = ..., source = "..." }: returns the value's node and stores the source.
config_node sourced_value(const config_node& section, std::string_view name, std::string& source) {
    const config_node entry =
        table_at(section, name, "a table { value = ..., source = \"...\" }", {"value", "source"});
    source = read_source(entry);
    return entry.require("value", "the number itself");
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

action_cost read_action(const config_node& section, std::string_view name) {
    const config_node entry =
        table_at(section, name, "a table { energy = \"...\", latency = \"...\", source = \"...\" }",
                 {"energy", "latency", "source"});
    action_cost cost;
    cost.source = read_source(entry);
    cost.energy =
        read_quantity_at(entry.require("energy", "an energy such as \"23.6 pJ\""), dimension::energy);
    cost.latency = read_quantity_at(entry.require("latency", "a time such as \"3.5 ns\""), dimension::time);
    return cost;
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
    const double rate = read_quantity_at(bandwidth, dimension::frequency);
    if (rate <= 0) bandwidth.fail("expected a positive link bandwidth: link_cycle = 1 / bandwidth");
    out.link_cycle = 1.0 / rate;

    out.hop_east_west = read_action(noc, "hop_east_west");
    out.hop_north_south = read_action(noc, "hop_north_south");
    out.hop_tree = read_action(noc, "hop_tree");
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
        chip.barrier_sync.emplace_back(tiles, read_quantity_at(pair[1], dimension::time));
    }
}

bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
}

chip_params read_chip(const config_node& root) {
    root.allow_only({"name", "description", "noc", "capacity", "precision", "actions", "static"});
    chip_params chip;
    // The name labels ledger components and run files, so it stays a plain identifier.
    const config_node name = root.require("name", "the preset's name, such as \"loihi\"");
    chip.name = read_text(name, "a name such as \"loihi\"");
    if (chip.name.empty() || !std::all_of(chip.name.begin(), chip.name.end(), is_name_char)) {
        name.fail(fmt::format(
            "expected a name of letters, digits, '_', '-' or '.', such as \"loihi\", got \"{}\"", chip.name));
    }
    const config_node description = root.require("description", "what the preset models and its main source");
    chip.description = read_text(description, "a description string");
    if (blank(chip.description)) {
        description.fail("the description is empty: say what the preset models");
    }

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
    chip.synapse_op = read_action(actions, "synapse_op");
    chip.update_active = read_action(actions, "update_active");
    chip.update_inactive = read_action(actions, "update_inactive");
    chip.message_out = read_action(actions, "message_out");
    chip.message_in = read_action(actions, "message_in");

    const config_node statics =
        table_at(root, "static", "a [static] section", {"core_power", "barrier_sync"});
    chip.core_static_power =
        read_quantity_at(sourced_value(statics, "core_power", chip.core_static_source), dimension::power);
    read_barrier(statics, chip);
    return chip;
}

bool is_path(const std::string& name_or_path) {
    return name_or_path.find('/') != std::string::npos || name_or_path.ends_with(".toml");
}

// " (named at run.toml:12, key 'hardware.preset')": where a file error came from, when known.
std::string named_at(const error_site& where) {
    std::string place = where.file;
    if (!place.empty() && where.line > 0) place += fmt::format(":{}", where.line);
    if (!where.key.empty()) place += fmt::format("{}key '{}'", place.empty() ? "" : ", ", where.key);
    return place.empty() ? "" : " (named at " + place + ")";
}

std::string read_preset_file(const std::string& path, const error_site& where) {
    error_site site;
    site.file = path;
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        throw io_error("the chip preset path is a directory" + named_at(where), site);
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) throw io_error("cannot open the chip preset file" + named_at(where), site);
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw io_error("cannot read the chip preset file" + named_at(where), site);
    return text.str();
}

}  // namespace

std::vector<std::string> chip_preset_names() {
    std::vector<std::string> names;
    for (const auto& [name, text] : detail::builtin_chip_preset_texts()) names.emplace_back(name);
    std::sort(names.begin(), names.end());
    return names;
}

chip_preset load_chip_preset(const std::string& name_or_path, const error_site& where) {
    if (is_path(name_or_path)) return parse_chip_preset(read_preset_file(name_or_path, where), name_or_path);
    for (const auto& [name, text] : detail::builtin_chip_preset_texts()) {
        if (name == name_or_path) return parse_chip_preset(text, "builtin:" + name_or_path);
    }
    throw config_error(
        fmt::format("unknown chip preset '{}'; shipped presets: {} (or give the path of a .toml "
                    "preset file)",
                    name_or_path, fmt::join(chip_preset_names(), ", ")),
        where);
}

chip_preset parse_chip_preset(std::string_view text, const std::string& origin) {
    toml::table doc;
    try {
        doc = toml::parse(text, origin);
    } catch (const toml::parse_error& e) {
        const auto& at = e.source().begin;
        error_site site;
        site.file = origin;
        site.line = static_cast<int>(at.line);
        throw config_error(
            fmt::format("TOML syntax error at line {}, column {}: {}", at.line, at.column, e.description()),
            site);
    }
    config_context ctx;
    ctx.file = origin;
    chip_preset preset;
    preset.params = read_chip(config_node::root(ctx, doc));
    preset.text = std::string(text);
    preset.origin = origin;
    return preset;
}

}  // namespace fluxon::io
