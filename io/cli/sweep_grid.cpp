#include "io/cli/sweep_grid.hpp"

#include <cmath>

#include <fmt/format.h>

#include "engine/base/errors.hpp"
#include "io/config_overrides.hpp"

namespace fluxon::cli {
namespace {

constexpr std::size_t max_grid_points = 100000;

[[noreturn]] void fail(const std::string& key, const std::string& message) {
    error_site site;
    site.key = key;
    throw user_error("--set " + message, site);
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

std::vector<grid_point> make_grid(const std::vector<sweep_axis>& axes) {
    std::size_t total = 1;
    for (std::size_t a = 0; a < axes.size(); ++a) {
        for (std::size_t b = 0; b < a; ++b) {
            if (axes[a].key == axes[b].key) fail(axes[a].key, fmt::format("{} is given twice", axes[a].key));
        }
        total *= axes[a].values.size();
        if (total > max_grid_points) {
            fail(axes[a].key, fmt::format("the grid has more than {} points", max_grid_points));
        }
    }
    std::vector<grid_point> grid(total);
    for (std::size_t i = 0; i < total; ++i) {
        // Mixed-radix digits of i, the last axis varying fastest.
        std::size_t rest = i;
        std::vector<std::size_t> digits(axes.size());
        for (std::size_t a = axes.size(); a-- > 0;) {
            digits[a] = rest % axes[a].values.size();
            rest /= axes[a].values.size();
        }
        for (std::size_t a = 0; a < axes.size(); ++a) {
            const std::string& value = axes[a].values[digits[a]];
            grid[i].overrides.push_back(axes[a].key + "=" + value);
            grid[i].values.emplace_back(axes[a].key, value);
        }
    }
    return grid;
}

nlohmann::ordered_json index_value(const std::string& value) {
    std::unique_ptr<toml::node> node;
    try {
        node = io::parse_override_value(value, {});
    } catch (const config_error&) {
        return value;
    }
    if (const auto integer = node->value_exact<std::int64_t>()) return *integer;
    if (const auto number = node->value_exact<double>(); number && std::isfinite(*number)) return *number;
    if (const auto flag = node->value_exact<bool>()) return *flag;
    return value;
}

}  // namespace fluxon::cli
