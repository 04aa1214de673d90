#include "io/config_overrides.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "io/config_schema.hpp"

namespace fluxon::io {
namespace {

struct override_text {
    std::string key, value;
    std::vector<std::string> segments;
};

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

std::vector<std::string> split_key(std::string_view key) {
    std::vector<std::string> segments;
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = key.find('.', start);
        segments.emplace_back(key.substr(start, dot == std::string_view::npos ? dot : dot - start));
        if (dot == std::string_view::npos) return segments;
        start = dot + 1;
    }
}

constexpr std::string_view override_source = "--set";

bool from_override(const toml::node& node) {
    return node.source().path && *node.source().path == override_source;
}

// The line of the deepest part of `segments` that exists in the document: where a value set
// from the command line is reported.
int anchor_line(const toml::table& doc, const std::vector<std::string>& segments) {
    const toml::node* node = &doc;
    int line = 1;
    for (const std::string& segment : segments) {
        node = node->is_table() ? node->as_table()->get(segment) : nullptr;
        // Values set by earlier overrides carry lines of their one-line snippet, not of the file.
        if (!node || from_override(*node)) break;
        if (node->source().begin.line > 0) line = static_cast<int>(node->source().begin.line);
    }
    return line;
}

error_site override_site(const toml::table& doc, const override_text& o, const std::string& file) {
    error_site site;
    site.file = file;
    site.line = anchor_line(doc, o.segments);
    site.key = o.key;
    const bool named = o.segments[0] == "populations" || o.segments[0] == "projections" ||
                       o.segments[0] == "currents";
    if (named && o.segments.size() > 1) site.node = o.segments[1];
    return site;
}

[[noreturn]] void fail(const error_site& site, const std::string& text, const std::string& message) {
    throw config_error(fmt::format("--set {}: {}", text, message), site);
}

override_text split_override(const toml::table& doc, const std::string& text, const std::string& file) {
    const std::size_t eq = text.find('=');
    override_text o;
    o.key = std::string(trim(std::string_view(text).substr(0, eq)));
    o.segments = split_key(o.key);
    const error_site site = override_site(doc, o, file);
    if (eq == std::string::npos) fail(site, text, "expected key=value, e.g. run.seed=3");
    o.value = std::string(trim(std::string_view(text).substr(eq + 1)));
    if (std::any_of(o.segments.begin(), o.segments.end(), [](const auto& s) { return s.empty(); })) {
        fail(site, text, "malformed key: expected dotted names like populations.exc.size");
    }
    if (o.value.empty()) fail(site, text, "no value after '='");
    return o;
}

void append_segment(std::string& key, std::string_view segment) {
    if (!key.empty()) key += '.';
    key += segment;
}

bool contains(const std::vector<std::string_view>& names, std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

std::vector<std::string> declared_names(const toml::node* section) {
    std::vector<std::string> names;
    if (section && section->is_table()) {
        for (const auto& [k, v] : *section->as_table()) names.emplace_back(k.str());
    }
    return names;
}

// Walks the key through the schema; a named entry must already be declared in the file, since
// a typo there would otherwise create a half-specified population.
void check_against_schema(const toml::table& doc, const override_text& o, const error_site& site,
                          const std::string& text, const device_registry& families) {
    std::string pattern, prefix;
    const toml::node* node = &doc;
    for (const std::string& segment : o.segments) {
        const auto children = schema_children(pattern, families);
        std::string_view next;
        if (contains(children, segment)) {
            next = segment;
        } else if (contains(children, schema_entry)) {
            if (!node || !node->is_table() || !node->as_table()->get(segment)) {
                fail(site, text, fmt::format("there is no '{}' in '{}'; declared: {}", segment, prefix,
                                             fmt::join(declared_names(node), ", ")));
            }
            next = schema_entry;
        } else if (contains(children, schema_any)) {
            next = schema_any;
        } else if (children.empty() || contains(children, schema_item)) {
            fail(site, text, fmt::format("'{}' has no sub-keys; set it as a whole", prefix));
        } else {
            fail(site, text, fmt::format("unknown key '{}'{}; allowed: {}", segment,
                                         prefix.empty() ? "" : " in '" + prefix + "'",
                                         fmt::join(children, ", ")));
        }
        append_segment(pattern, next);
        append_segment(prefix, segment);
        node = node && node->is_table() ? node->as_table()->get(segment) : nullptr;
    }
}

void set_value(toml::table& doc, const override_text& o, std::unique_ptr<toml::node> value,
               const error_site& site, const std::string& text) {
    toml::table* table = &doc;
    std::string prefix;
    for (std::size_t i = 0; i + 1 < o.segments.size(); ++i) {
        const std::string& segment = o.segments[i];
        append_segment(prefix, segment);
        if (!table->get(segment)) table->insert_or_assign(segment, toml::table{});
        toml::node* next = table->get(segment);
        if (!next->is_table()) {
            fail(site, text, fmt::format("'{}' is {} in the file, not a table", prefix, describe(*next)));
        }
        table = next->as_table();
    }
    table->insert_or_assign(o.segments.back(), std::move(*value));
}

}  // namespace

std::unique_ptr<toml::node> parse_override_value(std::string_view text, const error_site& site) {
    const std::string_view value = trim(text);
    try {
        toml::table parsed = toml::parse("v = " + std::string(value) + "\n", override_source);
        if (parsed.size() == 1 && parsed.get("v")) {
            return parsed.get("v")->visit([](auto&& node) -> std::unique_ptr<toml::node> {
                return std::make_unique<std::remove_cvref_t<decltype(node)>>(std::move(node));
            });
        }
    } catch (const toml::parse_error& e) {
        if (!value.empty() && (value.front() == '[' || value.front() == '{' || value.front() == '"' ||
                               value.front() == '\'')) {
            throw config_error(fmt::format("'{}' is not a valid TOML value: {}", value, e.description()),
                               site);
        }
    }
    return std::make_unique<toml::value<std::string>>(std::string(value));
}

std::vector<applied_override> apply_overrides(toml::table& doc,
                                              const std::vector<std::string>& overrides,
                                              const std::string& file, const device_registry& families) {
    std::vector<applied_override> applied;
    for (const std::string& text : overrides) {
        const override_text o = split_override(doc, text, file);
        const error_site site = override_site(doc, o, file);
        check_against_schema(doc, o, site, text, families);
        std::unique_ptr<toml::node> value;
        try {
            value = parse_override_value(o.value, site);
        } catch (const config_error& e) {
            fail(site, text, e.detail());
        }
        set_value(doc, o, std::move(value), site, text);
        applied.push_back({o.key, text, site.line});
    }
    return applied;
}

}  // namespace fluxon::io
