#include "engine/base/preset_values.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace fluxon::preset {
namespace {

constexpr std::string_view source_help =
    "every value needs a non-empty source: a paper and table, or \"estimate: <how derived>\"";

std::string expectation(dimension dim) {
    switch (dim) {
        case dimension::energy: return "an energy such as \"23.6 pJ\"";
        case dimension::time: return "a time such as \"3.5 ns\"";
        case dimension::power: return "a power such as \"0.82 mW\"";
        case dimension::frequency: return "a frequency such as \"3.44 GHz\"";
        case dimension::current: return "a current such as \"57 mA\"";
        case dimension::voltage: return "a voltage such as \"1.2 V\"";
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

bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
}

// " (named at run.toml:12, key 'hardware.preset')": where a file error came from, when known.
std::string named_at(const error_site& where) {
    std::string place = where.file;
    if (!place.empty() && where.line > 0) place += fmt::format(":{}", where.line);
    if (!where.key.empty()) place += fmt::format("{}key '{}'", place.empty() ? "" : ", ", where.key);
    return place.empty() ? "" : " (named at " + place + ")";
}

}  // namespace

bool blank(std::string_view s) { return s.find_first_not_of(" \t") == std::string_view::npos; }

// Bare numbers are refused so that a preset cannot silently mean joules where picojoules
// were meant.
double read_quantity(const config_node& at, dimension dim) {
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

// The citation that travels with an entry's numbers into ledgers and run files.
std::string read_source(const config_node& entry) {
    const config_node at = entry.child("source");
    if (!at.present()) at.fail(fmt::format("missing key 'source': {}", source_help));
    const std::string source = read_text(at, "a source string");
    if (blank(source)) at.fail(std::string(source_help));
    return source;
}

config_node table_at(const config_node& parent, std::string_view name, std::string_view what,
                     const std::vector<std::string_view>& allowed) {
    const config_node at = parent.require(name, what);
    at.table(what);
    at.allow_only(allowed);
    return at;
}

config_node sourced_value(const config_node& section, std::string_view name, std::string& source) {
    const config_node entry =
        table_at(section, name, "a table { value = ..., source = \"...\" }", {"value", "source"});
    source = read_source(entry);
    return entry.require("value", "the number itself");
}

void read_name_and_description(const config_node& root, std::string_view example, std::string& name,
                               std::string& description) {
    const config_node name_at =
        root.require("name", fmt::format("the preset's name, such as \"{}\"", example));
    name = read_text(name_at, fmt::format("a name such as \"{}\"", example));
    if (name.empty() || !std::all_of(name.begin(), name.end(), is_name_char)) {
        name_at.fail(fmt::format("expected a name of letters, digits, '_', '-' or '.', such as \"{}\", "
                                 "got \"{}\"",
                                 example, name));
    }
    const config_node description_at =
        root.require("description", "what the preset models and its main source");
    description = read_text(description_at, "a description string");
    if (blank(description)) description_at.fail("the description is empty: say what the preset models");
}

namespace {

std::string read_file(const std::string& path, const error_site& where, std::string_view kind) {
    error_site site;
    site.file = path;
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        throw io_error(fmt::format("the {} path is a directory{}", kind, named_at(where)), site);
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) throw io_error(fmt::format("cannot open the {} file{}", kind, named_at(where)), site);
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw io_error(fmt::format("cannot read the {} file{}", kind, named_at(where)), site);
    return text.str();
}

}  // namespace

std::vector<std::string> names_of(const builtin_texts& builtin) {
    std::vector<std::string> names;
    for (const auto& [name, text] : builtin) names.emplace_back(name);
    std::sort(names.begin(), names.end());
    return names;
}

bool names_a_file(const std::string& name_or_path) {
    return name_or_path.find('/') != std::string::npos || name_or_path.ends_with(".toml");
}

found_text find(const std::string& name_or_path, const builtin_texts& builtin, std::string_view kind,
                const error_site& where) {
    if (names_a_file(name_or_path)) {
        return {read_file(name_or_path, where, kind), name_or_path};
    }
    for (const auto& [name, text] : builtin) {
        if (name == name_or_path) return {std::string(text), "builtin:" + name_or_path};
    }
    throw config_error(fmt::format("unknown {} '{}'; shipped presets: {} (or give the path of a .toml "
                                   "preset file)",
                                   kind, name_or_path, fmt::join(names_of(builtin), ", ")),
                       where);
}

toml::table parse_toml(std::string_view text, const std::string& origin) {
    try {
        return toml::parse(text, origin);
    } catch (const toml::parse_error& e) {
        const auto& at = e.source().begin;
        error_site site;
        site.file = origin;
        site.line = static_cast<int>(at.line);
        throw config_error(
            fmt::format("TOML syntax error at line {}, column {}: {}", at.line, at.column, e.description()),
            site);
    }
}

action_cost read_action(const config_node& section, std::string_view name) {
    const config_node entry =
        table_at(section, name, "a table { energy = \"...\", latency = \"...\", source = \"...\" }",
                 {"energy", "latency", "source"});
    action_cost cost;
    cost.source = read_source(entry);
    cost.energy =
        read_quantity(entry.require("energy", "an energy such as \"23.6 pJ\""), dimension::energy);
    cost.latency = read_quantity(entry.require("latency", "a time such as \"3.5 ns\""), dimension::time);
    return cost;
}

std::string relative_to_config(const config_node& at, const std::string& name_or_path) {
    const auto& base = at.context().base_dir;
    if (names_a_file(name_or_path) && !base.empty() && std::filesystem::path(name_or_path).is_relative()) {
        return (base / name_or_path).lexically_normal().string();
    }
    return name_or_path;
}

std::string read_name_or_path(const config_node& at, std::string_view what) {
    const std::string expected = fmt::format("a {} name or a file path", what);
    const std::string name = read_text(at, expected);
    if (name.empty()) at.fail(fmt::format("expected {}, got an empty string", expected));
    return relative_to_config(at, name);
}

}  // namespace fluxon::preset
