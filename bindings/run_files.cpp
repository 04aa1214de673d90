// Saved run files, as far as C++ reads them: the `fluxon inspect` report. Everything else about
// saved runs is plain Python (fluxon.analysis), which works without this extension.
#include "bindings/bindings.hpp"
#include "io/run_reader.hpp"

namespace fluxon::py_bindings {

void register_run_files(py::module_& m) {
    m.def(
        "summarize_run",
        [](const py::object& path) {
            const std::string file = py::str(py::module_::import("os").attr("fspath")(path));
            py::gil_scoped_release nogil;
            return io::summarize_run(file);
        },
        py::arg("path"), "The report `fluxon inspect` prints for a run file.");
}

}  // namespace fluxon::py_bindings
