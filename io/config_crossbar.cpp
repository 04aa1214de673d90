#include <fmt/format.h>

#include "io/config_schema.hpp"
#include "io/config_sections.hpp"
#include "io/config_values.hpp"
#include "engine/base/preset_values.hpp"

namespace fluxon::io {
namespace {

void read_names(const config_node& list, std::vector<std::string>& names, std::vector<error_site>& sites) {
    for (const config_node& item : list.items("a list of projection names")) {
        names.push_back(read_string(item, "a projection name"));
        sites.push_back(item.site());
    }
}

std::optional<double> read_sigma(const config_node& crossbar, std::string_view key) {
    const config_node at = crossbar.child(key);
    if (!at.present()) return std::nullopt;
    const double value = read_number(at, "a relative standard deviation such as 0.05");
    if (!(value >= 0 && value <= 10)) at.fail(fmt::format("{} must be from 0 to 10, got {}", key, value));
    return value;
}

std::optional<std::int64_t> read_bits(const config_node& crossbar, std::string_view key, std::int64_t max) {
    const config_node at = crossbar.child(key);
    if (!at.present()) return std::nullopt;
    const std::int64_t value = read_integer(at, fmt::format("0 (exact or ideal) or a number of bits up to {}", max));
    if (value < 0 || value > max) at.fail(fmt::format("{} must be from 0 to {}, got {}", key, max, value));
    return value;
}

}  // namespace

net::crossbar_spec read_crossbar(const config_node& crossbar) {
    net::crossbar_spec spec;
    spec.site = crossbar.site();
    if (!crossbar.present()) return spec;
    crossbar.table("a table [crossbar]");
    crossbar.allow_only(schema_children("crossbar"));
    const config_node preset =
        crossbar.require("preset", "a crossbar preset name (such as \"reram_neurosim\") or a file path");
    spec.preset = read_string(preset, "a crossbar preset name or a file path");
    if (spec.preset.empty()) preset.fail("expected a crossbar preset name or a file path, got an empty string");
    spec.preset_site = preset.site();
    spec.preset = preset::relative_to_config(crossbar, spec.preset);
    if (const config_node list = crossbar.child("projections"); list.present()) {
        read_names(list, spec.projections, spec.projection_sites);
    }
    if (const config_node list = crossbar.child("random_weights"); list.present()) {
        read_names(list, spec.random_weights, spec.random_weight_sites);
    }
    spec.weight_bits = read_bits(crossbar, "weight_bits", 24);
    spec.adc_bits = read_bits(crossbar, "adc_bits", 24);
    spec.d2d_sigma = read_sigma(crossbar, "d2d_sigma");
    spec.programming_sigma = read_sigma(crossbar, "programming_sigma");
    spec.read_sigma = read_sigma(crossbar, "read_sigma");
    if (const config_node age = crossbar.child("drift_age"); age.present()) {
        spec.drift_age = read_quantity(age, dimension::time);
    }
    if (const config_node r = crossbar.child("replicas"); r.present()) {
        const std::int64_t value = read_integer(r, "a number of copies >= 1");
        if (value < 1 || value > 65536) r.fail(fmt::format("replicas must be from 1 to 65536, got {}", value));
        spec.replicas = static_cast<std::uint32_t>(value);
    }
    return spec;
}

}  // namespace fluxon::io
