#pragma once
// A place in a parsed config document: a TOML node (or where a missing one would be) together
// with its dotted key, the network node it belongs to and its line, so that every error the
// converter raises can point at the culprit.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <toml++/toml.h>

#include "engine/base/errors.hpp"
#include "engine/base/quantity.hpp"

namespace fluxon {

// A --set override applied to the document. Values it introduced have no line of their own,
// so errors in them point at the line the key replaced (or its nearest existing parent).
struct applied_override {
    std::string key;   // dotted key it set
    std::string text;  // "key=value" as given
    int line = 1;
};

// A value only config_options let through: a bare number taken as an SI value where a config
// file needs a unit (`unit` is its dimension), or a whole float taken as a neuron index
// (`unit` empty). The recorded text writes it as a config file must, so it can be read back.
struct lenient_value {
    std::string key;
    std::optional<dimension> unit;
};

struct config_context {
    std::string file;                         // named in every error site (if not empty)
    std::filesystem::path base_dir;           // data files are relative to the config file
    std::vector<applied_override> overrides;
    bool numbers_are_si = false;              // bare numbers are SI values (config_options)
    bool whole_float_ids = false;             // ids may be whole floats (config_options)
    std::vector<lenient_value>* lenient = nullptr;  // collects them, when not null
};

class config_node {
public:
    config_node(const config_context& ctx, const toml::node* node, std::string key,
                std::string owner, int fallback_line);
    static config_node root(const config_context& ctx, const toml::table& doc);

    bool present() const { return node_ != nullptr; }
    const toml::node& node() const { return *node_; }
    const std::string& key() const { return key_; }
    const std::string& owner() const { return owner_; }
    int line() const { return line_; }
    const config_context& context() const { return *ctx_; }

    error_site site() const;
    // Throws config_error at this node; the message gains the --set that produced the value.
    [[noreturn]] void fail(const std::string& message) const;
    config_node with_owner(std::string owner) const;

    // The node as a table; fails with "expected <expected>, got ..." otherwise.
    const toml::table& table(std::string_view expected) const;
    // A child of this table (which must be one); the child may be missing.
    config_node child(std::string_view name) const;
    // A child that must be present; `what` says what it should hold.
    config_node require(std::string_view name, std::string_view what) const;
    // The entries of this table, sorted by name.
    std::vector<std::pair<std::string, config_node>> entries(std::string_view expected) const;
    // The elements of this array; "[i]" is appended to their keys.
    std::vector<config_node> items(std::string_view expected) const;
    // Fails on the first key not in `allowed` ({"*"} allows any), listing the allowed ones.
    void allow_only(const std::vector<std::string_view>& allowed) const;

private:
    const applied_override* override_of() const;

    const config_context* ctx_;
    const toml::node* node_;
    std::string key_, owner_;
    int line_;
};

// "integer 20", "string \"abc\"", "a table", ...: what was found, for error messages.
std::string describe(const toml::node& node);

}  // namespace fluxon
