// fluxon._core.save_nir: a network description's layers as a NIR file (io/nir_export.hpp),
// for fluxon.nir.save in python/fluxon/nir.py.
#include "bindings/bindings.hpp"
#include "io/nir_export.hpp"

namespace fluxon::py_bindings {
namespace {

// The description is read as build() reads it, so the same checks and errors apply.
void save_nir(const py::dict& description, const std::string& path) {
    const net::experiment_spec spec = spec_from_python(description);
    py::gil_scoped_release release;
    const layer_registry kinds = builtin_layers();
    io::write_nir(io::export_nir(spec, kinds), path);
}

}  // namespace

void register_nir(py::module_& m) {
    m.def("save_nir", &save_nir, py::arg("description"), py::arg("path"),
          "Writes the layers of a network description (Network.description()) as a NIR graph to path "
          "(docs/nir.md, Export). fluxon.nir.save wraps it.");
}

}  // namespace fluxon::py_bindings
