// fluxon.Simulation: builds a run from a network description or a config file, runs it with
// the GIL released, and hands out the recorded data as numpy views of the C++ vectors (the
// Simulation is their base object, so they stay valid as long as any of them is alive).
#include <atomic>
#include <memory>
#include <optional>
#include <vector>

#include <fmt/format.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "bindings/bindings.hpp"
#include "devices/builtin_families.hpp"
#include "engine/simulation.hpp"
#include "io/config.hpp"
#include "io/run_file_output.hpp"

namespace fluxon::py_bindings {
namespace {

std::string fspath(const py::object& path) { return py::str(py::module_::import("os").attr("fspath")(path)); }

// A read-only numpy view of `n` elements at `data`, kept alive by `owner`. Empty vectors may
// have no storage; they point at a static element so that numpy does not allocate and the base is set
// uniformly.
template <typename T>
py::array view(const T* data, std::vector<py::ssize_t> shape, py::handle owner) {
    static const T no_data{};
    std::vector<py::ssize_t> strides(shape.size(), sizeof(T));
    for (std::size_t d = shape.size(); d-- > 1;) strides[d - 1] = strides[d] * shape[d];
    py::array out(py::dtype::of<T>(), shape, strides, data ? data : &no_data, owner);
    py::detail::array_proxy(out.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
    return out;
}

// An array that owns a vector moved into it (no copy).
template <typename T>
py::array owning(std::vector<T>&& values) {
    auto* heap = new std::vector<T>(std::move(values));
    py::capsule free_when_done(heap, [](void* p) { delete static_cast<std::vector<T>*>(p); });
    return py::array_t<T>(static_cast<py::ssize_t>(heap->size()), heap->data(), free_when_done);
}

// A numpy array of str (dtype '<U…'), as h5py's .asstr() gives for the same column.
py::array strings(const std::vector<std::string>& values) {
    return py::module_::import("numpy").attr("array")(py::cast(values), py::arg("dtype") = "str");
}

py::object stat_value(const stat_entry& e) {
    return std::visit([](const auto& v) -> py::object { return py::cast(v); }, e.value);
}

py::object column_array(const data_column& c) {
    return std::visit(
        [](const auto& v) -> py::object {
            using vector = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<vector, std::vector<std::string>>) {
                return strings(v);
            } else {
                return owning(vector(v));
            }
        },
        c.values);
}

py::dict ledger_dict(ledger_columns t) {
    py::dict out;
    out["component"] = strings(t.component);
    out["action"] = strings(t.action);
    out["count"] = owning(std::move(t.count));
    out["energy"] = owning(std::move(t.energy));
    out["latency"] = owning(std::move(t.latency));
    out["source"] = strings(t.source);
    return out;
}

// A statistics tree and tables as Python reads them: device-level statistics by name with
// their units, every entry as (path, name, value, unit), each table's columns as arrays.
struct py_report {
    py::dict stats, units, tables, table_units;
    py::list entries;
};

py_report python_report(const stats_tree& s, const std::vector<data_table>& ts) {
    py_report out;
    for (const stat_entry& e : s.entries()) {
        out.entries.append(py::make_tuple(e.path, e.name, stat_value(e), e.unit));
        if (!e.path.empty()) continue;
        out.stats[py::str(e.name)] = stat_value(e);
        out.units[py::str(e.name)] = e.unit;
    }
    for (const data_table& t : ts) {
        py::dict columns, column_units;
        for (const data_column& c : t.columns) {
            columns[py::str(c.name)] = column_array(c);
            if (!c.unit.empty()) column_units[py::str(c.name)] = c.unit;
        }
        out.tables[py::str(t.name)] = columns;
        out.table_units[py::str(t.name)] = column_units;
    }
    return out;
}

// A layered network's report: {"stats", "stats_units", "tables", "table_units"}, as
// fluxon.runfile's Run.layers() reads it from a run file.
py::object layers_of(const std::optional<layers_report>& r) {
    if (!r) return py::none();
    py_report p = python_report(r->stats, r->tables);
    return py::dict(py::arg("stats") = p.stats, py::arg("stats_units") = p.units, py::arg("tables") = p.tables,
                    py::arg("table_units") = p.table_units);
}

// A device's report as the fluxon.runfile.Device a run file gives for it, so that results in
// memory and on disk read alike.
py::object device_of(const device_report& r) {
    py_report p = python_report(r.stats, r.tables);
    py::dict &stats = p.stats, &units = p.units, &tables = p.tables, &table_units = p.table_units;
    py::list& entries = p.entries;
    py::object ledger = py::none();
    py::dict ledger_attrs;
    if (r.has_ledger) {
        ledger = ledger_dict(r.ledger);
        ledger_attrs["status"] = "complete";
        ledger_attrs["static_energy"] = r.static_energy;
        ledger_attrs["dynamic_energy"] = r.dynamic_energy;
        ledger_attrs["total_energy"] = r.static_energy + r.dynamic_energy;
    }
    const py::object device = py::module_::import("fluxon.runfile").attr("Device");
    return device(py::arg("family") = r.family, py::arg("instance") = r.instance, py::arg("preset") = r.preset,
                  py::arg("preset_origin") = r.preset_origin, py::arg("status") = r.has_ledger ? "complete" : "running",
                  py::arg("preset_text") = r.preset_text, py::arg("stats") = stats, py::arg("stats_units") = units,
                  py::arg("stats_entries") = entries, py::arg("tables") = tables, py::arg("table_units") = table_units,
                  py::arg("ledger") = ledger, py::arg("ledger_attrs") = ledger_attrs);
}

py::dict devices_of(const std::vector<device_report>& reports) {
    py::dict out;
    for (const device_report& r : reports) out[py::str(r.instance)] = device_of(r);
    return out;
}

class py_simulation {
public:
    explicit py_simulation(net::experiment_spec spec)
        : config_text_(spec.config_text), models_(builtin_models()), families_(builtin_families()) {
        py::gil_scoped_release nogil;
        sim_ = std::make_unique<simulation>(spec, models_, families_);
    }

    static std::unique_ptr<py_simulation> from_config(const py::object& path, const std::vector<std::string>& overrides) {
        const std::string file = fspath(path);
        std::optional<net::experiment_spec> spec;
        {
            py::gil_scoped_release nogil;
            spec = io::load_config(file, overrides);
        }
        return std::make_unique<py_simulation>(std::move(*spec));
    }

    run_result run(const py::object& output, const py::object& progress, bool keep_in_memory, bool overwrite) {
        if (running_) throw user_error("this simulation is already running", {});
        if (!progress.is_none() && !PyCallable_Check(progress.ptr())) {
            throw py::type_error("progress must be None or a callable taking (t_reached, t_end)");
        }
        run_options options;
        std::unique_ptr<io::run_file_output> file;
        if (!output.is_none()) {
            const std::string path = fspath(output);
            io::refuse_existing_output(path, overwrite, "overwrite=True");
            py::gil_scoped_release nogil;
            file = std::make_unique<io::run_file_output>(path, *sim_);
        }
        options.output = file.get();
        options.keep_in_memory = keep_in_memory;
        std::atomic<bool> stop{false};
        options.stop = &stop;
        // Declared before the GIL is released, so that it is destroyed with the GIL held.
        std::optional<py::error_already_set> pending;
        // Always installed: it is where Ctrl-C is noticed while C++ runs without the GIL.
        options.progress = [&](double t_reached, double t_end) {
            py::gil_scoped_acquire gil;
            if (pending) return;
            try {
                if (PyErr_CheckSignals() != 0) throw py::error_already_set();
                if (!progress.is_none()) progress(t_reached, t_end);
            } catch (py::error_already_set& e) {
                pending = std::move(e);
                stop.store(true, std::memory_order_relaxed);
            }
        };
        running_ = true;
        run_result result;
        try {
            py::gil_scoped_release nogil;
            result = sim_->run(options);
        } catch (...) {
            running_ = false;
            throw;
        }
        running_ = false;
        ran_ = true;
        kept_ = keep_in_memory;
        // The run stopped cleanly (the file says "interrupted"); now the error is the caller's.
        if (pending) throw *pending;
        return result;
    }

    py::tuple spikes(py::handle self, const std::string& population) const {
        check_recorded();
        const recorded_spikes& s = sim_->spikes(population);
        const auto n = static_cast<py::ssize_t>(s.times.size());
        return py::make_tuple(view(s.times.data(), {n}, self), view(s.ids.data(), {n}, self));
    }

    py::tuple layer_events(py::handle self, const std::string& layer) const {
        check_recorded();
        const recorded_spikes& s = sim_->spikes(layer);
        const auto n = static_cast<py::ssize_t>(s.times.size());
        if (s.values.size() != s.times.size()) {
            throw user_error(fmt::format("'{}' is a population: its spikes carry no values (spikes())", layer),
                             {.node = layer});
        }
        return py::make_tuple(view(s.times.data(), {n}, self), view(s.ids.data(), {n}, self),
                              view(s.values.data(), {n}, self));
    }

    py::tuple probe(py::handle self, const std::string& population, const std::string& variable) const {
        check_recorded();
        const recorded_probe& p = sim_->probe(population, variable);
        const auto n_times = static_cast<py::ssize_t>(p.times.size());
        const auto n_ids = static_cast<py::ssize_t>(p.ids.size());
        return py::make_tuple(view(p.times.data(), {n_times}, self), view(p.ids.data(), {n_ids}, self),
                              view(p.values.data(), {n_times, n_ids}, self));
    }

    py::dict synapses(const std::string& projection) const {
        check_idle();
        std::vector<std::uint32_t> pre, post;
        std::vector<double> weight, delay;
        sim_->synapses(projection, pre, post, weight, delay);
        py::dict out;
        out["pre"] = owning(std::move(pre));
        out["post"] = owning(std::move(post));
        out["weight"] = owning(std::move(weight));
        out["delay"] = owning(std::move(delay));
        return out;
    }

    py::dict ledger() const {
        check_idle();
        if (!ran_) throw user_error("the simulation has not been run yet; call run() first", {});
        return ledger_dict(sim_->ledger());
    }

    // Each device as it stands before the run (preset, settings, mapping tables).
    py::dict devices() const {
        check_idle();
        return devices_of(sim_->describe_devices());
    }

    py::dict populations() const {
        py::dict out;
        for (const auto& p : sim_->populations()) {
            out[py::str(p.name)] = py::dict(py::arg("model") = p.model, py::arg("size") = p.size,
                                           py::arg("source") = p.source);
        }
        return out;
    }

    py::dict projections() const {
        py::dict out;
        for (const auto& p : sim_->projections()) {
            out[py::str(p.name)] = py::dict(py::arg("pre") = p.pre, py::arg("post") = p.post,
                                           py::arg("receptor") = p.receptor, py::arg("n_synapses") = p.n_synapses);
        }
        return out;
    }

    const simulation& sim() const { return *sim_; }
    const std::string& config_text() const { return config_text_; }
    bool ran() const { return ran_; }

private:
    // Another Python thread may call in while run() has released the GIL; the vectors are
    // growing then, so no view of them may be handed out.
    void check_idle() const {
        if (running_) throw user_error("the simulation is running; ask for its results once run() returns", {});
    }

    void check_recorded() const {
        check_idle();
        if (!ran_) throw user_error("the simulation has not been run yet; call run() first", {});
        if (!kept_) {
            throw user_error("recordings were not kept in memory (run(keep_in_memory=False)); read them from the "
                             "run file with fluxon.analysis.open_run",
                             {});
        }
    }

    std::string config_text_;
    // The network refers to its models and devices to their families for its whole life.
    model_registry models_;
    device_registry families_;
    std::unique_ptr<simulation> sim_;
    bool running_ = false, ran_ = false, kept_ = false;
};

// What run() returns: the counters, and the recordings through the simulation that made them.
struct py_run_result {
    run_result counters;
    py::object simulation;
    py::object output;
};

py::dict per_population(const run_result& r) {
    py::dict out;
    for (const auto& [name, count] : r.spikes_per_population) out[py::str(name)] = count;
    return out;
}

void bind_simulation_class(py::module_& m) {
    py::class_<py_simulation>(m, "Simulation", R"(A network ready to run once.

Simulation(description)                  from a network description (fluxon.Network.build() makes one)
Simulation(config, overrides=[])         from a config file, with "dotted.key=value" overrides)")
        .def(py::init([](const py::dict& description) {
                 return std::make_unique<py_simulation>(spec_from_python(description));
             }),
             py::arg("description"))
        .def(py::init(&py_simulation::from_config), py::arg("config"), py::arg("overrides") = std::vector<std::string>{})
        .def(
            "run",
            [](py::object self, const py::object& output, const py::object& progress, bool keep_in_memory,
               bool overwrite) {
                run_result r = self.cast<py_simulation&>().run(output, progress, keep_in_memory, overwrite);
                return py_run_result{std::move(r), self, output.is_none() ? output : py::str(fspath(output))};
            },
            py::arg("output") = py::none(), py::arg("progress") = py::none(), py::arg("keep_in_memory") = true,
            py::arg("overwrite") = false,
            "Runs for the configured duration (once); progress is None or a callable (t_reached, t_end); an "
            "existing output file is refused unless overwrite=True.")
        .def(
            "spikes", [](py::object self, const std::string& population) {
                return self.cast<const py_simulation&>().spikes(self, population);
            },
            py::arg("population"), "(times float64 s, ids uint32): read-only views, no copy.")
        .def(
            "layer_events", [](py::object self, const std::string& layer) {
                return self.cast<const py_simulation&>().layer_events(self, layer);
            },
            py::arg("layer"),
            "(times float64 s, ids uint32, values float64) of a recorded layer: the flat index and value of every "
            "non-zero output entry, step by step; read-only views, no copy.")
        .def(
            "probe",
            [](py::object self, const std::string& population, const std::string& variable) {
                return self.cast<const py_simulation&>().probe(self, population, variable);
            },
            py::arg("population"), py::arg("variable"),
            "(times [n], ids [k], values [n, k]) in SI: read-only views, no copy.")
        .def("synapses", &py_simulation::synapses, py::arg("projection"),
             "{'pre', 'post', 'weight', 'delay'}: one entry per synapse, weights and delays in SI.")
        .def("ledger", &py_simulation::ledger,
             "The energy ledger after run(): {'component', 'action', 'source': str arrays, 'count': int64, "
             "'energy': J, 'latency': s}.")
        .def("devices", &py_simulation::devices,
             "Each device (by instance name) before the run: a fluxon.runfile.Device with its preset, settings "
             "and mapping tables (a chip's 'chunks', 'cores', 'links', 'weights'; a crossbar's 'projections', "
             "'tiles').")
        .def_property_readonly("populations", &py_simulation::populations)
        .def_property_readonly("projections", &py_simulation::projections)
        .def_property_readonly("dt", [](const py_simulation& s) { return s.sim().dt(); })
        .def_property_readonly("duration", [](const py_simulation& s) { return s.sim().duration(); })
        .def_property_readonly("seed", [](const py_simulation& s) { return s.sim().seed(); })
        .def_property_readonly("threads", [](const py_simulation& s) { return s.sim().threads(); })
        .def_property_readonly("config_text", &py_simulation::config_text)
        .def_property_readonly("has_run", &py_simulation::ran)
        .def("__repr__", [](const py_simulation& s) {
            return fmt::format("<fluxon.Simulation: {} populations, {} projections, dt={} s, duration={} s, seed={}>",
                               s.sim().populations().size(), s.sim().projections().size(), s.sim().dt(),
                               s.sim().duration(), s.sim().seed());
        });
}

void bind_result_class(py::module_& m) {
    py::class_<py_run_result>(m, "RunResult", "What Simulation.run() returns: status, counters and the recordings.")
        .def_property_readonly("status", [](const py_run_result& r) { return r.counters.status; })
        .def_property_readonly("time_reached", [](const py_run_result& r) { return r.counters.time_reached; })
        .def_property_readonly("steps", [](const py_run_result& r) { return r.counters.steps; })
        .def_property_readonly("n_spikes", [](const py_run_result& r) { return r.counters.spikes; })
        .def_property_readonly("synaptic_events", [](const py_run_result& r) { return r.counters.synaptic_events; })
        .def_property_readonly("events", [](const py_run_result& r) { return r.counters.events; })
        .def_property_readonly("windows", [](const py_run_result& r) { return r.counters.windows; })
        .def_property_readonly("parallel_windows", [](const py_run_result& r) { return r.counters.parallel_windows; },
                               "Windows whose shards ran on the threads in parallel (docs/engine.md).")
        .def_property_readonly("wall_time", [](const py_run_result& r) { return r.counters.wall_time; })
        .def_property_readonly("build_time", [](const py_run_result& r) { return r.counters.build_time; })
        .def_property_readonly("spikes_per_population", [](const py_run_result& r) { return per_population(r.counters); })
        .def_property_readonly("devices", [](const py_run_result& r) { return devices_of(r.counters.devices); },
                               "What each device did, by instance name ('chip', 'crossbar', ...): a "
                               "fluxon.runfile.Device (family, preset, stats, tables, ledger), as the run file holds it.")
        .def_property_readonly("layers", [](const py_run_result& r) { return layers_of(r.counters.layers); },
                               "What the layered network did (None without one): {'stats': NeuroBench's figures "
                               "per sample (footprint, connection_sparsity, activation_sparsity, effective_macs, "
                               "effective_acs, dense_ops, membrane_updates, ...), 'stats_units', 'tables': "
                               "{'layers': per-layer columns}, 'table_units'} (docs/layers.md).")
        .def_property_readonly("total_energy", [](const py_run_result& r) { return r.counters.total_energy(); },
                               "J spent by every device of the run together (0 without one).")
        .def_readonly("simulation", &py_run_result::simulation)
        .def_readonly("output", &py_run_result::output)
        .def(
            "spikes", [](const py_run_result& r, const std::string& p) { return r.simulation.attr("spikes")(p); },
            py::arg("population"))
        .def(
            "layer_events", [](const py_run_result& r, const std::string& l) { return r.simulation.attr("layer_events")(l); },
            py::arg("layer"))
        .def(
            "probe",
            [](const py_run_result& r, const std::string& p, const std::string& v) {
                return r.simulation.attr("probe")(p, v);
            },
            py::arg("population"), py::arg("variable"))
        .def(
            "synapses", [](const py_run_result& r, const std::string& p) { return r.simulation.attr("synapses")(p); },
            py::arg("projection"))
        .def("__repr__", [](const py_run_result& r) {
            return fmt::format("<fluxon.RunResult: {}, t={} s, {} spikes, {:.3g} s wall>", r.counters.status,
                               r.counters.time_reached, r.counters.spikes, r.counters.wall_time);
        });
}

}  // namespace

void register_simulation(py::module_& m) {
    bind_simulation_class(m);
    bind_result_class(m);
}

}  // namespace fluxon::py_bindings
