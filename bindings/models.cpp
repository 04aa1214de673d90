// fluxon.models(): the registry's models with their parameter tables, for introspection.
#include <cmath>

#include <pybind11/stl.h>

#include "bindings/bindings.hpp"
#include "neurons/model.hpp"

namespace fluxon::py_bindings {
namespace {

py::object bound(double value) { return std::isinf(value) ? py::object(py::none()) : py::object(py::float_(value)); }

py::object default_of(const param_def& def) {
    if (!def.default_value) return py::none();
    if (!def.choices.empty()) return py::str(def.choices.at(static_cast<std::size_t>(*def.default_value)));
    return py::float_(*def.default_value);
}

py::dict parameter_table(const param_schema& schema) {
    py::dict table;
    for (const param_def& def : schema) {
        py::dict row;
        row["dimension"] = std::string(dimension_name(def.dim));
        row["unit"] = std::string(si_unit(def.dim));
        row["default"] = default_of(def);
        row["required"] = !def.default_value.has_value();
        row["min"] = bound(def.min);
        row["max"] = bound(def.max);
        row["min_exclusive"] = def.min_exclusive;
        row["choices"] = def.choices;
        row["doc"] = def.doc;
        table[py::str(def.name)] = row;
    }
    return table;
}

py::dict describe(const neuron_model& model) {
    py::dict receptors, state;
    for (const receptor_def& r : model.receptors()) receptors[py::str(r.name)] = std::string(si_unit(r.weight_dim));
    for (const state_var& v : model.state_vars()) state[py::str(v.name)] = std::string(si_unit(v.dim));
    py::dict out;
    out["description"] = std::string(model.description());
    out["source"] = model.is_source();
    out["parameters"] = parameter_table(model.schema());
    out["receptors"] = receptors;
    out["state"] = state;
    return out;
}

py::dict models() {
    const model_registry registry = builtin_models();
    py::dict out;
    for (const std::string& name : registry.names()) out[py::str(name)] = describe(*registry.find(name));
    return out;
}

}  // namespace

void register_models(py::module_& m) {
    m.def("models", &models, R"(The neuron and source models, by name: description, source (bool), parameters
(name -> dimension, unit, default in SI or None when required, min, max, doc, choices),
receptors (name -> unit of a weight onto it) and state (variable -> unit).)");
}

}  // namespace fluxon::py_bindings
