#include "devices/sfq/sfq_library_preset.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "engine/base/quantity.hpp"
#include "engine/base/config_node.hpp"
#include "engine/base/preset_values.hpp"

namespace fluxon {
namespace detail {
// Generated at configure time from devices/sfq/presets/*.toml (devices/presets.cmake).
std::vector<std::pair<std::string_view, std::string_view>> builtin_sfq_presets();
}  // namespace detail

namespace {

using sfq::sourced_number;

sourced_number read_number(const config_node& section, std::string_view key, dimension dim) {
    sourced_number n;
    n.value = preset::read_quantity(preset::sourced_value(section, key, n.source), dim);
    return n;
}

// Port and state names become HDF5 and message text: keep them plain identifiers.
bool plain_name(const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    });
}

std::vector<std::string> read_names(const config_node& cell, std::string_view key, std::size_t max) {
    const config_node at = cell.require(key, "a list of names such as [\"a\", \"clk\"]");
    std::vector<std::string> names;
    for (const config_node& item : at.items("a list of names")) {
        const std::string name = preset::read_text(item, "a name");
        if (!plain_name(name)) item.fail(fmt::format("expected a name of letters, digits and '_', got \"{}\"", name));
        if (std::find(names.begin(), names.end(), name) != names.end()) item.fail(fmt::format("'{}' appears twice", name));
        names.push_back(name);
    }
    if (names.empty()) at.fail("the list is empty");
    if (names.size() > max) at.fail(fmt::format("{} names; at most {} are supported", names.size(), max));
    return names;
}

int find_name(const config_node& at, const std::vector<std::string>& names, std::string_view what) {
    const std::string name = preset::read_text(at, fmt::format("the name of {}", what));
    const auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) {
        at.fail(fmt::format("'{}' is not {}; expected one of {}", name, what, fmt::join(names, ", ")));
    }
    return static_cast<int>(it - names.begin());
}

bool read_flag(const config_node& t, std::string_view key) {
    const config_node at = t.child(key);
    if (!at.present()) return false;
    if (!at.node().is_boolean()) at.fail(fmt::format("expected true or false, got {}", describe(at.node())));
    return *at.node().value<bool>();
}

void read_transitions(const config_node& cell, sfq::cell_type& ct) {
    const config_node at = cell.require("transitions", "a list of { from, on, to, fire } tables");
    const std::size_t n_in = ct.inputs.size();
    ct.table.assign(ct.states.size() * n_in, {});
    std::vector<bool> seen(ct.table.size(), false);
    std::vector<std::uint8_t> listed_from(ct.states.size(), 0);  // transitions read per source state
    for (const config_node& t : at.items("a list of transition tables")) {
        t.table("a table { from = ..., on = ..., to = ..., fire = [...] }");
        t.allow_only({"from", "on", "to", "fire", "setup", "hold", "stochastic"});
        const int from = find_name(t.require("from", "the source state"), ct.states, "a state of this cell");
        const int on = find_name(t.require("on", "the triggering input"), ct.inputs, "an input of this cell");
        const int to = find_name(t.require("to", "the destination state"), ct.states, "a state of this cell");
        const std::size_t slot = static_cast<std::size_t>(from) * n_in + static_cast<std::size_t>(on);
        if (seen[slot]) {
            t.fail(fmt::format("a second transition from '{}' on '{}': each (state, input) has exactly one",
                               ct.states[from], ct.inputs[on]));
        }
        seen[slot] = true;
        sfq::transition& tr = ct.table[slot];
        tr.dest = static_cast<std::uint16_t>(to);
        // At most 255 inputs, so one per (state, input) fits in 8 bits.
        tr.priority = listed_from[static_cast<std::size_t>(from)]++;
        const config_node fire = t.child("fire");
        if (fire.present()) {
            for (const config_node& item : fire.items("a list of output names")) {
                tr.fire |= static_cast<std::uint8_t>(1u << find_name(item, ct.outputs, "an output of this cell"));
            }
        }
        tr.setup = read_flag(t, "setup");
        tr.hold = read_flag(t, "hold");
        tr.stochastic = read_flag(t, "stochastic");
        if (tr.stochastic && tr.fire == 0) t.fail("a stochastic transition must fire something");
    }
    for (std::size_t s = 0; s < ct.states.size(); ++s) {
        for (std::size_t i = 0; i < n_in; ++i) {
            if (seen[s * n_in + i]) continue;
            at.fail(fmt::format("no transition from state '{}' on input '{}': every (state, input) pair "
                                "needs one (use to = \"{}\" for \"ignore\")",
                                ct.states[s], ct.inputs[i], ct.states[s]));
        }
    }
}

sfq::cell_type read_cell(const std::string& name, const config_node& cell) {
    cell.table("a cell table");
    cell.allow_only({"description", "kind", "inputs", "outputs", "states", "transitions", "jjs", "delay",
                     "setup", "hold", "energy"});
    sfq::cell_type ct;
    ct.name = name;
    if (!plain_name(name)) cell.fail("a cell name must be letters, digits and '_'");
    ct.description = preset::read_text(cell.require("description", "what the cell does"), "a description");
    const config_node kind = cell.child("kind");
    if (kind.present()) {
        const std::string k = preset::read_text(kind, "\"fsm\" or \"integrate_and_fire\"");
        if (k == "integrate_and_fire") ct.kind = sfq::cell_kind::integrate_and_fire;
        else if (k != "fsm") kind.fail(fmt::format("expected \"fsm\" or \"integrate_and_fire\", got \"{}\"", k));
    }
    // Ports are numbered in 8 bits (and outputs in an 8-bit mask) in the simulator.
    ct.inputs = read_names(cell, "inputs", 255);
    ct.outputs = read_names(cell, "outputs", 8);
    if (ct.kind == sfq::cell_kind::integrate_and_fire) {
        if (ct.inputs != std::vector<std::string>{"exc", "inh"} || ct.outputs.size() != 1) {
            cell.fail("an integrate_and_fire cell has inputs [\"exc\", \"inh\"] and one output");
        }
        if (cell.child("states").present() || cell.child("transitions").present()) {
            cell.fail("an integrate_and_fire cell's states come from its threshold: give no states or transitions");
        }
    } else {
        ct.states = read_names(cell, "states", 65535);
        read_transitions(cell, ct);
    }
    std::string source;
    ct.jjs = static_cast<std::uint32_t>(preset::read_count(preset::sourced_value(cell, "jjs", source), 1, 100000, "6"));
    ct.jjs_source = source;
    ct.delay = read_number(cell, "delay", dimension::time);
    for (auto [key, member] : {std::pair{"setup", &sfq::cell_type::setup}, std::pair{"hold", &sfq::cell_type::hold},
                               std::pair{"energy", &sfq::cell_type::energy_per_firing}}) {
        if (cell.child(key).present()) {
            ct.*member = read_number(cell, key, std::string_view(key) == "energy" ? dimension::energy : dimension::time);
        } else {
            (ct.*member).source = "not applicable";
        }
    }
    return ct;
}

sfq::library read_library(const config_node& root) {
    root.allow_only({"name", "description", "technology", "synapse_bias", "converter", "cells"});
    sfq::library lib;
    preset::read_name_and_description(root, "sfq_default", lib.name, lib.description);
    const config_node tech = preset::table_at(root, "technology", "a [technology] section",
                                              {"critical_current", "bias_fraction", "bias_voltage",
                                               "ersfq_dynamic_factor", "cryo_factor", "jitter_clip"});
    sfq::technology_params& t = lib.tech;
    t.critical_current = read_number(tech, "critical_current", dimension::current);
    t.bias_fraction = read_number(tech, "bias_fraction", dimension::dimensionless);
    t.bias_voltage = read_number(tech, "bias_voltage", dimension::voltage);
    t.ersfq_dynamic_factor = read_number(tech, "ersfq_dynamic_factor", dimension::dimensionless);
    t.cryo_factor = read_number(tech, "cryo_factor", dimension::dimensionless);
    t.jitter_clip = read_number(tech, "jitter_clip", dimension::dimensionless);
    if (t.critical_current.value <= 0) tech.child("critical_current").child("value").fail("must be positive");
    if (t.jitter_clip.value >= 1) tech.child("jitter_clip").child("value").fail("must be below 1 (a fraction of the delay)");
    const config_node syn = preset::table_at(root, "synapse_bias", "a [synapse_bias] section", {"i50", "width"});
    t.synapse_i50 = read_number(syn, "i50", dimension::current);
    t.synapse_width = read_number(syn, "width", dimension::current);
    if (t.synapse_width.value <= 0) syn.child("width").child("value").fail("must be positive");
    if (root.child("converter").present()) {
        const config_node conv = preset::table_at(root, "converter", "a [converter] section", {"jjs", "delay"});
        sfq::converter_params c;
        c.jjs = static_cast<std::uint32_t>(
            preset::read_count(preset::sourced_value(conv, "jjs", c.jjs_source), 1, 1000, "3"));
        c.delay = read_number(conv, "delay", dimension::time);
        lib.converter = std::move(c);
    }
    const config_node cells = root.require("cells", "[cells.<name>] tables");
    for (const auto& [name, cell] : cells.entries("[cells.<name>] tables")) {
        lib.cells.emplace(name, read_cell(name, cell));
    }
    return lib;
}

}  // namespace

std::vector<std::string> sfq_library_names() { return preset::names_of(detail::builtin_sfq_presets()); }

sfq_library_preset load_sfq_library(const std::string& name_or_path, const error_site& where) {
    const preset::found_text found =
        preset::find(name_or_path, detail::builtin_sfq_presets(), "SFQ cell library", where);
    return parse_sfq_library(found.text, found.origin);
}

sfq_library_preset parse_sfq_library(std::string_view text, const std::string& origin) {
    return preset::parse<sfq_library_preset>(text, origin, read_library);
}

}  // namespace fluxon
