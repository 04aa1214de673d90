#pragma once
// Streams one run into an HDF5 file laid out as docs/run_file.md describes. The simulator
// hands it batches at window ends; it appends to a working copy and publishes the file whole
// at most every flush_interval (io/published_file.hpp), so a run killed at any moment leaves a
// file exactly as of its last flush, and a full disk a file marked failed as of its last flush.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/device_report.hpp"
#include "engine/base/ledger.hpp"
#include "io/hdf5.hpp"

namespace fluxon::io {

struct run_metadata {
    std::string fluxon_version;
    std::uint64_t seed = 0;
    std::int64_t ticks_per_second = 1'000'000'000'000;
    double dt = 0;        // s
    double duration = 0;  // s, requested
    int threads = 1;
    std::string config_text;
    std::string config_source;  // path, or "python"
    std::string config_format;  // "toml" | "json"
};

struct population_info {
    std::string name;
    std::string model;
    std::string kind;  // "neuron" | "source"
    std::uint32_t size = 0;
    std::string params_json;
};

struct projection_info {
    std::string name, pre, post, receptor, connector;
    std::uint64_t n_synapses = 0;
};

struct spike_stream {
    std::string population;  // or the recorded layer's name
    std::uint32_t n_neurons = 0;
    bool all = true;
    std::vector<std::uint32_t> recorded_ids;  // when !all
    bool graded = false;  // a layer's events: each has a value (/spikes/<name>/values)
};

struct probe_stream {
    std::string population, variable, units;
    std::vector<std::uint32_t> ids;
    double interval = 0;  // s
};

// A projection's synapses as the run uses them ([record] weights; on a chip, rounded): one entry per synapse, in the
// projection's order; weights in SI (`weight_unit`: "V" or "A", as the receptor takes them).
struct weight_record {
    std::string projection, pre, post, receptor, weight_unit;
    std::vector<std::uint32_t> pre_ids, post_ids;
    std::vector<double> weights, delays;  // SI, s
};

struct run_counters {
    std::int64_t steps = 0, spikes = 0, synaptic_events = 0, events = 0;
    double wall_time = 0, build_time = 0;
    std::vector<std::pair<std::string, std::int64_t>> spikes_per_population;
    // Engine windows, and those whose shards ran in parallel (engine/parallel_chooser.hpp).
    std::int64_t windows = 0, parallel_windows = 0;
};

struct run_layout {
    run_metadata meta;
    std::vector<population_info> populations;
    std::vector<projection_info> projections;
    std::vector<spike_stream> spikes;
    std::vector<probe_stream> probes;
    // What each attached device knows when the run starts (settings, preset, mapping tables),
    // written under /devices/<instance> with status "running"; finish_device adds the rest.
    std::vector<device_report> devices;
    std::vector<weight_record> weights;  // under /weights/<projection>
};

// Refuses to replace an existing file at `path` unless `overwrite`: throws io_error naming the
// file and saying how to overwrite it (`how`: "--force" on the command line, "overwrite=True" in
// Python). Callers check before building anything, so a refused run costs nothing.
void refuse_existing_output(const std::string& path, bool overwrite, std::string_view how);

class run_writer {
public:
    // Creates (truncates) `path` and writes everything known before the run. Throws
    // fluxon::io_error naming the path when the file cannot be created.
    run_writer(const std::string& path, const run_layout& layout, double flush_interval_s = 2.0);
    ~run_writer();
    run_writer(const run_writer&) = delete;
    run_writer& operator=(const run_writer&) = delete;

    // Appends to stream `index` (position in layout.spikes); times in s, sorted by (time, id);
    // `values`, one per event, for a graded stream (empty otherwise).
    void append_spikes(std::size_t index, std::span<const double> times,
                       std::span<const std::uint32_t> ids, std::span<const double> values = {});
    // Appends `n_samples` rows to probe `index`; values is row-major [n_samples, ids.size()].
    void append_probe(std::size_t index, std::span<const double> times,
                      std::span<const double> values);
    // Records simulated progress and flushes if flush_interval has passed since the last one
    // (and publishing has cost at most 5 % of the time since).
    void progress(double time_reached);
    void flush();
    // What a device did (before finish): its statistics (replacing those written at the
    // start, unless this report has none), its ledger and the tables not written at the start,
    // into /devices/<instance>, created here for a device the layout did not list; the device's
    // status becomes "complete". Each device finishes at most once. finish() writes the union
    // of the devices' ledgers into /ledger. Throws io_error
    // naming the file for names that cannot be written (an invalid or duplicate instance,
    // table, column or statistic name).
    void finish_device(const device_report& report);
    // What the run's layered network did (NeuroBench figures, a table per layer) under
    // /layers (before finish).
    void write_layers(const stats_tree& stats, const std::vector<data_table>& tables);
    // Final counters and status ("complete" | "interrupted" | "failed"), then closes the file.
    void finish(const run_counters& counters, const std::string& status,
                const std::string& message = "");

    const std::string& path() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace fluxon::io
