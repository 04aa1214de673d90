#pragma once
// The grid of a parameter sweep: every --set key=v1,v2,... is an axis, and the grid is their
// Cartesian product with the first axis varying slowest (run_0000 takes every first value).
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace fluxon::cli {

struct sweep_axis {
    std::string key;
    std::vector<std::string> values;  // as given, one per grid position
};

// Splits "key=v1,v2" at the commas outside brackets, braces and quotes, so "key=[1,2],[3,4]"
// has two values. Throws user_error on a missing '=' or an empty or unbalanced value.
sweep_axis parse_axis(const std::string& text);

struct grid_point {
    std::vector<std::string> overrides;                       // "key=value", for load_config
    std::vector<std::pair<std::string, std::string>> values;  // key, value as given
};

// Throws user_error when two axes set the same key or the grid is unreasonably large.
std::vector<grid_point> make_grid(const std::vector<sweep_axis>& axes);

// A swept value as index.json records it: a number or boolean when the text spells one, the
// text itself otherwise ("20 ms" stays a string).
nlohmann::ordered_json index_value(const std::string& value);

}  // namespace fluxon::cli
