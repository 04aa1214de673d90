#pragma once
// What the files of the Python extension share. Each register_* adds one topic to the module;
// module.cpp calls them in order (errors first: the others raise them).
#include <string>

#include <pybind11/pybind11.h>

#include "networks/spec.hpp"

namespace fluxon::py_bindings {

namespace py = pybind11;

void register_errors(py::module_& m);
void register_simulation(py::module_& m);
void register_models(py::module_& m);
void register_run_files(py::module_& m);
void register_dram(py::module_& m);
void register_crossbar(py::module_& m);
void register_sfq(py::module_& m);
void register_events(py::module_& m);
void register_nir(py::module_& m);
void register_sweep(py::module_& m);

// The experiment a network description (the Python builder's dict, shaped like a config
// file: docs/python.md), read as that config file would be (io/config.hpp) except that bare
// numbers are SI values; the description, serialized as TOML, becomes the config text.
net::experiment_spec spec_from_python(const py::dict& description);

}  // namespace fluxon::py_bindings
