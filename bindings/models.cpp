// fluxon.models(), fluxon.device_families() and fluxon.chip_presets(): what a run can use, with
// parameter tables and sources, for introspection.
#include <cmath>

#include <pybind11/stl.h>

#include "bindings/bindings.hpp"
#include "devices/builtin_families.hpp"
#include "devices/neuromorphic/chip_preset.hpp"
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

py::dict layer_kinds() {
    const model_registry registry = builtin_models();
    static constexpr const char* roles[] = {"connection", "activation", "structural"};
    py::dict out;
    for (const std::string& name : registry.layers().names()) {
        const layer_kind& k = *registry.layers().find(name);
        py::dict arrays;
        for (const layer_array_def& a : k.arrays()) {
            arrays[py::str(a.name)] = py::dict(py::arg("required") = a.required, py::arg("doc") = a.doc);
        }
        out[py::str(name)] = py::dict(py::arg("description") = std::string(k.description()),
                                      py::arg("role") = roles[static_cast<int>(k.role())],
                                      py::arg("takes_input") = k.takes_input(),
                                      py::arg("parameters") = parameter_table(k.schema()), py::arg("arrays") = arrays);
    }
    return out;
}

// Everything is copied out as Python objects: the registry is gone when this returns.
py::dict device_families() {
    const device_registry registry = builtin_families();
    py::dict out;
    for (const device_family* family : registry.all()) {
        py::list keys;
        for (const std::string_view key : family->keys()) keys.append(py::str(std::string(key)));
        out[py::str(std::string(family->name()))] =
            py::dict(py::arg("section") = std::string(family->section()),
                     py::arg("default_instance") = std::string(family->default_instance()),
                     py::arg("description") = std::string(family->description()), py::arg("keys") = keys,
                     py::arg("presets") = family->preset_names());
    }
    return out;
}

py::dict cost(const action_cost& c) {
    return py::dict(py::arg("energy") = c.energy, py::arg("latency") = c.latency, py::arg("source") = c.source);
}

py::dict chip_presets() {
    py::dict out;
    for (const std::string& name : chip_preset_names()) {
        const chip_preset preset = load_chip_preset(name, {});
        const chip_params& c = preset.params;
        py::dict actions;
        actions["synapse_op"] = cost(c.synapse_op);
        actions["update_active"] = cost(c.update_active);
        actions["update_inactive"] = cost(c.update_inactive);
        actions["message_out"] = cost(c.message_out);
        actions["message_in"] = cost(c.message_in);
        actions["hop_east_west"] = cost(c.noc.hop_east_west);
        actions["hop_north_south"] = cost(c.noc.hop_north_south);
        actions["hop_tree"] = cost(c.noc.hop_tree);
        out[py::str(name)] = py::dict(
            py::arg("description") = c.description,
            py::arg("topology") = c.noc.topology == noc_topology_kind::mesh ? "mesh" : "tree",
            py::arg("cores") = c.cores(), py::arg("neurons_per_core") = c.neurons_per_core.value,
            py::arg("synapses_per_core") = c.synapses_per_core.value, py::arg("weight_bits") = c.weight_bits,
            py::arg("core_static_power") = c.core_static_power, py::arg("actions") = actions,
            py::arg("text") = preset.text);
    }
    return out;
}

}  // namespace

void register_models(py::module_& m) {
    m.def("models", &models, R"(The neuron and source models, by name: description, source (bool), parameters
(name -> dimension, unit, default in SI or None when required, min, max, doc, choices),
receptors (name -> unit of a weight onto it) and state (variable -> unit).)");
    m.def("layer_kinds", &layer_kinds, R"(The layer kinds of layered networks, by name: description, role
(connection, activation or structural, as NeuroBench counts them), takes_input, parameters (as
models() gives them) and arrays (name -> required, doc with the expected shape).)");
    m.def("device_families", &device_families, R"(The device families a run can use, by name (in registry order):
section (the config section and description key that describes a device of the family, which
Network.device() writes), default_instance (the device's name in results and run files),
description, keys (every setting the section may hold) and presets (the shipped preset names).)");
    m.def("chip_presets", &chip_presets, R"(The chip presets fluxon ships, by name: description, topology, cores,
neurons_per_core, synapses_per_core, weight_bits, core_static_power (W), actions (name -> energy J, latency s,
source) and the preset file's text.)");
}

}  // namespace fluxon::py_bindings
