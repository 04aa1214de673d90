#pragma once
// What the files of the Python extension share. Each register_* adds one topic to the module;
// module.cpp calls them in order (errors first: the others raise them).
#include <string>

#include <nlohmann/json.hpp>
#include <pybind11/pybind11.h>

#include "networks/spec.hpp"

namespace fluxon::py_bindings {

namespace py = pybind11;

void register_errors(py::module_& m);
void register_simulation(py::module_& m);
void register_models(py::module_& m);
void register_run_files(py::module_& m);

// A Python value made of dicts, lists, tuples, str, bool, int, float, numpy scalars and 1-D
// numpy arrays, as JSON. Anything else, a non-finite number or an array of another shape is a
// config_error at the dotted key where it sits (`key` names the value itself).
nlohmann::ordered_json json_from_python(py::handle value, const std::string& key);

// The experiment a network description (the Python builder's dict, shaped like a config
// file: docs/python.md) stands for. Every value is checked here or by the network builder,
// with the dotted key of the culprit; the description's JSON text becomes the config text.
net::experiment_spec spec_from_python(const py::dict& description);

}  // namespace fluxon::py_bindings
