#include "engine/base/config_node.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace fluxon {
namespace {

int source_line(const toml::node* node) {
    return node ? static_cast<int>(node->source().begin.line) : 0;
}

// True when `key` is `prefix` or lies below it ("a.b" covers "a.b.c" and "a.b[0]", not "a.bc").
bool covers(std::string_view prefix, std::string_view key) {
    if (!key.starts_with(prefix)) return false;
    return key.size() == prefix.size() || key[prefix.size()] == '.' || key[prefix.size()] == '[';
}

std::string join_key(const std::string& parent, std::string_view name) {
    return parent.empty() ? std::string(name) : parent + "." + std::string(name);
}

}  // namespace

config_node::config_node(const config_context& ctx, const toml::node* node, std::string key,
                         std::string owner, int fallback_line)
    : ctx_(&ctx), node_(node), key_(std::move(key)), owner_(std::move(owner)), line_(0) {
    const applied_override* from = override_of();
    const int own = source_line(node);
    line_ = from ? from->line : own > 0 ? own : std::max(0, fallback_line);
}

config_node config_node::root(const config_context& ctx, const toml::table& doc) {
    // A document built in memory (not parsed from text) has no lines: its errors name none.
    return config_node(ctx, &doc, "", "", doc.source().begin ? 1 : 0);
}

const applied_override* config_node::override_of() const {
    // The last override wins, as it does when the overrides are applied.
    for (auto it = ctx_->overrides.rbegin(); it != ctx_->overrides.rend(); ++it) {
        if (!key_.empty() && covers(it->key, key_)) return &*it;
    }
    return nullptr;
}

error_site config_node::site() const {
    error_site site;
    site.file = ctx_->file;
    site.line = line_;
    site.key = key_;
    site.node = owner_;
    return site;
}

void config_node::fail(const std::string& message) const {
    const applied_override* from = override_of();
    throw config_error(from ? message + " (set by --set " + from->text + ")" : message, site());
}

config_node config_node::with_owner(std::string owner) const {
    config_node copy = *this;
    copy.owner_ = std::move(owner);
    return copy;
}

const toml::table& config_node::table(std::string_view expected) const {
    if (!node_ || !node_->is_table()) {
        fail(fmt::format("expected {}, got {}", expected, node_ ? describe(*node_) : "nothing"));
    }
    return *node_->as_table();
}

config_node config_node::child(std::string_view name) const {
    const toml::node* found = node_ ? table("a table").get(name) : nullptr;
    return config_node(*ctx_, found, join_key(key_, name), owner_, line_);
}

config_node config_node::require(std::string_view name, std::string_view what) const {
    config_node found = child(name);
    if (!found.present()) found.fail(fmt::format("missing required key '{}' ({})", name, what));
    return found;
}

std::vector<std::pair<std::string, config_node>> config_node::entries(std::string_view expected) const {
    // Name order (toml++'s), not file order: a document re-serialized after --set lists its keys
    // sorted, and a run rebuilt from that text must number populations (and so derive their
    // random streams) exactly as the original run did.
    std::vector<std::pair<std::string, config_node>> out;
    for (const auto& [k, v] : table(expected)) {
        out.emplace_back(std::string(k.str()), config_node(*ctx_, &v, join_key(key_, k.str()), owner_, line_));
    }
    return out;
}

std::vector<config_node> config_node::items(std::string_view expected) const {
    if (!node_ || !node_->is_array()) {
        fail(fmt::format("expected {}, got {}", expected, node_ ? describe(*node_) : "nothing"));
    }
    std::vector<config_node> out;
    const toml::array& array = *node_->as_array();
    for (std::size_t i = 0; i < array.size(); ++i) {
        out.emplace_back(*ctx_, array.get(i), fmt::format("{}[{}]", key_, i), owner_, line_);
    }
    return out;
}

void config_node::allow_only(const std::vector<std::string_view>& allowed) const {
    if (std::find(allowed.begin(), allowed.end(), "*") != allowed.end()) return;
    for (const auto& [name, entry] : entries("a table")) {
        if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) continue;
        const std::string where = key_.empty() ? "at the top level" : "in '" + key_ + "'";
        entry.fail(fmt::format("unknown key '{}' {}; allowed keys: {}", name, where,
                               fmt::join(allowed, ", ")));
    }
}

std::string describe(const toml::node& node) {
    switch (node.type()) {
        case toml::node_type::string: return fmt::format("string \"{}\"", *node.value<std::string>());
        case toml::node_type::integer: return fmt::format("integer {}", *node.value<std::int64_t>());
        case toml::node_type::floating_point: return fmt::format("float {}", *node.value<double>());
        case toml::node_type::boolean: return fmt::format("boolean {}", *node.value<bool>());
        case toml::node_type::array: return "an array";
        case toml::node_type::table: return "a table";
        case toml::node_type::date: return "a date";
        case toml::node_type::time: return "a time";
        case toml::node_type::date_time: return "a date-time";
        case toml::node_type::none: break;
    }
    return "nothing";
}

}  // namespace fluxon
