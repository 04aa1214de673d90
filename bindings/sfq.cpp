// fluxon._core.sfq_run(): an SFQ circuit run (io/sfq_run.hpp), results as numpy arrays.
// The builder in python/fluxon/sfq.py writes the circuit as the TOML a circuit file holds, so
// both go through one reader and one validation.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "bindings/bindings.hpp"
#include "io/sfq_run.hpp"
#include "devices/sfq/sfq_library_preset.hpp"
#include "mappers/sfq_mapper.hpp"

namespace fluxon::py_bindings {
namespace {

template <class T>
py::array_t<T> array_of(const std::vector<T>& v) {
    return py::array_t<T>(static_cast<py::ssize_t>(v.size()), v.data());
}

py::dict traces(const std::vector<sfq_trace>& ts) {
    py::dict d;
    for (const sfq_trace& t : ts) d[py::str(t.name)] = array_of<std::int64_t>(t.times);
    return d;
}

py::dict sfq_run(const py::object& circuit, const py::object& text, const py::object& output) {
    sfq_run_options options;
    auto fspath = [](const py::object& p) { return py::str(py::module_::import("os").attr("fspath")(p)).cast<std::string>(); };
    if (!circuit.is_none()) options.circuit = fspath(circuit);
    if (!text.is_none()) options.text = text.cast<std::string>();
    if (!output.is_none()) options.output = fspath(output);
    sfq_run_result r;
    {
        py::gil_scoped_release nogil;
        r = run_sfq_circuit(options);
    }
    const sfq_violation_columns v = columns_of(r.violations);
    py::dict violations;
    violations["instance"] = v.instance;
    violations["cell"] = v.cell;
    violations["kind"] = v.kind;
    violations["port"] = v.port;
    violations["time"] = array_of(v.time);
    violations["other_port"] = v.other_port;
    violations["other_time"] = array_of(v.other_time);
    py::dict ledger;
    ledger["component"] = r.ledger.component;
    ledger["action"] = r.ledger.action;
    ledger["source"] = r.ledger.source;
    ledger["count"] = array_of(r.ledger.count);
    ledger["energy"] = array_of(r.ledger.energy);
    py::dict energy(py::arg("dynamic") = r.dynamic_energy, py::arg("bias") = r.bias_energy,
                    py::arg("chip") = r.chip_energy, py::arg("cooling") = r.cooling_energy,
                    py::arg("wall_plug") = r.wall_plug_energy, py::arg("cryo_factor") = r.cryo_factor);
    return py::dict(py::arg("library") = r.library, py::arg("technology") = r.technology,
                    py::arg("policy") = r.policy, py::arg("seed") = r.seed, py::arg("cells") = r.cells,
                    py::arg("junctions") = r.junctions, py::arg("events") = r.events,
                    py::arg("firings") = r.firings, py::arg("end") = r.end, py::arg("outputs") = traces(r.outputs),
                    py::arg("recorded") = traces(r.recorded), py::arg("violations") = violations,
                    py::arg("energy") = energy, py::arg("ledger") = ledger, py::arg("wall_time") = r.wall_time);
}

py::dict sfq_map(const py::dict& description, double full_weight, std::uint32_t threshold, std::uint32_t inh_weight,
                 double time_scale, const std::string& technology, std::uint64_t seed, std::uint64_t max_cells) {
    const net::experiment_spec spec = spec_from_python(description);
    sfq_map_options o;
    o.full_weight = full_weight;
    o.threshold = threshold;
    o.inh_weight = inh_weight;
    o.time_scale = time_scale;
    o.technology = technology;
    o.seed = seed;
    o.max_cells = max_cells;
    const sfq_mapping m = map_network_to_sfq(spec, o);
    return py::dict(py::arg("text") = m.circuit_text, py::arg("neurons") = m.neurons, py::arg("inputs") = m.inputs,
                    py::arg("synapses") = m.synapses, py::arg("mergers") = m.mergers,
                    py::arg("splitters") = m.splitters, py::arg("cells") = m.cells, py::arg("recorded") = m.recorded);
}

}  // namespace

void register_sfq(py::module_& m) {
    m.def("sfq_run", &sfq_run, py::arg("circuit") = py::none(), py::arg("text") = py::none(),
          py::arg("output") = py::none(),
          R"(Simulates an SFQ circuit at pulse level: a circuit file (`circuit`), or circuit text (`text`, with
`circuit` naming it in errors). Returns a dict: outputs and recorded ({name: pulse times in fs, int64}),
violations (columns), energy (dynamic, bias, chip at 4 K, cooling, wall_plug in J; cryo_factor), ledger,
counts (cells, junctions, events, firings), end (fs) and wall_time. output: also write a run file.
fluxon.sfq.Circuit builds circuits in Python and wraps this.)");
    m.def("sfq_map", &sfq_map, py::arg("description"), py::arg("full_weight") = 0.0, py::arg("threshold") = 1,
          py::arg("inh_weight") = 1, py::arg("time_scale") = 1e-7, py::arg("technology") = "rsfq", py::arg("seed") = 0,
          py::arg("max_cells") = 1'000'000,
          "Maps a network description (Network.description()) onto an SFQ circuit (mappers/sfq_mapper.hpp); "
          "returns its circuit text and utilization. fluxon.sfq.map_network wraps it.");
    m.def("sfq_libraries", &sfq_library_names, "Names of the SFQ cell libraries fluxon ships.");
}

}  // namespace fluxon::py_bindings
