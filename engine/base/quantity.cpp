#include "engine/base/quantity.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <utility>

#include <fmt/format.h>

namespace fluxon {
namespace {

struct unit_entry {
    std::string_view symbol;
    dimension dim;
    int decade;  // the unit is 10^decade SI units
};

constexpr std::array units{
    unit_entry{"s", dimension::time, 0},          unit_entry{"ms", dimension::time, -3},
    unit_entry{"us", dimension::time, -6},      unit_entry{"ns", dimension::time, -9},
    unit_entry{"ps", dimension::time, -12},     unit_entry{"fs", dimension::time, -15},
    unit_entry{"V", dimension::voltage, 0},       unit_entry{"mV", dimension::voltage, -3},
    unit_entry{"uV", dimension::voltage, -6},   unit_entry{"A", dimension::current, 0},
    unit_entry{"mA", dimension::current, -3},   unit_entry{"uA", dimension::current, -6},
    unit_entry{"nA", dimension::current, -9},   unit_entry{"pA", dimension::current, -12},
    unit_entry{"fA", dimension::current, -15},  unit_entry{"S", dimension::conductance, 0},
    unit_entry{"mS", dimension::conductance, -3}, unit_entry{"uS", dimension::conductance, -6},
    unit_entry{"nS", dimension::conductance, -9}, unit_entry{"pS", dimension::conductance, -12},
    unit_entry{"F", dimension::capacitance, 0},   unit_entry{"uF", dimension::capacitance, -6},
    unit_entry{"nF", dimension::capacitance, -9}, unit_entry{"pF", dimension::capacitance, -12},
    unit_entry{"fF", dimension::capacitance, -15}, unit_entry{"Ohm", dimension::resistance, 0},
    unit_entry{"kOhm", dimension::resistance, 3}, unit_entry{"MOhm", dimension::resistance, 6},
    unit_entry{"GOhm", dimension::resistance, 9}, unit_entry{"Hz", dimension::frequency, 0},
    unit_entry{"kHz", dimension::frequency, 3}, unit_entry{"MHz", dimension::frequency, 6},
    unit_entry{"GHz", dimension::frequency, 9}, unit_entry{"J", dimension::energy, 0},
    unit_entry{"mJ", dimension::energy, -3},    unit_entry{"uJ", dimension::energy, -6},
    unit_entry{"nJ", dimension::energy, -9},    unit_entry{"pJ", dimension::energy, -12},
    unit_entry{"fJ", dimension::energy, -15},   unit_entry{"aJ", dimension::energy, -18},
    unit_entry{"W", dimension::power, 0},         unit_entry{"mW", dimension::power, -3},
    unit_entry{"uW", dimension::power, -6},     unit_entry{"nW", dimension::power, -9},
    unit_entry{"pW", dimension::power, -12},
};

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

std::string example_for(dimension d) {
    switch (d) {
        case dimension::time: return "\"20 ms\"";
        case dimension::voltage: return "\"-50 mV\"";
        case dimension::current: return "\"1.5 nA\"";
        case dimension::conductance: return "\"10 nS\"";
        case dimension::capacitance: return "\"200 pF\"";
        case dimension::resistance: return "\"100 MOhm\"";
        case dimension::frequency: return "\"5 Hz\"";
        case dimension::energy: return "\"23.6 pJ\"";
        case dimension::power: return "\"1 mW\"";
        case dimension::dimensionless: return "0.5";
    }
    return "";
}

}  // namespace

std::string_view dimension_name(dimension d) {
    switch (d) {
        case dimension::dimensionless: return "dimensionless";
        case dimension::time: return "time";
        case dimension::voltage: return "voltage";
        case dimension::current: return "current";
        case dimension::conductance: return "conductance";
        case dimension::capacitance: return "capacitance";
        case dimension::resistance: return "resistance";
        case dimension::frequency: return "frequency";
        case dimension::energy: return "energy";
        case dimension::power: return "power";
    }
    return "?";
}

std::string_view si_unit(dimension d) {
    switch (d) {
        case dimension::dimensionless: return "1";
        case dimension::time: return "s";
        case dimension::voltage: return "V";
        case dimension::current: return "A";
        case dimension::conductance: return "S";
        case dimension::capacitance: return "F";
        case dimension::resistance: return "Ohm";
        case dimension::frequency: return "Hz";
        case dimension::energy: return "J";
        case dimension::power: return "W";
    }
    return "?";
}

std::optional<dimension> dimension_from_si_exponents(const std::array<double, 7>& exponents) {
    using e = std::array<double, 7>;  // m, kg, s, A, K, mol, cd
    static constexpr std::pair<dimension, e> table[] = {
        {dimension::dimensionless, {0, 0, 0, 0, 0, 0, 0}}, {dimension::time, {0, 0, 1, 0, 0, 0, 0}},
        {dimension::voltage, {2, 1, -3, -1, 0, 0, 0}},     {dimension::current, {0, 0, 0, 1, 0, 0, 0}},
        {dimension::conductance, {-2, -1, 3, 2, 0, 0, 0}}, {dimension::capacitance, {-2, -1, 4, 2, 0, 0, 0}},
        {dimension::resistance, {2, 1, -3, -2, 0, 0, 0}},  {dimension::frequency, {0, 0, -1, 0, 0, 0, 0}},
        {dimension::energy, {2, 1, -2, 0, 0, 0, 0}},       {dimension::power, {2, 1, -3, 0, 0, 0, 0}},
    };
    for (const auto& [d, dims] : table) {
        if (dims == exponents) return d;
    }
    return std::nullopt;
}

namespace {

// The double nearest to `number` × 10^decade (infinite when out of range). Multiplying the parsed number by the unit's scale
// can be an ulp off ("3.5 ns" would not be 3.5e-9, the double a user writing 3.5e-9 s gets), so
// the unit's power of ten joins the written exponent and the decimal is converted once.
double in_si(std::string_view number, int decade) {
    long exponent = decade;
    const std::size_t e = number.find_first_of("eE");
    if (e != std::string_view::npos) {
        long written = 0;
        std::string_view digits = number.substr(e + 1);
        if (digits.starts_with('+')) digits.remove_prefix(1);
        std::from_chars(digits.data(), digits.data() + digits.size(), written);
        exponent += written;
        number = number.substr(0, e);
    }
    const std::string decimal = fmt::format("{}e{}", number, exponent);
    double value = 0;
    const auto [end, ec] = std::from_chars(decimal.data(), decimal.data() + decimal.size(), value);
    if (ec == std::errc::result_out_of_range) return std::numeric_limits<double>::infinity();
    return value;
}

}  // namespace

parsed_quantity parse_quantity(std::string_view text, dimension expected) {
    const std::string_view s = trim(text);
    double number = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), number);
    if (ec != std::errc() || !std::isfinite(number)) {
        return {0, fmt::format("'{}' is not a number with a unit; expected a {} like {}", text,
                               dimension_name(expected), example_for(expected))};
    }
    const std::string_view unit = trim(std::string_view(end, s.data() + s.size() - end));
    if (unit.empty()) {
        if (expected == dimension::dimensionless) return {number, {}};
        return {0, fmt::format("'{}' has no unit; expected a {} like {}", text,
                               dimension_name(expected), example_for(expected))};
    }
    for (const auto& u : units) {
        if (u.symbol != unit) continue;
        if (u.dim != expected) {
            return {0, fmt::format("'{}' is a {}, expected a {} like {}", text, dimension_name(u.dim),
                                   dimension_name(expected), example_for(expected))};
        }
        const double si = in_si(std::string_view(s.data(), static_cast<std::size_t>(end - s.data())), u.decade);
        if (!std::isfinite(si)) return {0, fmt::format("'{}' is out of the range of a double in SI units", text)};
        return {si, {}};
    }
    return {0, fmt::format("'{}' has an unknown unit '{}'; expected a {} like {}", text, unit,
                           dimension_name(expected), example_for(expected))};
}

double resolve_quantity(const quantity_input& input, dimension dim, const std::string& what) {
    if (const double* number = std::get_if<double>(&input.value)) {
        if (!std::isfinite(*number)) {
            throw config_error(fmt::format("{} must be finite, got {}", what, *number), input.site);
        }
        return *number;
    }
    const auto parsed = parse_quantity(std::get<std::string>(input.value), dim);
    if (!parsed.error.empty()) throw config_error(what + ": " + parsed.error, input.site);
    return parsed.value;
}

}  // namespace fluxon
