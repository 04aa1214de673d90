#pragma once
// --set overrides: "dotted.key=value" strings applied to a parsed config document before it is
// converted, so an overridden value is checked exactly like one written in the file.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "engine/base/errors.hpp"
#include "engine/base/config_node.hpp"

namespace fluxon {
class device_registry;
}

namespace fluxon::io {

// The value part of a --set: the TOML value it spells (number, boolean, array, inline table,
// quoted string), or else the text itself as a string, so that "10 ms" needs no quotes. Text
// that starts like an array, a table or a quoted string must parse as one; otherwise throws
// config_error at `site`.
std::unique_ptr<toml::node> parse_override_value(std::string_view text, const error_site& site);

// Applies `overrides` to `doc` in order (a later one wins). A key must name a place the format
// has (see config_schema.hpp), and a named entry (populations.NAME...) must exist in the file.
// Throws config_error naming `file`, the line the key is on (or its nearest existing parent)
// and the key.
std::vector<applied_override> apply_overrides(toml::table& doc,
                                              const std::vector<std::string>& overrides,
                                              const std::string& file, const device_registry& families);

}  // namespace fluxon::io
