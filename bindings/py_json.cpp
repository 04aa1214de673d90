// Python values → JSON, the one representation the network description is checked in and
// recorded as. numpy arrays are converted element-wise from their own dtype, so integer ids
// stay exact and float64 weights keep every bit.
#include <cmath>
#include <cstdint>

#include <fmt/format.h>
#include <pybind11/numpy.h>

#include "bindings/bindings.hpp"
#include "engine/errors.hpp"

namespace fluxon::py_bindings {
namespace {

using json = nlohmann::ordered_json;

[[noreturn]] void fail(const std::string& key, const std::string& message) {
    error_site site;
    site.key = key;
    throw config_error(message, site);
}

std::string type_name(py::handle value) { return py::str(py::type::handle_of(value).attr("__name__")); }

std::string element_key(const std::string& key, std::size_t index) { return fmt::format("{}[{}]", key, index); }

json finite(double value, const std::string& key) {
    if (!std::isfinite(value)) fail(key, fmt::format("expected a finite number, got {}", value));
    return value;
}

json from_int(py::handle value, const std::string& key) {
    int overflow = 0;
    const long long signed_value = PyLong_AsLongLongAndOverflow(value.ptr(), &overflow);
    if (overflow == 0 && !(signed_value == -1 && PyErr_Occurred())) return static_cast<std::int64_t>(signed_value);
    PyErr_Clear();
    if (overflow > 0) {
        const unsigned long long unsigned_value = PyLong_AsUnsignedLongLong(value.ptr());
        if (!PyErr_Occurred()) return static_cast<std::uint64_t>(unsigned_value);
        PyErr_Clear();
    }
    fail(key, fmt::format("the integer {} does not fit in 64 bits", std::string(py::str(value))));
}

template <typename T>
json from_typed_array(const py::array& array, const std::string& key) {
    const auto typed = py::array_t<T, py::array::c_style | py::array::forcecast>::ensure(array);
    if (!typed) throw py::error_already_set();
    const T* data = typed.data();
    json out = json::array();
    out.get_ref<json::array_t&>().reserve(static_cast<std::size_t>(typed.size()));
    for (py::ssize_t i = 0; i < typed.size(); ++i) {
        if constexpr (std::is_floating_point_v<T>) {
            out.push_back(finite(data[i], element_key(key, static_cast<std::size_t>(i))));
        } else {
            out.push_back(data[i]);
        }
    }
    return out;
}

json from_array(const py::array& array, const std::string& key) {
    if (array.ndim() == 0) return json_from_python(array.attr("item")(), key);
    if (array.ndim() != 1) {
        const std::string shape = py::str(array.attr("shape"));
        fail(key, fmt::format("expected a 1-D array, got a {}-D array of shape {}", array.ndim(), shape));
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

json from_dict(const py::dict& dict, const std::string& key) {
    json out = json::object();
    for (const auto& [name, value] : dict) {
        if (!py::isinstance<py::str>(name)) {
            fail(key, fmt::format("names must be strings, got {} {}", type_name(name), std::string(py::repr(name))));
        }
        const std::string child = py::str(name);
        out[child] = json_from_python(value, key.empty() ? child : key + "." + child);
    }
    return out;
}

json from_sequence(const py::sequence& sequence, const std::string& key) {
    json out = json::array();
    std::size_t index = 0;
    for (const auto& item : sequence) {
        out.push_back(json_from_python(item, element_key(key, index)));
        ++index;
    }
    return out;
}

bool is_numpy_scalar(py::handle value) {
    // numpy is imported by pybind11's array support anyway; the handle lives as long as it.
    static const py::handle generic = py::object(py::module_::import("numpy").attr("generic")).release();
    return py::isinstance(value, generic);
}

}  // namespace

json json_from_python(py::handle value, const std::string& key) {
    if (value.is_none()) return nullptr;
    if (PyBool_Check(value.ptr())) return value.cast<bool>();
    if (PyLong_Check(value.ptr())) return from_int(value, key);
    if (PyFloat_Check(value.ptr())) return finite(value.cast<double>(), key);
    if (py::isinstance<py::str>(value)) return value.cast<std::string>();
    if (py::isinstance<py::dict>(value)) return from_dict(value.cast<py::dict>(), key);
    if (py::isinstance<py::list>(value) || py::isinstance<py::tuple>(value)) {
        return from_sequence(value.cast<py::sequence>(), key);
    }
    if (py::isinstance<py::array>(value)) return from_array(value.cast<py::array>(), key);
    if (is_numpy_scalar(value)) return json_from_python(value.attr("item")(), key);
    fail(key, fmt::format("expected a number, a string, a list, a dict or a 1-D numpy array, got {}",
                          type_name(value)));
}

}  // namespace fluxon::py_bindings
