// fluxon._core.sweep: the machinery of `fluxon sweep` (io/sweep_*.hpp) for fluxon.sweep, so that
// Python and the command line give the same numbers for the same grid.
#include <chrono>
#include <future>
#include <optional>

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "bindings/bindings.hpp"
#include "devices/builtin_families.hpp"
#include "io/config.hpp"
#include "io/sweep_index.hpp"
#include "io/sweep_runner.hpp"
#include "io/sweep_table.hpp"

namespace fluxon::py_bindings {
namespace {

py::object column_array(const data_column& c) {
    return std::visit(
        [](const auto& values) -> py::object {
            using V = std::decay_t<decltype(values)>;
            if constexpr (std::is_same_v<V, std::vector<std::string>>) {
                return py::module_::import("numpy").attr("array")(py::cast(values), py::arg("dtype") = "str");
            } else {
                return py::array_t<typename V::value_type>(static_cast<py::ssize_t>(values.size()), values.data());
            }
        },
        c.values);
}

void add_columns(const data_table& table, py::dict& columns, py::dict& units) {
    for (const data_column& c : table.columns) {
        columns[py::str(c.name)] = column_array(c);
        units[py::str(c.name)] = c.unit;
    }
}

// Runs the points on a thread of their own while this one, holding the GIL now and then, turns
// Ctrl-C into a clean stop: running points end "interrupted", the others never start.
std::vector<io::sweep_point_result> run_interruptibly(const std::vector<io::sweep_point>& points,
                                                      io::sweep_run_options options, const model_registry& models) {
    std::atomic<bool> stop{false};
    options.stop = &stop;
    std::optional<py::error_already_set> pending;
    auto done = std::async(std::launch::async, [&] { return io::run_sweep(points, options, models); });
    for (;;) {
        bool ready = false;
        {
            py::gil_scoped_release nogil;
            ready = done.wait_for(std::chrono::milliseconds(100)) == std::future_status::ready;
        }
        if (ready) break;
        if (!pending && PyErr_CheckSignals() != 0) {
            pending.emplace();
            stop.store(true);
        }
    }
    std::vector<io::sweep_point_result> results = done.get();
    if (pending) throw std::move(*pending);
    return results;
}

py::tuple sweep(const py::object& config, const py::object& description,
                const std::vector<std::pair<std::string, std::vector<std::string>>>& axes,
                const std::vector<std::vector<std::string>>& links, const py::object& directory, int jobs,
                int threads, bool force) {
    io::sweep_request request;
    for (const auto& [key, values] : axes) {
        // Keys and values come as --set spells them, checked as it checks them.
        io::sweep_axis axis = io::parse_axis(key + "=" + values.front());
        axis.values = values;
        request.axes.push_back(std::move(axis));
    }
    request.links = links;
    request.threads = threads;
    std::string source, text;
    if (!config.is_none()) {
        source = py::str(py::module_::import("os").attr("fspath")(config));
        request.load = [&](const std::vector<std::string>& overrides) { return io::load_config(source, overrides); };
    } else {
        // A network description is swept as the config file it is written as (the run file's
        // /config/text): values are overridden exactly as in a file, with their units.
        source = "python";
        text = spec_from_python(description.cast<py::dict>()).config_text;
        request.load = [&](const std::vector<std::string>& overrides) {
            return io::parse_config_text(text, "python", overrides);
        };
    }
    std::string outdir;
    if (!directory.is_none()) {
        outdir = py::str(py::module_::import("os").attr("fspath")(directory));
        io::refuse_existing_sweep(outdir, force, "force=True");
    }
    const model_registry models = builtin_models();
    const device_registry families = builtin_families();
    std::vector<io::sweep_point> points;
    {
        py::gil_scoped_release nogil;  // loading and building every point needs no Python
        points = io::prepare_sweep(request, models, families);
    }
    io::sweep_run_options options;
    options.directory = outdir;
    options.jobs = jobs > 0 ? jobs : io::default_sweep_jobs(points);
    if (!outdir.empty()) io::prepare_sweep_directory(outdir);
    const std::vector<io::sweep_point_result> results = run_interruptibly(points, options, models);
    const io::sweep_table table = io::tabulate_sweep(request.axes, points, results);
    if (!outdir.empty()) io::write_sweep_index(outdir, {source, links}, table);
    py::dict columns, units;
    add_columns(table.parameters, columns, units);
    add_columns(table.metrics, columns, units);
    add_columns(table.points, columns, units);
    py::dict given;
    for (const data_column& c : table.given.columns) given[py::str(c.name)] = column_array(c);
    return py::make_tuple(columns, units, given);
}

}  // namespace

void register_sweep(py::module_& m) {
    m.def("sweep", &sweep, py::arg("config"), py::arg("description"), py::arg("axes"), py::arg("links"),
          py::arg("directory"), py::arg("jobs"), py::arg("threads"), py::arg("force"),
          "The machinery of `fluxon sweep`; use fluxon.sweep. Returns (columns, units, given).");
}

}  // namespace fluxon::py_bindings
