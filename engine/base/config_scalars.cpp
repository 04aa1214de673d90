#include "engine/base/config_scalars.hpp"

#include <fmt/format.h>

namespace fluxon {
namespace {

quantity_input located(const config_node& at, quantity_input input) {
    input.site = at.site();
    return input;
}

std::string quantity_example(std::optional<dimension> dim) {
    switch (dim.value_or(dimension::time)) {
        case dimension::time: return "\"20 ms\"";
        case dimension::voltage: return "\"-65 mV\"";
        case dimension::current: return "\"1 nA\"";
        case dimension::conductance: return "\"10 nS\"";
        case dimension::capacitance: return "\"250 pF\"";
        case dimension::resistance: return "\"100 MOhm\"";
        case dimension::frequency: return "\"5 Hz\"";
        case dimension::energy: return "\"1 pJ\"";
        case dimension::power: return "\"1 mW\"";
        case dimension::dimensionless: return "0.5";
    }
    return "\"20 ms\"";
}

bool has_unit(std::optional<dimension> dim) { return dim && *dim != dimension::dimensionless; }

}  // namespace

bool is_number(const toml::node& node) { return node.is_integer() || node.is_floating_point(); }

// Whether a bare number is refused here: config files need a unit where the dimension has one.
// Where it is taken as an SI value instead, it is noted for the recorded text.
bool refuses_number(const config_node& at, std::optional<dimension> dim) {
    if (!has_unit(dim)) return false;
    const config_context& ctx = at.context();
    if (!ctx.numbers_are_si) return true;
    if (ctx.lenient) ctx.lenient->push_back({at.key(), *dim});
    return false;
}

[[noreturn]] void fail_type(const config_node& at, std::string_view expected) {
    at.fail(fmt::format("expected {}, got {}", expected, describe(at.node())));
}

std::string quantity_expectation(std::optional<dimension> dim) {
    if (dim && *dim == dimension::dimensionless) return "a number";
    return "a quantity string like " + quantity_example(dim);
}

std::string read_string(const config_node& at, std::string_view expected) {
    if (!at.node().is_string()) fail_type(at, expected);
    return *at.node().value<std::string>();
}

std::int64_t read_integer(const config_node& at, std::string_view expected) {
    if (!at.node().is_integer()) fail_type(at, expected);
    return *at.node().value<std::int64_t>();
}

double read_number(const config_node& at, std::string_view expected) {
    if (!is_number(at.node())) fail_type(at, expected);
    return *at.node().value<double>();
}

bool read_bool(const config_node& at) {
    if (!at.node().is_boolean()) fail_type(at, "true or false");
    return *at.node().value<bool>();
}

quantity_input read_quantity(const config_node& at, std::optional<dimension> dim) {
    if (at.node().is_string()) return located(at, {*at.node().value<std::string>(), {}});
    if (is_number(at.node()) && !refuses_number(at, dim)) return located(at, {*at.node().value<double>(), {}});
    fail_type(at, quantity_expectation(dim));
}

std::vector<quantity_input> read_quantity_list(const config_node& at, std::optional<dimension> dim) {
    std::vector<quantity_input> out;
    for (const config_node& item : at.items("a list of " + quantity_expectation(dim) + "s")) {
        out.push_back(read_quantity(item, dim));
    }
    return out;
}

}  // namespace fluxon
