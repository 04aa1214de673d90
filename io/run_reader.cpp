#include "io/run_reader.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string_view>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "engine/base/errors.hpp"
#include "io/hdf5.hpp"
#include "io/isolated_read.hpp"

namespace fluxon::io {

namespace {

constexpr std::int64_t newest_format_version = 2;

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
    // Groups of other layouts (format 1's family groups) are named, so nobody thinks them empty.
    static constexpr std::string_view read_here[] = {"run", "config", "populations", "projections", "spikes",
                                                     "probes", "counters", "ledger", "devices", "layers", "weights"};
    for (const std::string& child : root.children()) {
        if (std::find(std::begin(read_here), std::end(read_here), child) == std::end(read_here)) {
            out.unread_groups.push_back(child);
        }
    }
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
        s.graded = g.has("values");
        out.spikes.push_back(std::move(s));
    }
}

void read_weights(const h5::group& root, run_summary& out) {
    if (!root.has_group("weights")) return;
    const h5::group group = root.open_group("weights");
    for (const std::string& projection : group.children()) {
        out.weights.emplace_back(projection, group.open_group(projection).open_dataset("weight").size());
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
    const std::vector<std::string> names = g.children();
    if (std::find(names.begin(), names.end(), "windows") != names.end()) {
        c.windows = g.read_scalar<std::int64_t>("windows");
        c.parallel_windows = g.read_scalar<std::int64_t>("parallel_windows");
    }
    c.synaptic_events_per_second = per_second(c.synaptic_events, c.wall_time);
    c.events_per_second = per_second(c.events, c.wall_time);
    if (g.has_group("spikes_per_population")) {
        const h5::group per = g.open_group("spikes_per_population");
        for (const std::string& name : per.children())
            c.spikes_per_population.emplace_back(name, per.read_scalar<std::int64_t>(name));
    }
    out.counters = std::move(c);
}

// The type of a component: its last path segment without an instance index ("chip/core[3]/
// synapse" → "synapse", "chip/core[3]" → "core").
std::string component_type(const std::string& component) {
    const std::size_t slash = component.rfind('/');
    std::string last = slash == std::string::npos ? component : component.substr(slash + 1);
    const std::size_t bracket = last.find('[');
    return bracket == std::string::npos || bracket == 0 ? last : last.substr(0, bracket);
}

void add_ledger_shares(const std::vector<std::string>& components, const std::vector<std::string>& actions,
                       const std::vector<std::int64_t>& counts, const std::vector<double>& energies,
                       ledger_summary& l) {
    std::map<std::pair<std::string, std::string>, ledger_share> shares;
    for (std::size_t i = 0; i < components.size() && i < actions.size() && i < counts.size() && i < energies.size();
         ++i) {
        const std::string type = component_type(components[i]);
        ledger_share& s = shares[{type, actions[i]}];
        s.type = type;
        s.action = actions[i];
        s.count += static_cast<std::uint64_t>(counts[i]);
        s.energy += energies[i];
        (actions[i] == "static" ? l.static_energy : l.dynamic_energy) += energies[i];
    }
    l.total_energy = l.static_energy + l.dynamic_energy;
    for (auto& [key, share] : shares) l.shares.push_back(std::move(share));
    std::stable_sort(l.shares.begin(), l.shares.end(),
                     [](const ledger_share& a, const ledger_share& b) { return a.energy > b.energy; });
}

void read_ledger_shares(const h5::group& g, ledger_summary& l) {
    add_ledger_shares(g.open_dataset("component").read_strings(), g.open_dataset("action").read_strings(),
                      g.open_dataset("count").read_all<std::int64_t>(), g.open_dataset("energy").read_all<double>(), l);
}

ledger_summary read_ledger_group(const h5::group& g) {
    ledger_summary l;
    l.status = g.has_attr("status") ? g.read_attr_string("status") : "";
    l.rows = g.has("count") ? g.open_dataset("count").size() : 0;
    if (l.rows > 0) read_ledger_shares(g, l);
    return l;
}

void read_ledger(const h5::group& root, run_summary& out) {
    if (!root.has_group("ledger")) return;
    out.ledger = read_ledger_group(root.open_group("ledger"));
}

[[noreturn]] void bad_device_part(const h5::group& g, const std::string& why) {
    throw io_error("run file: " + g.path() + " " + why, h5::file_site(g.file_path()));
}

stats_tree read_device_stats(const h5::group& g) {
    const auto path = g.open_dataset("path").read_strings();
    const auto name = g.open_dataset("name").read_strings();
    const auto unit = g.open_dataset("unit").read_strings();
    const auto kind = g.open_dataset("kind").read_strings();
    const auto integer = g.open_dataset("integer").read_all<std::int64_t>();
    const auto real = g.open_dataset("real").read_all<double>();
    const auto text = g.open_dataset("text").read_strings();
    const std::size_t n = path.size();
    if (name.size() != n || unit.size() != n || kind.size() != n || integer.size() != n || real.size() != n ||
        text.size() != n)
        bad_device_part(g, "has columns of different lengths");
    stats_tree stats;
    for (std::size_t i = 0; i < n; ++i) {
        if (kind[i] == "integer") stats.add(path[i], name[i], integer[i], unit[i]);
        else if (kind[i] == "real") stats.add(path[i], name[i], real[i], unit[i]);
        else if (kind[i] == "text") stats.add(path[i], name[i], text[i]);
        else bad_device_part(g, "row " + std::to_string(i) + " has kind '" + kind[i] + "' (expected integer, real or text)");
    }
    return stats;
}

std::vector<device_table_summary> read_device_tables(const h5::group& tables) {
    std::vector<device_table_summary> out;
    for (const std::string& name : tables.children()) {
        const h5::group g = tables.open_group(name);
        device_table_summary t{.name = name, .rows = 0, .columns = g.children()};
        for (std::size_t c = 0; c < t.columns.size(); ++c) {
            const hsize_t rows = g.open_dataset(t.columns[c]).size();
            if (c > 0 && rows != t.rows)
                bad_device_part(g, "has columns of different lengths ('" + t.columns[0] + "' " +
                                       std::to_string(t.rows) + ", '" + t.columns[c] + "' " + std::to_string(rows) + ")");
            t.rows = rows;
        }
        out.push_back(std::move(t));
    }
    return out;
}

// A layered network's report (/layers): its statistics and tables, read as a device's are.
void read_layers(const h5::group& root, run_summary& out) {
    if (!root.has_group("layers")) return;
    const h5::group g = root.open_group("layers");
    device_summary d;
    d.instance = "layers";
    d.status = "complete";
    if (g.has_group("stats")) d.stats = read_device_stats(g.open_group("stats"));
    if (g.has_group("tables")) d.tables = read_device_tables(g.open_group("tables"));
    out.layers = std::move(d);
}

void read_devices(const h5::group& root, run_summary& out) {
    if (!root.has_group("devices")) return;
    const h5::group devices = root.open_group("devices");
    for (const std::string& instance : devices.children()) {
        const h5::group g = devices.open_group(instance);
        device_summary d;
        d.family = g.read_attr_string("family");
        d.instance = g.read_attr_string("instance");
        d.preset = g.read_attr_string("preset");
        d.preset_origin = g.read_attr_string("preset_origin");
        d.status = g.read_attr_string("status");
        if (g.has_group("stats")) d.stats = read_device_stats(g.open_group("stats"));
        if (g.has_group("tables")) d.tables = read_device_tables(g.open_group("tables"));
        if (g.has_group("ledger")) {
            const h5::group l = g.open_group("ledger");
            ledger_summary ledger = read_ledger_group(l);
            // The device's own totals: not every family calls its static rows "static".
            if (l.has_attr("total_energy")) {
                ledger.static_energy = l.read_attr<double>("static_energy");
                ledger.dynamic_energy = l.read_attr<double>("dynamic_energy");
                ledger.total_energy = l.read_attr<double>("total_energy");
            }
            d.ledger = std::move(ledger);
        }
        out.devices.push_back(std::move(d));
    }
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
    for (const auto& sp : s.spikes) {
        if (sp.graded) {
            out += fmt::format("  {:<16} {:>10} events (non-zero entries with values) of a layer of {}\n",
                               sp.population, sp.n_spikes, sp.n_neurons);
            continue;
        }
        out += fmt::format("  {:<16} {:>10} spikes from {} neurons ({}), mean rate {}\n", sp.population,
                           sp.n_spikes, sp.recorded_neurons, sp.subset, format_rate(sp.mean_rate_hz));
    }
    out += "probes:\n";
    if (s.probes.empty()) out += "  (none)\n";
    for (const auto& p : s.probes)
        out += fmt::format("  {:<16} {} samples x {} neurons  [{}]  every {:g} s\n", p.population + "/" + p.variable,
                           p.n_samples, p.n_neurons, p.units, p.interval);
    if (s.weights.empty()) return;
    out += "weights:\n";
    for (const auto& [projection, synapses] : s.weights) out += fmt::format("  {:<16} {} synapses\n", projection, synapses);
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
        if (s.threads > 1 && c.windows > 0) {
            out += fmt::format("  windows         {} ({:.0f} % with the threads in parallel; the rest ran on one "
                               "thread, which was faster for them)\n",
                               c.windows, 100.0 * static_cast<double>(c.parallel_windows) / static_cast<double>(c.windows));
        }
    }
    if (!s.ledger) out += "ledger:         absent\n";
    else if (s.ledger->rows == 0) out += fmt::format("ledger:         present, {}\n", s.ledger->status);
    else out += fmt::format("ledger:         present, {} rows ({})\n", s.ledger->rows, s.ledger->status);
}

// Engineering notation with an SI prefix: 1.23e-11 J → "12.3 pJ".
std::string si(double value, const char* unit) {
    static constexpr std::pair<double, const char*> prefixes[] = {
        {1e0, ""}, {1e-3, "m"}, {1e-6, "u"}, {1e-9, "n"}, {1e-12, "p"}, {1e-15, "f"}};
    const double a = std::fabs(value);
    if (a == 0) return fmt::format("0 {}", unit);
    for (const auto& [scale, prefix] : prefixes) {
        if (a >= scale) return fmt::format("{:.4g} {}{}", value / scale, prefix, unit);
    }
    return fmt::format("{:.4g} {}", value, unit);
}

void format_energy(const ledger_summary& l, std::string& out) {
    out += fmt::format("  energy          {} = {} dynamic + {} static\n", si(l.total_energy, "J"),
                       si(l.dynamic_energy, "J"), si(l.static_energy, "J"));
}

void format_breakdown(const ledger_summary& l, std::string& out) {
    out += "  breakdown:\n";
    for (const ledger_share& share : l.shares) {
        out += fmt::format("    {:<26} {:>14}  {:>11}  {:5.1f} %\n", share.type + "/" + share.action, share.count,
                           si(share.energy, "J"), l.total_energy > 0 ? 100 * share.energy / l.total_energy : 0.0);
    }
}


// The run's ledger, whichever devices filled it: the total, per synaptic event, and by
// component type and action.
void format_run_energy(const run_summary& s, std::string& out) {
    if (s.devices.empty() || !s.ledger || s.ledger->rows == 0) return;
    const ledger_summary& l = *s.ledger;
    out += "energy:\n";
    format_energy(l, out);
    if (s.counters && s.counters->synaptic_events > 0) {
        // Every device's energy over every synaptic event of the network, wherever computed.
        const auto events = static_cast<double>(s.counters->synaptic_events);
        out += fmt::format("  per syn. event  {} total, {} dynamic ({} synaptic events of the whole network)\n",
                           si(l.total_energy / events, "J"), si(l.dynamic_energy / events, "J"),
                           s.counters->synaptic_events);
    }
    // Each device's own: its synaptic actions over the synaptic events it processed
    // (engine/base/synaptic_energy.hpp), and all its energy over the same events.
    for (const device_summary& d : s.devices) {
        const auto events = d.stats.number("", "synaptic_events");
        const auto synaptic = d.stats.number("", "synaptic_energy");
        if (!events || !synaptic || *events <= 0) continue;
        std::string all;
        if (d.ledger) all = fmt::format(", all its energy {}", si(d.ledger->total_energy / *events, "J"));
        out += fmt::format("    {:<13} {} synaptic actions{} ({:.0f} synaptic events)\n", d.instance,
                           si(*synaptic / *events, "J"), all, *events);
    }
    format_breakdown(l, out);
}

// si() for any magnitude: k, M, G, T above 1000 too, except for seconds (1500 s reads better
// than 1.5 ks), and no prefix on units that take none.
std::string si_any(double value, const std::string& unit) {
    if (unit == "%" || unit == "1") return fmt::format("{:.4g} {}", value, unit);
    static constexpr std::pair<double, const char*> large[] = {{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}};
    const double a = std::fabs(value);
    if (unit != "s" && std::isfinite(a)) {
        for (const auto& [scale, prefix] : large) {
            if (a >= scale) return fmt::format("{:.4g} {}{}", value / scale, prefix, unit);
        }
    }
    return si(value, unit.c_str());
}

// Counts exactly; real numbers to four digits, with an SI prefix when they carry a unit.
std::string format_stat(const stat_entry& e) {
    if (const auto* i = std::get_if<std::int64_t>(&e.value))
        return e.unit.empty() ? fmt::format("{}", *i) : fmt::format("{} {}", *i, e.unit);
    if (const auto* d = std::get_if<double>(&e.value))
        return e.unit.empty() ? fmt::format("{:.4g}", *d) : si_any(*d, e.unit);
    return std::get<std::string>(e.value);
}

// The same block for every family: what it is, its ledger, its device-level statistics, and
// what else it wrote, named so a reader knows where to look.
void format_stats_and_tables(const device_summary& d, std::string& out);

void format_device(const device_summary& d, std::string& out) {
    std::string origin = d.family;
    if (!d.preset.empty()) {
        origin += (origin.empty() ? "" : ", ") + fmt::format("preset {}", d.preset);
        if (!d.preset_origin.empty()) origin += " from " + d.preset_origin;
    }
    out += fmt::format("device {}{}: {}\n", d.instance, origin.empty() ? "" : " (" + origin + ")", d.status);
    format_stats_and_tables(d, out);
}

void format_stats_and_tables(const device_summary& d, std::string& out) {
    if (d.ledger && d.ledger->status != "empty") {
        const ledger_summary& l = *d.ledger;
        out += fmt::format("  {:<17} {} (static {}, dynamic {})\n", "energy", si(l.total_energy, "J"),
                           si(l.static_energy, "J"), si(l.dynamic_energy, "J"));
    }
    std::vector<std::string> paths;
    std::size_t below = 0;
    for (const stat_entry& e : d.stats.entries()) {
        if (e.path.empty()) {
            out += fmt::format("  {:<17} {}\n", e.name, format_stat(e));
        } else {
            ++below;
            if (std::find(paths.begin(), paths.end(), e.path) == paths.end()) paths.push_back(e.path);
        }
    }
    // A few statistics under one path (an SFQ circuit's pulses per output) are shown; more, or
    // under several paths (a chip's per-core figures), are named.
    constexpr std::size_t shown_below = 12;
    if (below > 0 && below <= shown_below && paths.size() == 1) {
        for (const stat_entry& e : d.stats.entries()) {
            if (!e.path.empty()) out += fmt::format("  {:<17} {}\n", e.path + "/" + e.name, format_stat(e));
        }
    } else if (below > 0) {
        constexpr std::size_t named = 3;
        std::string where;
        for (std::size_t p = 0; p < paths.size() && p < named; ++p) where += (p == 0 ? "" : ", ") + paths[p];
        if (paths.size() > named) where += fmt::format(" and {} more", paths.size() - named);
        out += fmt::format("  {:<17} {} statistics under {}\n", "detail", below, where);
    }
    if (!d.tables.empty()) {
        std::string tables;
        for (const device_table_summary& t : d.tables)
            tables += fmt::format("{}{} ({} rows)", tables.empty() ? "" : ", ", t.name, t.rows);
        out += fmt::format("  {:<17} {}\n", "tables", tables);
    }
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
    read_weights(root, out);
    read_counters(root, out);
    read_ledger(root, out);
    read_devices(root, out);
    read_layers(root, out);
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
    if (s.layers) {
        out += "layers (NeuroBench, per sample):\n";
        format_stats_and_tables(*s.layers, out);
    }
    for (const device_summary& d : s.devices) format_device(d, out);
    format_run_energy(s, out);
    if (!s.unread_groups.empty()) {
        out += fmt::format("not read:       /{} (format {}; h5py reads them, docs/run_file.md describes them)\n",
                           fmt::join(s.unread_groups, ", /"), s.format_version);
    }
    return out;
}

std::string summarize_run(const std::string& path) {
    return read_isolated(path, "run file", [&path] { return format_run_summary(read_run_summary(path)); },
                         read_timeout());
}

device_summary summarize_device(const device_report& r) {
    device_summary d{.family = r.family, .instance = r.instance, .preset = r.preset, .preset_origin = r.preset_origin,
                     .status = r.has_ledger ? "complete" : "running", .stats = r.stats, .tables = {}, .ledger = {}};
    for (const data_table& t : r.tables) {
        device_table_summary s{.name = t.name, .rows = t.rows(), .columns = {}};
        for (const data_column& c : t.columns) s.columns.push_back(c.name);
        d.tables.push_back(std::move(s));
    }
    if (r.has_ledger) {
        ledger_summary l;
        l.status = "complete";
        l.rows = r.ledger.count.size();
        add_ledger_shares(r.ledger.component, r.ledger.action, r.ledger.count, r.ledger.energy, l);
        l.static_energy = r.static_energy;
        l.dynamic_energy = r.dynamic_energy;
        l.total_energy = r.static_energy + r.dynamic_energy;
        d.ledger = std::move(l);
    }
    return d;
}

std::string format_device_summary(const device_summary& d) {
    std::string out;
    format_device(d, out);
    return out;
}

}  // namespace fluxon::io
