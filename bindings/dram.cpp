// fluxon.dram_trace(): a trace-driven DRAM run (io/dram_run.hpp), results as numpy arrays.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "bindings/bindings.hpp"
#include "io/dram_run.hpp"
#include "devices/dram/dram_preset.hpp"

namespace fluxon::py_bindings {
namespace {

std::string path_of(const py::object& path) {
    return py::str(py::module_::import("os").attr("fspath")(path));
}

py::dict dram_trace(const py::object& trace, const std::string& preset, const py::object& output) {
    dram_run_options options;
    options.trace = path_of(trace);
    options.preset = preset;
    if (!output.is_none()) options.output = path_of(output);
    dram_run_result r;
    {
        py::gil_scoped_release nogil;
        r = run_dram_trace(options);
    }
    py::dict commands, ledger;
    for (const auto& [name, count] : r.commands) commands[py::str(name)] = count;
    ledger["component"] = py::cast(r.ledger.component);
    ledger["action"] = py::cast(r.ledger.action);
    ledger["source"] = py::cast(r.ledger.source);
    ledger["count"] = py::array_t<std::int64_t>(static_cast<py::ssize_t>(r.ledger.count.size()), r.ledger.count.data());
    ledger["energy"] = py::array_t<double>(static_cast<py::ssize_t>(r.ledger.energy.size()), r.ledger.energy.data());
    return py::dict(
        py::arg("preset") = r.preset, py::arg("requests") = r.requests, py::arg("reads") = r.reads,
        py::arg("writes") = r.writes, py::arg("row_hits") = r.row_hits, py::arg("row_misses") = r.row_misses,
        py::arg("row_conflicts") = r.row_conflicts, py::arg("commands") = commands, py::arg("tck") = r.tck,
        py::arg("simulated_time") = r.simulated_time, py::arg("bandwidth") = r.bandwidth,
        py::arg("peak_bandwidth") = r.peak_bandwidth,
        py::arg("latency") = py::array_t<double>(static_cast<py::ssize_t>(r.latency.size()), r.latency.data()),
        py::arg("static_energy") = r.static_energy, py::arg("dynamic_energy") = r.dynamic_energy,
        py::arg("energy_per_bit") = r.energy_per_bit, py::arg("ledger") = ledger,
        py::arg("wall_time") = r.wall_time);
}

}  // namespace

void register_dram(py::module_& m) {
    m.def("dram_trace", &dram_trace, py::arg("trace"), py::arg("preset") = "ddr4_3200",
          py::arg("output") = py::none(),
          R"(Serves a DRAM address trace (DRAMSim3 text format: "<address> <READ|WRITE> <cycle>" per line) on a
modelled memory system (a shipped DRAM preset name or a preset file) and returns its results: requests, reads,
writes, row_hits/row_misses/row_conflicts, commands (name -> count), tck, simulated_time (s), bandwidth and
peak_bandwidth (bytes/s), latency (s per request, numpy), static_energy/dynamic_energy (J), energy_per_bit,
ledger and wall_time. output: also write a run file (fluxon inspect reads it).)");
    m.def("dram_presets", &dram_preset_names, "Names of the DRAM presets fluxon ships.");
}

}  // namespace fluxon::py_bindings
