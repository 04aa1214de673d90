#include "io/run_file_units.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fluxon::io {
namespace {

// Where a table's rows each carry their own unit (a statistics tree's values), the column
// points at the column that holds them.
constexpr std::string_view per_row = "varies: see the unit column";

struct units_rule {
    std::string_view pattern;  // '/'-separated names; "*" matches any one name
    std::string_view units;
};

// Datasets whose units follow from their path alone.
constexpr units_rule rules[] = {
    {"run/status", ""},
    {"run/message", ""},
    {"run/time_reached", "s"},
    {"config/text", ""},
    {"config/source", ""},
    {"config/format", ""},
    {"spikes/*/times", "s"},
    {"spikes/*/ids", "1"},
    {"spikes/*/recorded_ids", "1"},
    {"spikes/*/values", "1"},
    {"probes/*/*/times", "s"},
    {"probes/*/*/ids", "1"},
    {"counters/wall_time", "s"},
    {"counters/build_time", "s"},
    {"counters/spikes_per_population/*", "1"},
    {"counters/*", "1"},
    {"ledger/component", ""},
    {"ledger/action", ""},
    {"ledger/source", ""},
    {"ledger/count", "1"},
    {"ledger/energy", "J"},
    {"ledger/latency", "s"},
    {"devices/*/ledger/component", ""},
    {"devices/*/ledger/action", ""},
    {"devices/*/ledger/source", ""},
    {"devices/*/ledger/count", "1"},
    {"devices/*/ledger/energy", "J"},
    {"devices/*/ledger/latency", "s"},
    {"devices/*/preset_text", ""},
    {"devices/*/stats/path", ""},
    {"devices/*/stats/name", ""},
    {"devices/*/stats/unit", ""},
    {"devices/*/stats/kind", ""},
    {"devices/*/stats/text", ""},
    {"devices/*/stats/integer", per_row},
    {"devices/*/stats/real", per_row},
    {"layers/stats/path", ""},
    {"layers/stats/name", ""},
    {"layers/stats/unit", ""},
    {"layers/stats/kind", ""},
    {"layers/stats/text", ""},
    {"layers/stats/integer", per_row},
    {"layers/stats/real", per_row},
};

std::vector<std::string_view> split(std::string_view path) {
    std::vector<std::string_view> parts;
    while (!path.empty()) {
        const std::size_t slash = path.find('/');
        parts.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return parts;
}

bool matches(std::string_view pattern, const std::vector<std::string>& path) {
    const std::vector<std::string_view> parts = split(pattern);
    if (parts.size() != path.size()) return false;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (parts[i] != "*" && parts[i] != path[i]) return false;
    }
    return true;
}

bool is_text(const h5::dataset& d) { return d.type().type_class == H5T_STRING; }

// The units of the dataset at `path` (names below the root), or none when the layout does not
// say. `parent` is the group holding it.
std::optional<std::string> units_of(const std::vector<std::string>& path, const h5::group& parent,
                                    const h5::dataset& d) {
    // A probe's samples are in the units of its variable, which the probe's group names.
    if (matches("probes/*/*/values", path) && parent.has_attr("units")) return parent.read_attr_string("units");
    // A table column (a device's, a layered network's, a weight record's) carries its unit as
    // `unit` when it has one; otherwise it holds text, or counts and plain numbers.
    const bool table_column = matches("devices/*/tables/*/*", path) || matches("layers/tables/*/*", path);
    if (table_column) {
        if (d.has_attr("unit")) return d.read_attr_string("unit");
        return std::string(is_text(d) ? "" : "1");
    }
    for (const units_rule& rule : rules) {
        if (matches(rule.pattern, path)) return std::string(rule.units);
    }
    return std::nullopt;
}

void annotate(const h5::group& group, std::vector<std::string>& path) {
    for (const std::string& name : group.children()) {
        path.push_back(name);
        if (group.has_group(name)) {
            annotate(group.open_group(name), path);
        } else {
            const h5::dataset d = group.open_dataset(name);
            if (!d.has_attr("units")) {
                if (const std::optional<std::string> units = units_of(path, group, d)) d.write_attr("units", *units);
            }
        }
        path.pop_back();
    }
}

}  // namespace

void annotate_units(const h5::group& root) {
    std::vector<std::string> path;
    annotate(root, path);
}

}  // namespace fluxon::io
