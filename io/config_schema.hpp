#pragma once
// The shape of a config file as data: which keys exist where. The converter (unknown-key
// errors that list the allowed keys) and --set overrides (refusing keys that nothing would
// read) both consult this one table, so the two cannot drift apart.
#include <string_view>
#include <vector>

namespace fluxon {
class device_registry;
}

namespace fluxon::io {

// Segment markers inside schema paths.
inline constexpr std::string_view schema_any = "*";          // any key (parameter, state variable)
inline constexpr std::string_view schema_entry = "<name>";   // a named entry declared in the file
inline constexpr std::string_view schema_item = "[]";        // an element of an array

// The keys allowed directly under `pattern`, a schema path such as "" (the document),
// "populations.<name>" or "record.probes.[]", in documentation order. {"*"} when any key is
// allowed, empty for a leaf.
std::vector<std::string_view> schema_children(std::string_view pattern);
// The same with the sections of the registered device families (each family's keys() below
// its section).
std::vector<std::string_view> schema_children(std::string_view pattern, const device_registry& families);

}  // namespace fluxon::io
