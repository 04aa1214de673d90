#pragma once
// The grid of a parameter sweep: every --set key=v1,v2,... is an axis. Linked axes (--link
// a,b) step together, as one dimension; the grid is the Cartesian product of the dimensions,
// the first varying slowest (point 0 takes every first value).
#include <string>
#include <utility>
#include <vector>

namespace fluxon::io {

struct sweep_axis {
    std::string key;
    std::vector<std::string> values;  // as given, one per position along the axis
};

// Splits "key=v1,v2" at the commas outside brackets, braces and quotes, so "key=[1,2],[3,4]"
// has two values. Throws user_error on a missing '=' or an empty or unbalanced value.
sweep_axis parse_axis(const std::string& text);

// Splits "key1,key2,..." (a --link) into its keys. Throws user_error for fewer than two keys.
std::vector<std::string> parse_link(const std::string& text);

struct grid_point {
    std::vector<std::string> overrides;                       // "key=value", for load_config
    std::vector<std::pair<std::string, std::string>> values;  // key, value as given; axis order
};

// The points of the grid, in order. Each link names keys of `axes` that step together: every
// key swept, in at most one link, and all with the same number of values. A link's dimension
// takes the place of its first axis. Throws user_error naming the key when an axis is given
// twice, a link breaks these rules, or the grid is unreasonably large.
std::vector<grid_point> make_grid(const std::vector<sweep_axis>& axes,
                                  const std::vector<std::vector<std::string>>& links = {});

}  // namespace fluxon::io
