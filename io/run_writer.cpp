#include "io/run_writer.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <ctime>
#include <exception>
#include <filesystem>
#include <limits>
#include <optional>
#include <set>
#include <type_traits>
#include <utility>
#include <variant>

#include <fmt/format.h>

#include "engine/base/errors.hpp"
#include "io/hdf5.hpp"
#include "io/published_file.hpp"
#include "io/run_file_units.hpp"

namespace fluxon::io {

namespace {

constexpr std::int64_t format_version = 2;  // 2: /devices
constexpr hsize_t column_chunk = 65536;  // elements per chunk of a 1-D column (512 KiB of f8)
constexpr hsize_t probe_chunk_elements = 65536;
constexpr hsize_t max_probe_chunk_rows = 4096;
// Data waiting for the next flush is bounded so a burst cannot exhaust memory; reaching the
// bound flushes early, which only makes the file more current.
constexpr std::size_t max_pending_bytes = std::size_t{64} << 20;

using clock = std::chrono::steady_clock;

std::string utc_now_iso8601() {
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    std::array<char, 32> text{};
    const std::size_t n = std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%SZ", &utc);
    return std::string(text.data(), n);
}

hsize_t probe_chunk_rows(std::size_t width) {
    if (width == 0) return max_probe_chunk_rows;
    return std::clamp<hsize_t>(probe_chunk_elements / width, 1, max_probe_chunk_rows);
}

// Names become HDF5 link names, so they must be single, non-special path components.
// `where` (" in device 'chip'") says whose names they are when that is not obvious.
void require_valid_names(const std::string& path, const std::vector<std::string>& names, const std::string& what,
                         bool unique = true, const std::string& where = "") {
    std::set<std::string> seen;
    for (const std::string& name : names) {
        if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos)
            throw io_error("invalid " + what + " name '" + name + "'" + where + " (it names an HDF5 group)",
                           h5::file_site(path, name));
        if (!seen.insert(name).second && unique)
            throw io_error("two " + what + "s" + where + " are both named '" + name + "'", h5::file_site(path, name));
    }
}

// A report the writer could only write in part is refused before anything of it is written.
void validate_device(const std::string& path, const device_report& r) {
    require_valid_names(path, {r.instance}, "device instance");
    const std::string in_device = " in device '" + r.instance + "'";
    std::vector<std::string> tables;
    for (const data_table& t : r.tables) {
        tables.push_back(t.name);
        std::vector<std::string> columns;
        for (const data_column& c : t.columns) {
            columns.push_back(c.name);
            if (c.size() != t.rows())
                throw internal_error("device '" + r.instance + "', table '" + t.name + "': column '" + c.name +
                                     "' has " + std::to_string(c.size()) + " rows, the first column " +
                                     std::to_string(t.rows()));
        }
        require_valid_names(path, columns, "column", true, " of table '" + t.name + "'" + in_device);
    }
    require_valid_names(path, tables, "table", true, in_device);
    // Statistics at path "" also become attributes, so two of one name would overwrite each other.
    std::set<std::pair<std::string, std::string>> stats;
    for (const stat_entry& e : r.stats.entries()) {
        if (e.name.empty())
            throw io_error("a statistic at path '" + e.path + "'" + in_device + " has no name",
                           h5::file_site(path, r.instance));
        if (!stats.insert({e.path, e.name}).second)
            throw io_error("statistic '" + e.name + "' at path '" + e.path + "'" + in_device + " is reported twice",
                           h5::file_site(path, r.instance));
    }
    const ledger_columns& l = r.ledger;
    const std::size_t rows = l.component.size();
    if (l.action.size() != rows || l.source.size() != rows || l.count.size() != rows || l.energy.size() != rows ||
        l.latency.size() != rows)
        throw internal_error("device '" + r.instance + "': its ledger columns differ in length");
}

// Checked before the file is created, so a layout that cannot be written leaves no file.
void validate_layout(const std::string& path, const run_layout& layout) {
    const auto names = [](const auto& items, auto name_of) {
        std::vector<std::string> out;
        for (const auto& item : items) out.push_back(name_of(item));
        return out;
    };
    require_valid_names(path, names(layout.populations, [](const auto& p) { return p.name; }), "population");
    require_valid_names(path, names(layout.projections, [](const auto& p) { return p.name; }), "projection");
    require_valid_names(path, names(layout.spikes, [](const auto& s) { return s.population; }),
                        "spike recording of population");
    require_valid_names(path, names(layout.probes, [](const auto& p) { return p.population; }), "probed population",
                        false);
    require_valid_names(path, names(layout.probes, [](const auto& p) { return p.variable; }), "probed variable",
                        false);
    require_valid_names(path, names(layout.devices, [](const auto& d) { return d.instance; }), "device instance");
    for (const device_report& d : layout.devices) validate_device(path, d);
    std::set<std::string> probes;
    for (const probe_stream& p : layout.probes)
        if (!probes.insert(p.population + "/" + p.variable).second)
            throw io_error("variable '" + p.variable + "' of population '" + p.population + "' is probed twice",
                           h5::file_site(path, p.population));
}

struct spike_sink {
    h5::dataset times, ids;
    std::vector<double> pending_times;
    std::vector<std::uint32_t> pending_ids;
    std::optional<h5::dataset> values;  // graded streams
    std::vector<double> pending_values;
    std::size_t written = 0;  // bytes handed to HDF5, all datasets together
};

struct probe_sink {
    h5::dataset times, values;
    std::size_t width = 0;
    std::vector<double> pending_times, pending_values;
    std::size_t written = 0;  // bytes handed to HDF5, both datasets together
};

// A device with a group under /devices, kept so finish() can sum the devices' ledgers.
struct device_entry {
    std::string instance;
    bool finished = false;
    bool has_ledger = false;
    ledger_columns ledger;
    double static_energy = 0, dynamic_energy = 0;
};

// The columns exist from the start so a hardware model only appends, and readers see the same
// schema whether or not the ledger was filled.
h5::group create_ledger(const h5::group& parent) {
    h5::group ledger = parent.create_group("ledger");
    ledger.write_attr("status", "empty");
    ledger.create_extendible_strings("component", column_chunk);
    ledger.create_extendible_strings("action", column_chunk);
    ledger.create_extendible<std::int64_t>("count", column_chunk);
    ledger.create_extendible<double>("energy", column_chunk);
    ledger.create_extendible<double>("latency", column_chunk);
    ledger.create_extendible_strings("source", column_chunk);
    return ledger;
}

void fill_ledger(const h5::group& g, const ledger_columns& rows, double static_energy, double dynamic_energy) {
    g.open_dataset("component").append_strings(rows.component);
    g.open_dataset("action").append_strings(rows.action);
    g.open_dataset("count").append<std::int64_t>(rows.count);
    g.open_dataset("energy").append<double>(rows.energy);
    g.open_dataset("latency").append<double>(rows.latency);
    g.open_dataset("source").append_strings(rows.source);
    g.write_attr("status", "complete");
    g.write_attr("static_energy", static_energy);
    g.write_attr("dynamic_energy", dynamic_energy);
    g.write_attr("total_energy", static_energy + dynamic_energy);
}

// A device's ledger is written once, whole: plain columns, not the run ledger's appendable ones
// (whose string chunks take a megabyte each however few rows they hold).
void write_device_ledger(const h5::group& device, const device_report& r) {
    const h5::group g = device.create_group("ledger");
    g.write_strings("component", r.ledger.component);
    g.write_strings("action", r.ledger.action);
    g.write_vector<std::int64_t>("count", r.ledger.count);
    g.write_vector<double>("energy", r.ledger.energy);
    g.write_vector<double>("latency", r.ledger.latency);
    g.write_strings("source", r.ledger.source);
    g.write_attr("status", "complete");
    g.write_attr("static_energy", r.static_energy);
    g.write_attr("dynamic_energy", r.dynamic_energy);
    g.write_attr("total_energy", r.static_energy + r.dynamic_energy);
}

h5::group create_device_group(const h5::group& devices, const device_report& r) {
    h5::group g = devices.create_group(r.instance);
    g.write_attr("family", r.family);
    g.write_attr("instance", r.instance);
    g.write_attr("preset", r.preset);
    g.write_attr("preset_origin", r.preset_origin);
    g.write_attr("status", "running");
    if (!r.preset_text.empty()) g.write_string("preset_text", r.preset_text);
    return g;
}

// One row per statistic, its value in the column of its kind (the others hold 0, NaN, ""), so
// the whole tree reads back typed; the device-level ones (path "") are also attributes, for
// h5py users who want `stats.attrs["messages"]`.
void write_device_stats(const h5::group& device, const stats_tree& stats) {
    if (device.has("stats")) device.remove("stats");
    const h5::group g = device.create_group("stats");
    std::vector<std::string> path, name, unit, kind, text;
    std::vector<std::int64_t> integer;
    std::vector<double> real;
    for (const stat_entry& e : stats.entries()) {
        path.push_back(e.path);
        name.push_back(e.name);
        unit.push_back(e.unit);
        integer.push_back(0);
        real.push_back(std::numeric_limits<double>::quiet_NaN());
        text.emplace_back();
        std::visit(
            [&](const auto& value) {
                using V = std::decay_t<decltype(value)>;
                if constexpr (std::is_same_v<V, std::int64_t>) {
                    kind.emplace_back("integer");
                    integer.back() = value;
                } else if constexpr (std::is_same_v<V, double>) {
                    kind.emplace_back("real");
                    real.back() = value;
                } else {
                    kind.emplace_back("text");
                    text.back() = value;
                }
                if (e.path.empty()) g.write_attr(e.name, value);
            },
            e.value);
    }
    g.write_strings("path", path);
    g.write_strings("name", name);
    g.write_strings("unit", unit);
    g.write_strings("kind", kind);
    g.write_vector<std::int64_t>("integer", integer);
    g.write_vector<double>("real", real);
    g.write_strings("text", text);
}

// Tables already in the group (written when the run started) stay as they were.
void write_device_tables(const h5::group& device, const std::vector<data_table>& tables) {
    const h5::group group = device.require_group("tables");
    for (const data_table& t : tables) {
        if (group.has(t.name)) continue;
        const h5::group g = group.create_group(t.name);
        for (const data_column& c : t.columns) {
            const h5::dataset d = std::visit(
                [&](const auto& values) {
                    using V = std::decay_t<decltype(values)>;
                    if constexpr (std::is_same_v<V, std::vector<std::string>>) return g.write_strings(c.name, values);
                    else return g.write_vector<typename V::value_type>(c.name, values);
                },
                c.values);
            if (!c.unit.empty()) d.write_attr("unit", c.unit);
        }
    }
}

// What writing these takes on disk at most, with room to spare: compressed data can grow a
// little, and each new dataset or group costs its object header and index.
constexpr std::size_t dataset_slack = std::size_t{16} << 10;

std::size_t bytes_of(const std::vector<data_table>& tables) {
    std::size_t bytes = 0;
    for (const data_table& t : tables) {
        for (const data_column& c : t.columns) {
            bytes += dataset_slack;
            std::visit(
                [&](const auto& values) {
                    using V = std::decay_t<decltype(values)>;
                    if constexpr (std::is_same_v<V, std::vector<std::string>>) {
                        for (const std::string& v : values) bytes += v.size() + 32;
                    } else {
                        bytes += values.size() * sizeof(typename V::value_type);
                    }
                },
                c.values);
        }
    }
    return bytes;
}

std::size_t bytes_of(const stats_tree& stats) { return 7 * dataset_slack + stats.entries().size() * 256; }

std::size_t bytes_of(const device_report& r) {
    return bytes_of(r.tables) + bytes_of(r.stats) + r.preset_text.size() + 6 * dataset_slack +
           r.ledger.component.size() * 512;
}

}  // namespace

// HDF5 writes into a private working copy of the run file, and each flush publishes it
// whole (io/published_file.hpp): closed, renamed over the run file, then copied to go on
// writing. HDF5 rewrites B-tree nodes, object headers and the last, partly filled chunk of
// each dataset in place, or frees and reuses their space; a run killed during an in-place
// flush left files that opened but held another dataset's values, undecodable chunks, or
// fewer spikes than their time reached (HDF5 1.10.8). SWMR mode would keep the file
// consistent, but it leaves a "file open for SWMR write" flag that makes plain h5py refuse to
// open a killed run. A copy costs time in proportion to the file, so flushes are spaced to
// keep publishing below about 5 % of the run (slower flushes for very large files).
struct run_writer::impl {
    std::string path;
    published_file out;
    std::optional<h5::file> file;  // the working copy, between publications
    h5::dataset status, message, time_reached;
    std::vector<spike_sink> spikes;
    std::vector<probe_sink> probes;
    std::vector<device_entry> devices;  // in the order of their groups under /devices
    double flush_interval = 2.0;
    clock::time_point last_flush = clock::now();
    double publish_cost = 0;  // s, of the last publication (closing, renaming, copying, reopening)
    double reached = 0;
    double published_reached = 0;  // the time reached the run file says
    std::size_t pending_bytes = 0;
    bool finished = false;
    // The I/O error that stopped the writer; the file was marked failed with what it had
    // published before.
    std::exception_ptr broken;

    impl(const std::string& p, const run_layout& layout, double interval)
        : path(p), out(p), flush_interval(interval) {
        file.emplace(h5::file::create_as(out.start_empty(), p));
        try {
            std::size_t bytes = (64 + 4 * (layout.populations.size() + layout.projections.size() +
                                           layout.spikes.size() + layout.probes.size())) *
                                    dataset_slack +
                                2 * layout.meta.config_text.size();
            for (const probe_stream& probe : layout.probes) bytes += probe.ids.size() * sizeof(std::uint32_t);
            for (const spike_stream& spike : layout.spikes) bytes += spike.recorded_ids.size() * sizeof(std::uint32_t);
            for (const device_report& d : layout.devices) bytes += bytes_of(d);
            out.reserve(bytes);
            {
                const h5::group r = root();
                write_root_attrs(r, layout.meta);
                write_run_group(r);
                write_layout(r, layout);
                annotate_units(r);
            }
            commit();
            reopen();
            last_flush = clock::now();
        } catch (const error& e) {
            // Nothing was published yet, so the working copy is the only one to mark.
            try {
                if (!status || !message) throw;
                status.write_string("failed");
                message.write_string(std::string("could not create the run file: ") + e.detail());
                commit();
            } catch (...) {
                close_handles();
                file.reset();
                out.discard();
            }
            throw;
        }
    }

    h5::group root() const { return file->root(); }

    void write_root_attrs(const h5::group& root, const run_metadata& meta) const {
        root.write_attr("format", "fluxon-run");
        root.write_attr("format_version", format_version);
        root.write_attr("fluxon_version", meta.fluxon_version);
        root.write_attr("seed", meta.seed);
        root.write_attr("ticks_per_second", meta.ticks_per_second);
        root.write_attr("dt", meta.dt);
        root.write_attr("duration", meta.duration);
        root.write_attr("threads", std::int32_t{meta.threads});
        root.write_attr("created", utc_now_iso8601());
    }

    void write_run_group(const h5::group& root) {
        const h5::group run = root.create_group("run");
        status = run.write_string("status", "running");
        message = run.write_string("message", "");
        time_reached = run.write_scalar("time_reached", 0.0);
    }

    void write_layout(const h5::group& root, const run_layout& layout) {
        write_config(root, layout.meta);
        write_populations(root, layout.populations);
        write_projections(root, layout.projections);
        create_spike_streams(root, layout.spikes);
        create_probes(root, layout.probes);
        create_ledger(root);
        create_devices(root, layout.devices);
        write_weights(root, layout.weights);
    }

    static void write_weights(const h5::group& root, const std::vector<weight_record>& records) {
        if (records.empty()) return;
        const h5::group weights = root.create_group("weights");
        for (const weight_record& w : records) {
            const h5::group g = weights.create_group(w.projection);
            g.write_attr("pre", w.pre);
            g.write_attr("post", w.post);
            g.write_attr("receptor", w.receptor);
            g.write_vector<std::uint32_t>("pre", w.pre_ids).write_attr("units", "1");
            g.write_vector<std::uint32_t>("post", w.post_ids).write_attr("units", "1");
            g.write_vector<double>("weight", w.weights).write_attr("units", w.weight_unit);
            g.write_vector<double>("delay", w.delays).write_attr("units", "s");
        }
    }

    static void write_config(const h5::group& root, const run_metadata& meta) {
        const h5::group config = root.create_group("config");
        config.write_string("text", meta.config_text);
        config.write_string("source", meta.config_source);
        config.write_string("format", meta.config_format);
    }

    void write_populations(const h5::group& root, const std::vector<population_info>& populations) const {
        const h5::group group = root.create_group("populations");
        for (const population_info& p : populations) {
            const h5::group g = group.create_group(p.name);
            g.write_attr("size", p.size);
            g.write_attr("model", p.model);
            g.write_attr("kind", p.kind);
            g.write_attr("params_json", p.params_json);
        }
    }

    void write_projections(const h5::group& root, const std::vector<projection_info>& projections) const {
        const h5::group group = root.create_group("projections");
        for (const projection_info& p : projections) {
            const h5::group g = group.create_group(p.name);
            g.write_attr("pre", p.pre);
            g.write_attr("post", p.post);
            g.write_attr("receptor", p.receptor);
            g.write_attr("n_synapses", p.n_synapses);
            g.write_attr("connector", p.connector);
        }
    }

    // Where each sink's datasets are, to reopen them in every new working copy.
    std::vector<std::string> spike_groups, probe_groups;

    void create_spike_streams(const h5::group& root, const std::vector<spike_stream>& streams) {
        const h5::group group = root.create_group("spikes");
        for (const spike_stream& s : streams) {
            const h5::group g = group.create_group(s.population);
            spike_groups.push_back(g.path());
            g.write_attr("n_neurons", s.n_neurons);
            g.write_attr("subset", s.all ? "all" : "list");
            if (!s.all) g.write_vector<std::uint32_t>("recorded_ids", s.recorded_ids);
            spikes.push_back({.times = g.create_extendible<double>("times", column_chunk),
                              .ids = g.create_extendible<std::uint32_t>("ids", column_chunk),
                              .pending_times = {},
                              .pending_ids = {},
                              .values = {},
                              .pending_values = {}});
            if (s.graded) {
                g.write_attr("graded", std::int32_t{1});
                spikes.back().values = g.create_extendible<double>("values", column_chunk);
            }
        }
    }

    void create_probes(const h5::group& root, const std::vector<probe_stream>& streams) {
        const h5::group group = root.create_group("probes");
        for (const probe_stream& s : streams) {
            const h5::group g = group.require_group(s.population).create_group(s.variable);
            probe_groups.push_back(g.path());
            g.write_attr("units", s.units);
            g.write_attr("interval", s.interval);
            g.write_vector<std::uint32_t>("ids", s.ids);
            probes.push_back({.times = g.create_extendible<double>("times", column_chunk),
                              .values = g.create_extendible_rows<double>("values", s.ids.size(),
                                                                         probe_chunk_rows(s.ids.size())),
                              .width = s.ids.size(),
                              .pending_times = {},
                              .pending_values = {}});
        }
    }

    void create_devices(const h5::group& root, const std::vector<device_report>& reports) {
        const h5::group group = root.create_group("devices");
        for (const device_report& r : reports) {
            const h5::group g = create_device_group(group, r);
            write_device_tables(g, r.tables);
            if (!r.stats.entries().empty()) write_device_stats(g, r.stats);
            devices.push_back({.instance = r.instance});
        }
    }

    // A report that clashes with a device of the run is refused before anything is written.
    void check_device(const device_report& r) const {
        const auto entry = std::find_if(devices.begin(), devices.end(),
                                        [&](const device_entry& d) { return d.instance == r.instance; });
        if (entry == devices.end()) return;
        const std::string family = root().open_group("devices/" + r.instance).read_attr_string("family");
        if (r.family != family)
            throw io_error("two devices are both named '" + r.instance + "' (a " + family + " device and a " +
                               r.family + " device)",
                           h5::file_site(path, r.instance));
        if (entry->finished)
            throw internal_error("run_writer::finish_device: device '" + r.instance + "' finished twice on " + path);
    }

    void finish_device(const device_report& r) {
        const h5::group group = root().open_group("devices");
        auto entry = std::find_if(devices.begin(), devices.end(),
                                  [&](const device_entry& d) { return d.instance == r.instance; });
        if (entry == devices.end()) {
            create_device_group(group, r);
            devices.push_back({.instance = r.instance});
            entry = devices.end() - 1;
        }
        const h5::group g = group.open_group(r.instance);
        if (!r.preset_text.empty() && !g.has("preset_text")) g.write_string("preset_text", r.preset_text);
        // A report without statistics keeps those written at the start; a complete device
        // always has the (possibly empty) columns.
        if (!r.stats.entries().empty() || !g.has("stats")) write_device_stats(g, r.stats);
        write_device_tables(g, r.tables);
        if (r.has_ledger) {
            write_device_ledger(g, r);
            entry->has_ledger = true;
            entry->ledger = r.ledger;
            entry->static_energy = r.static_energy;
            entry->dynamic_energy = r.dynamic_energy;
        }
        g.write_attr("status", "complete");
        entry->finished = true;
    }

    // The run's ledger is the devices' ledgers together, in the order of their groups.
    void write_device_ledgers() const {
        ledger_columns rows;
        double static_energy = 0, dynamic_energy = 0;
        bool any = false;
        for (const device_entry& d : devices) {
            if (!d.has_ledger) continue;
            any = true;
            rows.append(d.ledger);
            static_energy += d.static_energy;
            dynamic_energy += d.dynamic_energy;
        }
        if (any) fill_ledger(root().open_group("ledger"), rows, static_energy, dynamic_energy);
    }

    void write_counters(const run_counters& counters) const {
        const h5::group group = root().create_group("counters");
        group.write_scalar("steps", counters.steps);
        group.write_scalar("spikes", counters.spikes);
        group.write_scalar("synaptic_events", counters.synaptic_events);
        group.write_scalar("events", counters.events);
        group.write_scalar("wall_time", counters.wall_time);
        group.write_scalar("build_time", counters.build_time);
        group.write_scalar("windows", counters.windows);
        group.write_scalar("parallel_windows", counters.parallel_windows);
        const h5::group per_population = group.create_group("spikes_per_population");
        for (const auto& [population, count] : counters.spikes_per_population)
            per_population.write_scalar(population, count);
    }

    void require_open(const char* operation) const {
        if (broken) std::rethrow_exception(broken);
        if (finished) throw internal_error(std::string("run_writer::") + operation + " after finish() on " + path);
    }

    // Runs `step`, which writes; the first I/O error stops the writer: the run file is marked
    // failed as of its last publication and the error goes on to the caller.
    template <class Step>
    void guarded(Step step) {
        try {
            step();
        } catch (const io_error& e) {
            // Said where the user reads it, and in /run/message.
            const std::string text =
                fmt::format("{}; the file holds the run up to its last flush (t = {:g} s)", e.detail(), published_reached);
            broken = std::make_exception_ptr(io_error(text, e.site()));
            fail_safely(text);
            std::rethrow_exception(broken);
        } catch (const std::exception& e) {
            broken = std::current_exception();
            fail_safely(e.what());
            throw;
        }
    }

    void note_pending(std::size_t bytes) {
        pending_bytes += bytes;
        // Into the working copy, which readers do not see: its time reached moves only when
        // every spike and sample up to it is there.
        if (pending_bytes >= max_pending_bytes) {
            reserve_for_pending();
            write_pending();
        }
    }

    // Room for the buffered data and what HDF5 rewrites to append it: each dataset that grows
    // rewrites its last, partly filled chunk elsewhere (a chunk is at most 512 KiB).
    void reserve_for_pending(std::size_t more = 0) {
        constexpr std::size_t chunk = 512 * 1024;
        // Deflate grows incompressible data by well under 1 %.
        std::size_t bytes = pending_bytes + pending_bytes / 8 + 4 * dataset_slack + more;
        for (const spike_sink& s : spikes) {
            if (s.pending_times.empty()) continue;
            const std::size_t datasets = s.values ? 3 : 2;
            bytes += std::min(datasets * chunk, s.written) + datasets * dataset_slack;
        }
        for (const probe_sink& p : probes) {
            if (!p.pending_times.empty()) bytes += std::min(2 * chunk, p.written) + 2 * dataset_slack;
        }
        out.reserve(bytes);
    }

    void write_pending() {
        for (spike_sink& s : spikes) {
            s.written += s.pending_times.size() * 12 + s.pending_values.size() * 8;
            s.times.append<double>(s.pending_times);
            s.ids.append<std::uint32_t>(s.pending_ids);
            if (s.values) s.values->append<double>(s.pending_values);
            s.pending_times.clear();
            s.pending_ids.clear();
            s.pending_values.clear();
        }
        for (probe_sink& p : probes) {
            p.written += (p.pending_times.size() + p.pending_values.size()) * 8;
            p.times.append<double>(p.pending_times);
            p.values.append_rows<double>(p.pending_values, p.pending_times.size());
            p.pending_times.clear();
            p.pending_values.clear();
        }
        pending_bytes = 0;
    }

    bool flush_due() const {
        const std::chrono::duration<double> since = clock::now() - last_flush;
        return since.count() >= std::max(flush_interval, 19 * publish_cost);
    }

    void flush() {
        h5::silence_errors();
        reserve_for_pending();
        write_pending();
        time_reached.write_scalar(reached);
        annotate_units(file->root());
        // Compressing and writing the new data, which an in-place flush did too, is not counted
        // as the cost of publishing.
        file->flush();
        const auto start = clock::now();
        commit();
        published_reached = reached;
        reopen();
        last_flush = clock::now();
        publish_cost = std::chrono::duration<double>(last_flush - start).count();
    }

    void close_handles() noexcept {
        for (spike_sink& s : spikes) {
            s.times.close();
            s.ids.close();
            if (s.values) s.values->close();
        }
        for (probe_sink& p : probes) p.times.close(), p.values.close();
        status.close();
        message.close();
        time_reached.close();
    }

    // The working copy becomes the run file.
    void commit() {
        close_handles();
        file->close_completely();
        file.reset();
        out.publish();
    }

    // A new working copy of the run file, with every dataset the writer appends to open.
    void reopen() {
        file.emplace(h5::file::open_read_write(out.start_from_published(), path));
        const h5::group r = root();
        status = r.open_dataset("run/status");
        message = r.open_dataset("run/message");
        time_reached = r.open_dataset("run/time_reached");
        for (std::size_t i = 0; i < spikes.size(); ++i) {
            const h5::group g = r.open_group(spike_groups[i]);
            spikes[i].times = g.open_dataset("times");
            spikes[i].ids = g.open_dataset("ids");
            if (spikes[i].values) spikes[i].values = g.open_dataset("values");
        }
        for (std::size_t i = 0; i < probes.size(); ++i) {
            const h5::group g = r.open_group(probe_groups[i]);
            probes[i].times = g.open_dataset("times");
            probes[i].values = g.open_dataset("values");
        }
    }

    // Ends the run file with `status` and what is buffered; on an I/O error, the file is marked
    // failed as of its last publication and the error goes on.
    void end(const std::string& end_status, const std::string& text, const run_counters* counters) {
        guarded([&] {
            h5::silence_errors();
            std::size_t more = 0;
            for (const device_entry& d : devices) more += d.ledger.component.size() * 512;
            if (counters != nullptr) more += 16 * dataset_slack + counters->spikes_per_population.size() * 4096;
            reserve_for_pending(more);
            write_pending();
            if (counters != nullptr) {
                write_device_ledgers();
                write_counters(*counters);
            }
            time_reached.write_scalar(reached);
            status.write_string(end_status);
            message.write_string(text);
            finished = true;
            annotate_units(file->root());
            commit();
        });
    }

    // For a writer that cannot go on: the working copy is dropped (it may be half written),
    // and the run file, as last published, is marked failed with `text`. Through a new copy
    // when there is room for one, else in place (a kill in that moment could damage it). The
    // file is left as it is when neither works. Never throws.
    void fail_safely(const std::string& text) noexcept {
        finished = true;
        h5::silence_errors();
        // A full disk is mostly found before HDF5 writes (published_file::reserve), so the working
        // copy closes normally; one whose flush failed is let go (h5::file::close).
        close_handles();
        try {
            if (file) file->close();
        } catch (...) {
        }
        file.reset();
        out.discard();
        try {
            h5::file copy = h5::file::open_read_write(out.start_from_published(), path);
            write_status(copy, text);
            copy.close_completely();
            out.publish();
            return;
        } catch (...) {
            out.discard();
        }
        // Only with room set aside for it: a write that failed half way could damage the file.
        if (!out.reserve_in_place(std::size_t{1} << 20)) return;
        try {
            h5::file in_place = h5::file::open_read_write(path, path);
            write_status(in_place, text);
            in_place.close();
        } catch (...) {
        }
        out.release_in_place();
    }

    static void write_status(const h5::file& f, const std::string& text) {
        const h5::group r = f.root();
        r.open_dataset("run/status").write_string("failed");
        r.open_dataset("run/message").write_string(text);
    }
};

void refuse_existing_output(const std::string& path, bool overwrite, std::string_view how) {
    std::error_code ec;
    if (overwrite || !std::filesystem::exists(path, ec)) return;
    error_site site;
    site.file = path;
    throw io_error(fmt::format("the file already exists; pass {} to overwrite it", how), site);
}

run_writer::run_writer(const std::string& path, const run_layout& layout, double flush_interval_s) {
    validate_layout(path, layout);
    impl_ = std::make_unique<impl>(path, layout, flush_interval_s);
}

run_writer::~run_writer() {
    if (!impl_ || impl_->finished) return;
    try {
        impl_->end("failed", "the run ended without finishing its output (writer destroyed before finish())", nullptr);
    } catch (...) {  // the file is marked failed as far as it can be
    }
}

void run_writer::append_spikes(std::size_t index, std::span<const double> times,
                               std::span<const std::uint32_t> ids, std::span<const double> values) {
    impl_->require_open("append_spikes");
    if (index >= impl_->spikes.size())
        throw internal_error("run_writer::append_spikes: no spike stream " + std::to_string(index));
    if (times.size() != ids.size())
        throw internal_error("run_writer::append_spikes: " + std::to_string(times.size()) + " times but " +
                             std::to_string(ids.size()) + " ids");
    spike_sink& sink = impl_->spikes[index];
    if (sink.values.has_value() != !values.empty() && !times.empty())
        throw internal_error("run_writer::append_spikes: values " + std::string(values.empty() ? "missing" : "given") +
                             " for spike stream " + std::to_string(index));
    if (!values.empty() && values.size() != times.size())
        throw internal_error("run_writer::append_spikes: " + std::to_string(times.size()) + " times but " +
                             std::to_string(values.size()) + " values");
    sink.pending_times.insert(sink.pending_times.end(), times.begin(), times.end());
    sink.pending_ids.insert(sink.pending_ids.end(), ids.begin(), ids.end());
    sink.pending_values.insert(sink.pending_values.end(), values.begin(), values.end());
    impl_->guarded([&] { impl_->note_pending(times.size_bytes() + ids.size_bytes() + values.size_bytes()); });
}

void run_writer::append_probe(std::size_t index, std::span<const double> times,
                              std::span<const double> values) {
    impl_->require_open("append_probe");
    if (index >= impl_->probes.size())
        throw internal_error("run_writer::append_probe: no probe " + std::to_string(index));
    probe_sink& sink = impl_->probes[index];
    if (values.size() != times.size() * sink.width)
        throw internal_error("run_writer::append_probe: " + std::to_string(values.size()) + " values for " +
                             std::to_string(times.size()) + " samples of " + std::to_string(sink.width) +
                             " neurons");
    sink.pending_times.insert(sink.pending_times.end(), times.begin(), times.end());
    sink.pending_values.insert(sink.pending_values.end(), values.begin(), values.end());
    impl_->guarded([&] { impl_->note_pending(times.size_bytes() + values.size_bytes()); });
}

void run_writer::progress(double time_reached) {
    impl_->require_open("progress");
    impl_->reached = time_reached;
    if (impl_->flush_due()) impl_->guarded([&] { impl_->flush(); });
}

void run_writer::flush() {
    impl_->require_open("flush");
    impl_->guarded([&] { impl_->flush(); });
}

void run_writer::write_layers(const stats_tree& stats, const std::vector<data_table>& tables) {
    impl_->require_open("write_layers");
    impl_->guarded([&] {
        impl_->out.reserve(bytes_of(stats) + bytes_of(tables));
        const h5::group g = impl_->root().require_group("layers");
        write_device_stats(g, stats);
        write_device_tables(g, tables);
    });
}

void run_writer::finish_device(const device_report& report) {
    impl_->require_open("finish_device");
    validate_device(impl_->path, report);
    impl_->check_device(report);
    impl_->guarded([&] {
        impl_->out.reserve(bytes_of(report));
        impl_->finish_device(report);
        impl_->flush();
    });
}

void run_writer::finish(const run_counters& counters, const std::string& status,
                        const std::string& message) {
    if (status == "failed" && impl_->broken) return;  // marked failed when the writing failed
    impl_->require_open("finish");
    if (status != "complete" && status != "interrupted" && status != "failed")
        throw internal_error("run_writer::finish: status must be complete, interrupted or failed, not '" +
                             status + "'");
    if (status != "failed") {
        impl_->end(status, message, &counters);
        return;
    }
    // A run that failed reports its own error; one from the file would replace it.
    try {
        impl_->end(status, message, &counters);
    } catch (...) {
    }
}

const std::string& run_writer::path() const { return impl_->path; }

}  // namespace fluxon::io
