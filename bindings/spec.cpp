// The Python builder's description → net::experiment_spec. The description has the shape of a
// config file (docs/config.md) with Python values in place of TOML ones, so it is turned into
// the TOML document it stands for and read by the config reader (io/config.hpp), with bare
// numbers taken as SI values. Here only the Python types are checked; every error is a
// config_error at the dotted key of the culprit. The document, serialized, is the config text.
#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <limits>
#include <string_view>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <pybind11/numpy.h>

#include "bindings/bindings.hpp"
#include "engine/base/errors.hpp"
#include "engine/base/quantity.hpp"
#include "io/config.hpp"

namespace fluxon::py_bindings {
namespace {

// The node is the second part of keys under the named sections ("populations.exc.size" -> "exc").
[[noreturn]] void fail(const std::string& key, const std::string& message) {
    error_site site;
    site.key = key;
    for (const std::string_view section : {"populations.", "projections.", "currents.", "drives."}) {
        if (!key.starts_with(section)) continue;
        const std::string rest = key.substr(section.size());
        site.node = rest.substr(0, rest.find_first_of(".["));
    }
    throw config_error(message, site);
}

std::string type_name(py::handle value) { return py::str(py::type::handle_of(value).attr("__name__")); }

std::string element_key(const std::string& key, std::size_t index) { return fmt::format("{}[{}]", key, index); }

double finite(double value, const std::string& key) {
    if (!std::isfinite(value)) fail(key, fmt::format("expected a finite number, got {}", value));
    return value;
}

std::int64_t from_int(py::handle value, const std::string& key) {
    int overflow = 0;
    const long long result = PyLong_AsLongLongAndOverflow(value.ptr(), &overflow);
    if (overflow == 0 && !(result == -1 && PyErr_Occurred())) return result;
    PyErr_Clear();
    fail(key, fmt::format("the integer {} does not fit in a signed 64-bit integer", std::string(py::str(value))));
}

// Descriptions nest a few levels (a layer's weights as nested lists, a handful more); a deeper
// one is refused before the recursion below could exhaust the stack.
constexpr int max_depth = 100;

toml::table from_dict(const py::dict& dict, const std::string& key, int depth);
toml::array from_sequence(const py::sequence& sequence, const std::string& key, int depth);
toml::array from_array(const py::array& array, const std::string& key, int depth);

bool is_numpy_scalar(py::handle value) {
    // numpy is imported by pybind11's array support anyway; the handle lives as long as it.
    static const py::handle generic = py::object(py::module_::import("numpy").attr("generic")).release();
    return py::isinstance(value, generic);
}

// The SI exponents (m, kg, s, A, K, mol, cd) of an object that carries units, read by duck
// typing so that the bindings never import a unit library: Brian2's Quantity has `.dim`, a
// Dimension whose `_dims` holds them; other libraries may expose `.dimensions` the same way.
// nullopt when `value` carries no units; an error naming `key` when it carries units fluxon
// cannot read (taken as a bare number, `20*mV` would become 20 of the key's default unit).
std::optional<std::array<double, 7>> si_exponents(py::handle value, const std::string& key) {
    for (const char* attribute : {"dim", "dimensions"}) {
        if (!py::hasattr(value, attribute)) continue;
        py::object dims = value.attr(attribute);
        if (py::hasattr(dims, "_dims")) dims = dims.attr("_dims");
        if (py::isinstance<py::sequence>(dims) && !py::isinstance<py::str>(dims) && py::len(dims) == 7) {
            std::array<double, 7> out{};
            std::size_t i = 0;
            for (const auto& d : dims) out[i++] = d.cast<double>();
            return out;
        }
        fail(key, fmt::format("{} {} carries units that fluxon cannot read; give the value as text with a unit, "
                              "like \"20 ms\"",
                              type_name(value), std::string(py::repr(value))));
    }
    for (const char* attribute : {"dimensionality", "units", "unit"}) {
        if (py::hasattr(value, attribute)) {
            fail(key, fmt::format("{} {} carries units that fluxon cannot read; give the value as text with a "
                                  "unit, like \"20 ms\"",
                                  type_name(value), std::string(py::repr(value))));
        }
    }
    return std::nullopt;
}

// A quantity with units as fluxon text in the SI unit of its dimension ("0.02 s", "1e-09 S"),
// so that the config reader checks the dimension against the key and names the key when it
// does not fit. The number is the SI value with every bit (fmt prints the shortest exact form).
std::string si_text(double value, dimension dim, const std::string& key) {
    return fmt::format("{} {}", finite(value, key), si_unit(dim));
}

toml::array quantity_array(const py::array& values, dimension dim, const std::string& key) {
    toml::array out;
    if (values.ndim() > 1) {
        for (py::ssize_t i = 0; i < values.shape(0); ++i) {
            out.push_back(quantity_array(values[py::int_(i)].cast<py::array>(), dim,
                                         element_key(key, static_cast<std::size_t>(i))));
        }
        return out;
    }
    const auto typed = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(values);
    if (!typed) throw py::error_already_set();
    out.reserve(static_cast<std::size_t>(typed.size()));
    for (py::ssize_t i = 0; i < typed.size(); ++i) {
        out.push_back(si_text(typed.data()[i], dim, element_key(key, static_cast<std::size_t>(i))));
    }
    return out;
}

template <typename Put>
void convert(py::handle value, const std::string& key, int depth, Put&& put);

// A value with units: dimensionless ones are plain numbers, others fluxon quantity text.
template <typename Put>
void convert_quantity(py::handle value, const std::array<double, 7>& exponents, const std::string& key, int depth,
                      Put&& put) {
    const std::optional<dimension> dim = dimension_from_si_exponents(exponents);
    // The SI values: Brian2 keeps them in the array it derives from, which asarray returns.
    const py::array si = py::module_::import("numpy").attr("asarray")(value, "float64");
    if (!dim) {
        fail(key, fmt::format("{} has a dimension (SI exponents m, kg, s, A, K, mol, cd = {}) for which fluxon has "
                              "no unit; fluxon's units are s, V, A, S, F, Ohm, Hz, J, W",
                              std::string(py::repr(value)), fmt::join(exponents, ", ")));
    }
    if (*dim == dimension::dimensionless) return convert(si, key, depth, put);
    if (si.ndim() == 0) return put(si_text(si.attr("item")().cast<double>(), *dim, key));
    put(quantity_array(si, *dim, key));
}

// Hands the TOML value for `value`, `depth` levels down the description, to `put`.
template <typename Put>
void convert(py::handle value, const std::string& key, int depth, Put&& put) {
    if (depth > max_depth) {
        fail(key, fmt::format("the description nests more than {} levels deep here", max_depth));
    }
    if (PyBool_Check(value.ptr())) return put(value.cast<bool>());
    if (PyLong_Check(value.ptr())) return put(from_int(value, key));
    if (PyFloat_Check(value.ptr())) return put(finite(value.cast<double>(), key));
    if (py::isinstance<py::str>(value)) return put(value.cast<std::string>());
    if (py::isinstance<py::dict>(value)) return put(from_dict(value.cast<py::dict>(), key, depth + 1));
    if (py::isinstance<py::list>(value) || py::isinstance<py::tuple>(value)) {
        return put(from_sequence(value.cast<py::sequence>(), key, depth + 1));
    }
    if (const auto exponents = si_exponents(value, key)) return convert_quantity(value, *exponents, key, depth, put);
    if (py::isinstance<py::array>(value)) {
        const py::array array = value.cast<py::array>();
        if (array.ndim() != 0) return put(from_array(array, key, depth + 1));
        return convert(array.attr("item")(), key, depth, put);
    }
    if (is_numpy_scalar(value)) return convert(value.attr("item")(), key, depth, put);
    fail(key, fmt::format("expected a number, a string, a list, a dict or a numpy array, got {}",
                          type_name(value)));
}

toml::table from_dict(const py::dict& dict, const std::string& key, int depth) {
    toml::table out;
    for (const auto& [name, value] : dict) {
        if (!py::isinstance<py::str>(name)) {
            fail(key, fmt::format("names must be strings, got {} {}", type_name(name), std::string(py::repr(name))));
        }
        const std::string child = py::str(name);
        convert(value, key.empty() ? child : key + "." + child, depth,
                [&](auto&& v) { out.insert_or_assign(child, std::forward<decltype(v)>(v)); });
    }
    return out;
}

toml::array from_sequence(const py::sequence& sequence, const std::string& key, int depth) {
    toml::array out;
    std::size_t index = 0;
    for (const auto& item : sequence) {
        convert(item, element_key(key, index++), depth, [&](auto&& v) { out.push_back(std::forward<decltype(v)>(v)); });
    }
    return out;
}

// Element-wise from the array's own dtype, so integer ids stay integers and floats keep every bit.
template <typename T>
toml::array from_typed_array(const py::array& array, const std::string& key) {
    const auto typed = py::array_t<T, py::array::c_style | py::array::forcecast>::ensure(array);
    if (!typed) throw py::error_already_set();
    toml::array out;
    out.reserve(static_cast<std::size_t>(typed.size()));
    for (py::ssize_t i = 0; i < typed.size(); ++i) {
        const T v = typed.data()[i];
        const std::string at = element_key(key, static_cast<std::size_t>(i));
        if constexpr (std::is_same_v<T, bool>) {
            out.push_back(v);
        } else if constexpr (std::is_floating_point_v<T>) {
            out.push_back(finite(v, at));
        } else if constexpr (std::is_unsigned_v<T>) {
            if (v > std::uint64_t(std::numeric_limits<std::int64_t>::max())) {
                fail(at, fmt::format("the integer {} does not fit in a signed 64-bit integer", v));
            }
            out.push_back(static_cast<std::int64_t>(v));
        } else {
            out.push_back(v);
        }
    }
    return out;
}

// An n-D array becomes nested lists (layer weights), row by row.
toml::array from_array(const py::array& array, const std::string& key, int depth) {
    if (depth > max_depth) {
        fail(key, fmt::format("the description nests more than {} levels deep here", max_depth));
    }
    if (array.ndim() > 1) {
        toml::array out;
        for (py::ssize_t i = 0; i < array.shape(0); ++i) {
            out.push_back(from_array(array[py::int_(i)].cast<py::array>(), element_key(key, static_cast<std::size_t>(i)),
                                     depth + 1));
        }
        return out;
    }
    switch (array.dtype().kind()) {
        case 'b': return from_typed_array<bool>(array, key);
        case 'i': return from_typed_array<std::int64_t>(array, key);
        case 'u': return from_typed_array<std::uint64_t>(array, key);
        case 'f': return from_typed_array<double>(array, key);
        default:
            fail(key, fmt::format("expected a numeric array, got an array of dtype {}",
                                  std::string(py::str(array.dtype()))));
    }
}

}  // namespace

net::experiment_spec spec_from_python(const py::dict& description) {
    io::config_options options;
    options.numbers_are_si = true;
    options.whole_float_ids = true;
    return io::convert_config_table(from_dict(description, "", 0), "python", options);
}

}  // namespace fluxon::py_bindings
