#include "io/run_reader.hpp"

#include <fmt/format.h>

#include "engine/errors.hpp"
#include "io/hdf5.hpp"

namespace fluxon::io {

namespace {

constexpr std::int64_t newest_format_version = 1;

[[noreturn]] void not_a_run(const std::string& path, const std::string& why) {
    throw io_error("not a fluxon run file: " + why + " (expected root attribute format=\"fluxon-run\")",
                   h5::file_site(path));
}

void check_format(const h5::group& root, const std::string& path) {
    if (!root.has_attr("format")) not_a_run(path, "no 'format' attribute");
    std::string format;
    try {
        format = root.read_attr_string("format");
    } catch (const io_error&) {
        not_a_run(path, "the 'format' attribute is not a string");
    }
    if (format != "fluxon-run") not_a_run(path, "format is \"" + format + "\"");
}

double rate_hz(std::uint64_t spikes, std::uint64_t neurons, double seconds) {
    if (neurons == 0 || !(seconds > 0)) return 0;
    return static_cast<double>(spikes) / static_cast<double>(neurons) / seconds;
}

double per_second(std::int64_t count, double seconds) {
    return seconds > 0 ? static_cast<double>(count) / seconds : 0;
}

void read_root(const h5::group& root, run_summary& out) {
    out.format_version = root.read_attr<std::int64_t>("format_version");
    if (out.format_version > newest_format_version || out.format_version < 1)
        throw io_error(fmt::format("run file format_version {} is not supported (this fluxon reads 1 to {})",
                                   out.format_version, newest_format_version),
                       h5::file_site(out.path));
    out.fluxon_version = root.read_attr_string("fluxon_version");
    out.created = root.read_attr_string("created");
    out.seed = root.read_attr<std::uint64_t>("seed");
    out.ticks_per_second = root.read_attr<std::int64_t>("ticks_per_second");
    out.dt = root.read_attr<double>("dt");
    out.duration = root.read_attr<double>("duration");
    out.threads = root.read_attr<std::int32_t>("threads");
    out.status = root.read_string("run/status");
    out.message = root.read_string("run/message");
    out.time_reached = root.read_scalar<double>("run/time_reached");
    out.config_source = root.read_string("config/source");
    out.config_format = root.read_string("config/format");
    out.config_bytes = root.read_string("config/text").size();
}

void read_populations(const h5::group& root, run_summary& out) {
    if (!root.has_group("populations")) return;
    const h5::group group = root.open_group("populations");
    for (const std::string& name : group.children()) {
        const h5::group g = group.open_group(name);
        out.populations.push_back({.name = name,
                                   .model = g.read_attr_string("model"),
                                   .kind = g.read_attr_string("kind"),
                                   .size = g.read_attr<std::uint32_t>("size")});
    }
}

void read_projections(const h5::group& root, run_summary& out) {
    if (!root.has_group("projections")) return;
    const h5::group group = root.open_group("projections");
    for (const std::string& name : group.children()) {
        const h5::group g = group.open_group(name);
        out.projections.push_back({.name = name,
                                   .pre = g.read_attr_string("pre"),
                                   .post = g.read_attr_string("post"),
                                   .receptor = g.read_attr_string("receptor"),
                                   .connector = g.read_attr_string("connector"),
                                   .n_synapses = g.read_attr<std::uint64_t>("n_synapses")});
    }
}

void read_spikes(const h5::group& root, run_summary& out) {
    if (!root.has_group("spikes")) return;
    const h5::group group = root.open_group("spikes");
    for (const std::string& name : group.children()) {
        const h5::group g = group.open_group(name);
        spike_summary s;
        s.population = name;
        s.n_neurons = g.read_attr<std::uint32_t>("n_neurons");
        s.subset = g.read_attr_string("subset");
        s.recorded_neurons = s.subset == "list" ? g.open_dataset("recorded_ids").size() : s.n_neurons;
        s.n_spikes = g.open_dataset("times").size();
        s.mean_rate_hz = rate_hz(s.n_spikes, s.recorded_neurons, out.time_reached);
        out.spikes.push_back(std::move(s));
    }
}

void read_probes(const h5::group& root, run_summary& out) {
    if (!root.has_group("probes")) return;
    const h5::group group = root.open_group("probes");
    for (const std::string& population : group.children()) {
        const h5::group pop = group.open_group(population);
        for (const std::string& variable : pop.children()) {
            const h5::group g = pop.open_group(variable);
            const std::vector<hsize_t> dims = g.open_dataset("values").dims();
            out.probes.push_back({.population = population,
                                  .variable = variable,
                                  .units = g.read_attr_string("units"),
                                  .n_samples = dims.empty() ? 0 : dims[0],
                                  .n_neurons = g.open_dataset("ids").size(),
                                  .interval = g.read_attr<double>("interval")});
        }
    }
}

void read_counters(const h5::group& root, run_summary& out) {
    if (!root.has_group("counters")) return;
    const h5::group g = root.open_group("counters");
    counters_summary c;
    c.steps = g.read_scalar<std::int64_t>("steps");
    c.spikes = g.read_scalar<std::int64_t>("spikes");
    c.synaptic_events = g.read_scalar<std::int64_t>("synaptic_events");
    c.events = g.read_scalar<std::int64_t>("events");
    c.wall_time = g.read_scalar<double>("wall_time");
    c.build_time = g.read_scalar<double>("build_time");
    c.synaptic_events_per_second = per_second(c.synaptic_events, c.wall_time);
    c.events_per_second = per_second(c.events, c.wall_time);
    if (g.has_group("spikes_per_population")) {
        const h5::group per = g.open_group("spikes_per_population");
        for (const std::string& name : per.children())
            c.spikes_per_population.emplace_back(name, per.read_scalar<std::int64_t>(name));
    }
    out.counters = std::move(c);
}

void read_ledger(const h5::group& root, run_summary& out) {
    if (!root.has_group("ledger")) return;
    const h5::group g = root.open_group("ledger");
    ledger_summary l;
    l.status = g.has_attr("status") ? g.read_attr_string("status") : "";
    l.rows = g.has("count") ? g.open_dataset("count").size() : 0;
    out.ledger = std::move(l);
}

std::string format_rate(double hz) { return fmt::format("{:.4g} Hz", hz); }

void format_structure(const run_summary& s, std::string& out) {
    out += "populations:\n";
    if (s.populations.empty()) out += "  (none)\n";
    for (const auto& p : s.populations)
        out += fmt::format("  {:<16} {:>10} neurons  {} ({})\n", p.name, p.size, p.model, p.kind);
    out += "projections:\n";
    if (s.projections.empty()) out += "  (none)\n";
    for (const auto& p : s.projections)
        out += fmt::format("  {:<16} {} -> {}  {} synapses  ({}, {})\n", p.name, p.pre, p.post, p.n_synapses,
                           p.connector, p.receptor);
}

void format_recordings(const run_summary& s, std::string& out) {
    out += "spikes:\n";
    if (s.spikes.empty()) out += "  (none recorded)\n";
    for (const auto& sp : s.spikes)
        out += fmt::format("  {:<16} {:>10} spikes from {} neurons ({}), mean rate {}\n", sp.population,
                           sp.n_spikes, sp.recorded_neurons, sp.subset, format_rate(sp.mean_rate_hz));
    out += "probes:\n";
    if (s.probes.empty()) out += "  (none)\n";
    for (const auto& p : s.probes)
        out += fmt::format("  {:<16} {} samples x {} neurons  [{}]  every {:g} s\n", p.population + "/" + p.variable,
                           p.n_samples, p.n_neurons, p.units, p.interval);
}

void format_counters(const run_summary& s, std::string& out) {
    if (!s.counters) {
        out += "counters:       not written (the run did not finish)\n";
    } else {
        const counters_summary& c = *s.counters;
        out += "counters:\n";
        out += fmt::format("  wall time       {:.6g} s (build {:.6g} s)\n", c.wall_time, c.build_time);
        out += fmt::format("  steps           {}\n", c.steps);
        out += fmt::format("  spikes          {}\n", c.spikes);
        out += fmt::format("  synaptic events {} ({:.4g} events/s)\n", c.synaptic_events,
                           c.synaptic_events_per_second);
        out += fmt::format("  events          {} ({:.4g} events/s)\n", c.events, c.events_per_second);
    }
    if (!s.ledger) out += "ledger:         absent\n";
    else if (s.ledger->rows == 0) out += fmt::format("ledger:         present, {}\n", s.ledger->status);
    else out += fmt::format("ledger:         present, {} rows ({})\n", s.ledger->rows, s.ledger->status);
}

}  // namespace

run_summary read_run_summary(const std::string& path) {
    const h5::file file = h5::file::open_read_only(path);
    const h5::group root = file.root();
    check_format(root, path);
    run_summary out;
    out.path = path;
    read_root(root, out);
    read_populations(root, out);
    read_projections(root, out);
    read_spikes(root, out);
    read_probes(root, out);
    read_counters(root, out);
    read_ledger(root, out);
    return out;
}

std::string format_run_summary(const run_summary& s) {
    std::string out;
    out += fmt::format("run file:       {}\n", s.path);
    out += fmt::format("status:         {}{}\n", s.status, s.message.empty() ? "" : " (" + s.message + ")");
    out += fmt::format("fluxon:         {} (format {}), created {}\n", s.fluxon_version, s.format_version,
                       s.created);
    out += fmt::format("seed:           {}\n", s.seed);
    out += fmt::format("dt:             {:g} s\n", s.dt);
    out += fmt::format("duration:       {:g} s requested, {:g} s reached\n", s.duration, s.time_reached);
    out += fmt::format("threads:        {}\n", s.threads);
    out += fmt::format("config:         {} ({}, {} bytes)\n", s.config_source, s.config_format, s.config_bytes);
    format_structure(s, out);
    format_recordings(s, out);
    format_counters(s, out);
    return out;
}

std::string summarize_run(const std::string& path) { return format_run_summary(read_run_summary(path)); }

}  // namespace fluxon::io
