#include "io/config_values.hpp"

#include <cmath>
#include <filesystem>

#include <fmt/format.h>

#include "io/array_file.hpp"

namespace fluxon::io {
namespace {

constexpr dimension all_dimensions[] = {
    dimension::dimensionless, dimension::time,       dimension::voltage,
    dimension::current,       dimension::conductance, dimension::capacitance,
    dimension::resistance,    dimension::frequency,   dimension::energy,
    dimension::power};







// The dimension whose units parse `text`, when the caller does not know which one to expect.
std::optional<dimension> dimension_of(std::string_view text) {
    for (const dimension d : all_dimensions) {
        if (parse_quantity(text, d).error.empty()) return d;
    }
    return std::nullopt;
}

double element_si(const config_node& at, std::optional<dimension>& dim) {
    if (is_number(at.node())) {
        if (refuses_number(at, dim)) fail_type(at, quantity_expectation(dim));
        return *at.node().value<double>();
    }
    if (!at.node().is_string()) fail_type(at, quantity_expectation(dim));
    const std::string text = *at.node().value<std::string>();
    if (!dim) dim = dimension_of(text);
    if (!dim) at.fail(fmt::format("'{}' is not a quantity: expected a number and a unit, like \"20 ms\"", text));
    const parsed_quantity parsed = parse_quantity(text, *dim);
    if (!parsed.error.empty()) at.fail(parsed.error);
    return parsed.value;
}

// { file = "..." }: the path is relative to the config file; read errors keep the config site.
template <typename Reader>
auto read_file_form(const config_node& at, Reader reader) {
    at.allow_only({"file"});
    const config_node file = at.require("file", "a path to a .npy file or an HDF5 dataset");
    const std::string spec = read_string(file, "a path string like \"data/v0.npy\"");
    if (spec.empty()) file.fail("the file path is empty");
    std::filesystem::path path(spec);
    if (path.is_relative()) path = at.context().base_dir / path;
    try {
        return reader(path.string(), "'" + at.key() + "'");
    } catch (const user_error& e) {
        file.fail(e.what());
    }
}

// A float standing for a neuron index (allowed by config_options::whole_float_ids).
std::int64_t whole_id(const config_node& at) {
    const double d = *at.node().value<double>();
    if (d != std::floor(d) || std::fabs(d) > 9.0e15) at.fail(fmt::format("{} is not a neuron index", d));
    if (at.context().lenient) at.context().lenient->push_back({at.key(), std::nullopt});
    return static_cast<std::int64_t>(d);
}

std::string value_expectation(std::optional<dimension> dim) {
    const std::string q = quantity_expectation(dim);
    return q + ", { uniform = [low, high] }, { normal = [mean, std] }, { file = \"x.npy\" } or a list";
}

// The table forms of a value: { uniform = [lo, hi] }, { normal = [mean, std] }, { file = ... }.
void read_value_form(const config_node& at, std::optional<dimension> dim, net::value_spec& spec) {
    at.allow_only({"uniform", "normal", "file"});
    const auto entries = at.entries("a table");
    if (entries.size() != 1) {
        at.fail(fmt::format("expected exactly one of uniform, normal or file, got {} keys", entries.size()));
    }
    const auto& [form, value] = entries.front();
    if (form == "file") {
        spec.k = net::value_spec::kind::array;
        spec.values = read_si_values(at, dim);
        return;
    }
    const char* shape = form == "uniform" ? "[low, high]" : "[mean, std]";
    const auto pair = value.items(fmt::format("a pair {}", shape));
    if (pair.size() != 2) value.fail(fmt::format("expected a pair {}, got {} values", shape, pair.size()));
    spec.k = form == "uniform" ? net::value_spec::kind::uniform : net::value_spec::kind::normal;
    spec.a = read_quantity(pair[0], dim);
    spec.b = read_quantity(pair[1], dim);
}

}  // namespace

tensor read_tensor_file(const config_node& at) { return read_file_form(at, read_tensor); }

std::vector<double> read_si_values(const config_node& at, std::optional<dimension> dim) {
    if (at.node().is_table()) return read_file_form(at, read_numeric_array);
    std::vector<double> out;
    for (const config_node& item : at.items("a list of quantities or { file = \"x.npy\" }")) {
        out.push_back(element_si(item, dim));
    }
    return out;
}

std::vector<std::int64_t> read_ids(const config_node& at) {
    std::vector<std::int64_t> out;
    if (at.node().is_table()) {
        out = read_file_form(at, read_index_array);
        for (std::size_t i = 0; i < out.size(); ++i) {
            if (out[i] < 0) at.fail(fmt::format("id #{} is {}; ids must be >= 0", i, out[i]));
        }
        return out;
    }
    for (const config_node& item : at.items("a list of neuron indices or { file = \"ids.npy\" }")) {
        const std::int64_t id = item.node().is_floating_point() && at.context().whole_float_ids
                                    ? whole_id(item)
                                    : read_integer(item, "a neuron index (an integer >= 0)");
        if (id < 0) item.fail(fmt::format("neuron index {} is negative", id));
        out.push_back(id);
    }
    return out;
}

net::value_spec read_value_spec(const config_node& at, std::optional<dimension> dim) {
    net::value_spec spec;
    spec.site = at.site();
    const toml::node& node = at.node();
    if (node.is_string() || is_number(node)) {
        spec.k = net::value_spec::kind::constant;
        spec.a = read_quantity(at, dim);
    } else if (node.is_array()) {
        spec.k = net::value_spec::kind::array;
        spec.values = read_si_values(at, dim);
    } else if (node.is_table()) {
        read_value_form(at, dim, spec);
    } else {
        fail_type(at, value_expectation(dim));
    }
    return spec;
}

}  // namespace fluxon::io
