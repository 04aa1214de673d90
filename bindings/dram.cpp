// fluxon.dram_presets(). Traces run as the device "dram" of a Simulation (fluxon.dram_trace in
// python/fluxon/dram.py writes the [dram] section), like every family.
#include <pybind11/stl.h>

#include "bindings/bindings.hpp"
#include "devices/dram/dram_preset.hpp"

namespace fluxon::py_bindings {

void register_dram(py::module_& m) {
    m.def("dram_presets", &dram_preset_names, "Names of the DRAM presets fluxon ships.");
}

}  // namespace fluxon::py_bindings
