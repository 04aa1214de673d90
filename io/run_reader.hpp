#pragma once
// Reads back what a run file (docs/run_file.md) says about its run, for `fluxon inspect` and
// for checks from tests and Python. Works on finished and on killed runs alike: parts that a
// killed run never wrote (the counters) are reported as absent, not as errors.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/base/device_report.hpp"
#include "engine/base/stats.hpp"

namespace fluxon::io {

struct population_summary {
    std::string name, model, kind;
    std::uint32_t size = 0;
};

struct projection_summary {
    std::string name, pre, post, receptor, connector;
    std::uint64_t n_synapses = 0;
};

struct spike_summary {
    std::string population;
    std::uint32_t n_neurons = 0;
    std::string subset;                  // "all" | "list"
    std::uint64_t recorded_neurons = 0;  // n_neurons, or the length of recorded_ids
    std::uint64_t n_spikes = 0;
    double mean_rate_hz = 0;  // n_spikes / recorded_neurons / time_reached; 0 when undefined
    bool graded = false;      // a recorded layer's events, with values
};

struct probe_summary {
    std::string population, variable, units;
    std::uint64_t n_samples = 0, n_neurons = 0;
    double interval = 0;  // s
};

struct counters_summary {
    std::int64_t steps = 0, spikes = 0, synaptic_events = 0, events = 0;
    std::int64_t windows = 0, parallel_windows = 0;  // 0 in files written before they were recorded
    double wall_time = 0, build_time = 0;  // s
    // Per wall-clock second of the run; 0 when wall_time is 0.
    double synaptic_events_per_second = 0, events_per_second = 0;
    std::vector<std::pair<std::string, std::int64_t>> spikes_per_population;
};

// Energy summed over the components of one type (the last path segment without its index:
// "chip/core[3]/synapse" is a "synapse") and one action.
struct ledger_share {
    std::string type, action;
    std::uint64_t count = 0;
    double energy = 0;  // J
};

struct ledger_summary {
    std::string status;     // the group's status attr, "empty" until a hardware model fills it
    std::uint64_t rows = 0;
    double total_energy = 0, static_energy = 0, dynamic_energy = 0;  // J
    std::vector<ledger_share> shares;  // by decreasing energy
};

// One table of a device (/devices/<instance>/tables/<name>).
struct device_table_summary {
    std::string name;
    std::uint64_t rows = 0;
    std::vector<std::string> columns;  // in the order the device wrote them
};

// One device of the run (/devices/<instance>), read without knowing its family.
struct device_summary {
    std::string family, instance, preset, preset_origin;
    std::string status;  // "running" until the device reported its results, then "complete"
    stats_tree stats;    // every statistic, typed as written
    std::vector<device_table_summary> tables;
    std::optional<ledger_summary> ledger;  // absent when the device reported no ledger
};

struct run_summary {
    std::string path;
    std::int64_t format_version = 0;
    std::string fluxon_version, created;
    std::uint64_t seed = 0;
    std::int64_t ticks_per_second = 0;
    double dt = 0, duration = 0, time_reached = 0;  // s
    std::int32_t threads = 0;
    std::string status, message;
    std::string config_source, config_format;
    std::uint64_t config_bytes = 0;
    std::vector<std::string> unread_groups;  // top-level groups this reader does not know
    std::vector<population_summary> populations;
    std::vector<projection_summary> projections;
    std::vector<spike_summary> spikes;
    std::vector<probe_summary> probes;
    // Projections whose synapses the file holds (/weights), with their number of synapses.
    std::vector<std::pair<std::string, std::uint64_t>> weights;
    std::optional<counters_summary> counters;  // absent when the run never finished
    std::optional<ledger_summary> ledger;      // absent when the file has no /ledger
    std::vector<device_summary> devices;           // in the order the run created them; none in version 1
    std::optional<device_summary> layers;          // a layered network's report (/layers), if any
};

// Throws fluxon::io_error{file = path} when the file is missing, not HDF5, not a fluxon run
// (root attr format != "fluxon-run"), of a newer format version, or lacks a required part.
run_summary read_run_summary(const std::string& path);

// The human-readable report of `fluxon inspect`.
std::string format_run_summary(const run_summary& summary);

// read_run_summary + format_run_summary, in a child process (io/isolated_read.hpp): a file so
// damaged that libhdf5 crashes or loops on it gives an io_error naming it, not a signal.
std::string summarize_run(const std::string& path);

// A device's report as a run file would give it back, for runs kept in memory only, and the
// block `fluxon inspect` prints for it.
device_summary summarize_device(const device_report& report);
std::string format_device_summary(const device_summary& device);

}  // namespace fluxon::io
