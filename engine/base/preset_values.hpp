#pragma once
// What the preset readers (chip presets, DRAM presets) share: TOML data files compiled into
// fluxon or named by path, where every number is an entry { value = ..., source = "..." }
// and every mistake is a config_error naming the file, the line and the dotted key.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "engine/base/errors.hpp"
#include "engine/base/loaded_preset.hpp"
#include "engine/base/ledger.hpp"
#include "engine/base/quantity.hpp"
#include "engine/base/config_node.hpp"

namespace fluxon::preset {

bool blank(std::string_view s);

// A non-negative quantity written as a string with its unit ("0.625 ns", "57 mA").
double read_quantity(const config_node& at, dimension dim);
// A whole number from `min` to `max`; `example` shows one in messages.
std::uint64_t read_count(const config_node& at, std::uint64_t min, std::uint64_t max,
                         std::string_view example);
std::string read_text(const config_node& at, std::string_view expected);
// The non-empty `source` key of an entry table.
std::string read_source(const config_node& entry);

// The entry { energy = "...", latency = "...", source = "..." } called `name`.
action_cost read_action(const config_node& section, std::string_view name);

// A section or entry table that must be present and may hold only `allowed` keys.
config_node table_at(const config_node& parent, std::string_view name, std::string_view what,
                     const std::vector<std::string_view>& allowed);
// The entry { value = ..., source = "..." } called `name`: returns the value's node and stores
// the source.
config_node sourced_value(const config_node& section, std::string_view name, std::string& source);

// The top-level `name` (a plain identifier, as it labels ledgers and run files) and
// `description` (not blank); `example` is a name shown in messages.
void read_name_and_description(const config_node& root, std::string_view example, std::string& name,
                               std::string& description);

// A preset named in a config file at `at`: a file path is relative to the config file, like
// every data file; a shipped preset's name is returned as it is.
std::string relative_to_config(const config_node& at, const std::string& name_or_path);
// The non-empty string at `at` naming a preset (`what`: "chip preset", ...), as relative_to_config.
std::string read_name_or_path(const config_node& at, std::string_view what);

// The presets compiled into fluxon: (name, text) pairs (devices/presets.cmake generates them).
using builtin_texts = std::vector<std::pair<std::string_view, std::string_view>>;

// The names of `builtin`, sorted.
std::vector<std::string> names_of(const builtin_texts& builtin);

// Anything containing '/' or ending in ".toml" names a preset file rather than a shipped preset.
bool names_a_file(const std::string& name_or_path);

struct found_text {
    std::string text, origin;  // origin: "builtin:<name>" or the file's path
};
// A shipped preset by name, or a file by path (see names_a_file).
// `kind` ("chip preset", "DRAM preset") goes into the messages: io_error naming an unreadable
// file (and `where` it was named), config_error at `where` for an unknown name, listing the
// shipped ones.
found_text find(const std::string& name_or_path, const builtin_texts& builtin, std::string_view kind,
                const error_site& where);
// Parses TOML; a syntax error becomes a config_error at origin's line.
toml::table parse_toml(std::string_view text, const std::string& origin);

// A preset (a struct of params, text and origin) from its text: `read` lowers the document's
// root node into the params.
template <class Preset, class Read>
Preset parse(std::string_view text, const std::string& origin, Read read) {
    const toml::table doc = parse_toml(text, origin);
    config_context ctx;
    ctx.file = origin;
    Preset result;
    result.params = read(config_node::root(ctx, doc));
    result.text = std::string(text);
    result.origin = origin;
    return result;
}

}  // namespace fluxon::preset
