#include "io/sweep_grid.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "engine/base/errors.hpp"

namespace fluxon::io {
namespace {

constexpr std::size_t max_grid_points = 100000;

[[noreturn]] void fail(const std::string& key, const std::string& message, const char* option = "--set") {
    error_site site;
    site.key = key;
    throw user_error(std::string(option) + " " + message, site);
}

// Commas split values only at depth 0 and outside strings.
std::vector<std::string> split_values(const std::string& key, const std::string& text) {
    std::vector<std::string> values(1);
    int depth = 0;
    char quote = 0;
    for (const char c : text) {
        if (quote) {
            quote = c == quote ? 0 : quote;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '[' || c == '{') {
            ++depth;
        } else if (c == ']' || c == '}') {
            if (--depth < 0) fail(key, fmt::format("{}={}: unbalanced '{}'", key, text, c));
        } else if (c == ',' && depth == 0) {
            values.emplace_back();
            continue;
        }
        values.back() += c;
    }
    if (quote || depth != 0) fail(key, fmt::format("{}={}: unclosed quote or bracket", key, text));
    return values;
}

std::string trim(const std::string& s) {
    const std::size_t begin = s.find_first_not_of(" \t");
    if (begin == std::string::npos) return "";
    return s.substr(begin, s.find_last_not_of(" \t") - begin + 1);
}

}  // namespace

sweep_axis parse_axis(const std::string& text) {
    const std::size_t eq = text.find('=');
    sweep_axis axis;
    axis.key = trim(text.substr(0, eq));
    if (eq == std::string::npos || axis.key.empty()) {
        fail(axis.key, fmt::format("{}: expected key=value1,value2,..., e.g. run.seed=1,2,3", text));
    }
    for (const std::string& value : split_values(axis.key, text.substr(eq + 1))) {
        axis.values.push_back(trim(value));
        if (axis.values.back().empty()) fail(axis.key, fmt::format("{}: empty value in the list", text));
    }
    return axis;
}

std::vector<std::string> parse_link(const std::string& text) {
    std::vector<std::string> keys;
    std::size_t begin = 0;
    while (begin <= text.size()) {
        const std::size_t comma = std::min(text.find(',', begin), text.size());
        keys.push_back(trim(text.substr(begin, comma - begin)));
        if (keys.back().empty()) fail(text, fmt::format("{}: empty key in the list", text), "--link");
        begin = comma + 1;
    }
    if (keys.size() < 2) {
        fail(text, fmt::format("{}: expected two or more swept keys, e.g. --link a.weight,b.weight", text), "--link");
    }
    return keys;
}

namespace {

// One dimension of the grid: the axes (indices into `axes`) that step together.
std::vector<std::vector<std::size_t>> dimensions(const std::vector<sweep_axis>& axes,
                                                 const std::vector<std::vector<std::string>>& links) {
    const auto axis_of = [&](const std::string& key) {
        for (std::size_t a = 0; a < axes.size(); ++a) {
            if (axes[a].key == key) return a;
        }
        fail(key, fmt::format("{} is not swept; link only keys given with --set", key), "--link");
    };
    std::vector<std::size_t> group(axes.size(), 0);  // 0: alone; g + 1: links[g]
    for (std::size_t g = 0; g < links.size(); ++g) {
        for (const std::string& key : links[g]) {
            const std::size_t a = axis_of(key);
            if (group[a] != 0) fail(key, fmt::format("{} is linked twice", key), "--link");
            group[a] = g + 1;
            const sweep_axis& first = axes[axis_of(links[g].front())];
            if (axes[a].values.size() != first.values.size()) {
                fail(key, fmt::format("{} has {} values and {} has {}: linked keys step together, so they need "
                                      "as many values each",
                                      key, axes[a].values.size(), first.key, first.values.size()),
                     "--link");
            }
        }
    }
    std::vector<std::vector<std::size_t>> out;
    std::vector<bool> placed(axes.size(), false);
    for (std::size_t a = 0; a < axes.size(); ++a) {
        if (placed[a]) continue;
        out.emplace_back();
        for (std::size_t b = a; b < axes.size(); ++b) {
            if (b == a || (group[a] != 0 && group[b] == group[a])) {
                out.back().push_back(b);
                placed[b] = true;
            }
        }
    }
    return out;
}

}  // namespace

std::vector<grid_point> make_grid(const std::vector<sweep_axis>& axes,
                                  const std::vector<std::vector<std::string>>& links) {
    for (std::size_t a = 0; a < axes.size(); ++a) {
        for (std::size_t b = 0; b < a; ++b) {
            if (axes[a].key == axes[b].key) fail(axes[a].key, fmt::format("{} is given twice", axes[a].key));
        }
    }
    const std::vector<std::vector<std::size_t>> dims = dimensions(axes, links);
    std::size_t total = 1;
    for (const auto& dim : dims) {
        total *= axes[dim.front()].values.size();
        if (total > max_grid_points) {
            fail(axes[dim.front()].key, fmt::format("the grid has more than {} points", max_grid_points));
        }
    }
    std::vector<grid_point> grid(total);
    std::vector<std::size_t> position(axes.size());
    for (std::size_t i = 0; i < total; ++i) {
        // Mixed-radix digits of i, the last dimension varying fastest.
        std::size_t rest = i;
        for (std::size_t d = dims.size(); d-- > 0;) {
            const std::size_t n = axes[dims[d].front()].values.size();
            for (const std::size_t a : dims[d]) position[a] = rest % n;
            rest /= n;
        }
        for (std::size_t a = 0; a < axes.size(); ++a) {
            const std::string& value = axes[a].values[position[a]];
            grid[i].overrides.push_back(axes[a].key + "=" + value);
            grid[i].values.emplace_back(axes[a].key, value);
        }
    }
    return grid;
}

}  // namespace fluxon::io
