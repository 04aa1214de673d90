#include "io/sweep_values.hpp"

#include <array>
#include <optional>

#include "engine/base/quantity.hpp"

namespace fluxon::io {
namespace {

constexpr std::array all_dimensions{dimension::dimensionless, dimension::time,        dimension::voltage,
                                    dimension::current,       dimension::conductance, dimension::capacitance,
                                    dimension::resistance,    dimension::frequency,   dimension::energy,
                                    dimension::power};

// The dimension whose units spell `text` (a bare number is dimensionless), or none.
std::optional<dimension> dimension_of(const std::string& text) {
    for (const dimension d : all_dimensions) {
        if (parse_quantity(text, d).error.empty()) return d;
    }
    return std::nullopt;
}

}  // namespace

swept_values index_values(const sweep_axis& axis) {
    swept_values out;
    out.key = axis.key;
    out.given = axis.values;
    std::optional<dimension> common;
    for (const std::string& value : axis.values) {
        const std::optional<dimension> d = dimension_of(value);
        // Values of different dimensions (or text) have no common unit: the axis stays text.
        if (!d || (common && *common != *d)) return out;
        common = d;
    }
    if (!common) return out;
    out.numeric = true;
    out.unit = std::string(si_unit(*common));
    for (const std::string& value : axis.values) out.numbers.push_back(parse_quantity(value, *common).value);
    return out;
}

}  // namespace fluxon::io
