// fluxon._core.sfq_map() and sfq_libraries(). SFQ circuits run as the device "sfq" of a
// Simulation (python/fluxon/sfq.py writes the [sfq] section), like every family.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "bindings/bindings.hpp"
#include "devices/sfq/sfq_library_preset.hpp"
#include "mappers/sfq_mapper.hpp"

namespace fluxon::py_bindings {
namespace {

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
    m.def("sfq_map", &sfq_map, py::arg("description"), py::arg("full_weight") = 0.0, py::arg("threshold") = 1,
          py::arg("inh_weight") = 1, py::arg("time_scale") = 1e-7, py::arg("technology") = "rsfq", py::arg("seed") = 0,
          py::arg("max_cells") = 1'000'000,
          "Maps a network description (Network.description()) onto an SFQ circuit (mappers/sfq_mapper.hpp); "
          "returns its circuit text and utilization. fluxon.sfq.map_network wraps it.");
    m.def("sfq_libraries", &sfq_library_names, "Names of the SFQ cell libraries fluxon ships.");
}

}  // namespace fluxon::py_bindings
