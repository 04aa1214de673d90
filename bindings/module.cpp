// fluxon._core: the C++ simulator for Python. The pure-Python package (python/fluxon) builds
// on it; see docs/python.md.
#include "bindings/bindings.hpp"
#include "fluxon_version.hpp"

PYBIND11_MODULE(_core, m) {
    using namespace fluxon::py_bindings;
    m.doc() = "fluxon's C++ core: simulations, model registry and error classes";
    register_errors(m);  // first: everything after may raise them
    register_models(m);
    register_simulation(m);
    register_run_files(m);
    register_dram(m);
    register_crossbar(m);
    register_sfq(m);
    register_events(m);
    register_nir(m);
    register_sweep(m);
    m.attr("__version__") = fluxon::version;
}
