#pragma once
// Streams one run into an HDF5 file laid out as docs/run_file.md describes. The simulator
// hands it batches at window ends; it appends, and flushes at most every flush_interval so a
// killed run leaves a readable file up to its last flush.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/base/device_report.hpp"
#include "engine/base/ledger.hpp"
#include "io/hdf5.hpp"
#include "mappers/core_mapper.hpp"

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
    std::string population;
    std::uint32_t n_neurons = 0;
    bool all = true;
    std::vector<std::uint32_t> recorded_ids;  // when !all
};

struct probe_stream {
    std::string population, variable, units;
    std::vector<std::uint32_t> ids;
    double interval = 0;  // s
};

struct run_counters {
    std::int64_t steps = 0, spikes = 0, synaptic_events = 0, events = 0;
    double wall_time = 0, build_time = 0;
    std::vector<std::pair<std::string, std::int64_t>> spikes_per_population;
    // Engine windows, and those whose shards ran in parallel (engine/parallel_chooser.hpp).
    std::int64_t windows = 0, parallel_windows = 0;
};

// The chip a run was mapped onto and the mapping (/mapping), known before the run starts.
struct mapping_record {
    std::string preset, preset_origin, preset_text, fidelity, topology, mapper;
    double step_period = 0;  // s of hardware time per step; 0: as fast as possible
    std::int32_t weight_bits = 0;
    // The DRAM holding synaptic rows off chip: its preset's origin ("" without) and the bytes
    // of one synapse there.
    std::string synapse_dram;
    std::uint32_t bytes_per_synapse = 0;
    mapping_columns placement;
    // The chip's capacities per core (0: unlimited).
    std::uint64_t neurons_per_core = 0, synapses_per_core = 0, fan_in_per_core = 0;
    // One entry per link: messages crossing it if every neuron spiked once (the traffic the
    // mapping implies per unit of activity).
    std::vector<std::string> link_name;
    std::vector<std::uint64_t> link_messages_per_round;
    // One entry per projection: the power-of-two exponent of its fixed-point weights.
    std::vector<std::string> projection;
    std::vector<std::int32_t> weight_exponent;
};

// What a modelled chip did (/hardware).
struct chip_record {
    std::int64_t steps = 0, overrun_steps = 0;
    double hardware_time = 0, max_step_time = 0, barrier = 0, queueing_delay = 0;  // s
    std::uint64_t messages = 0, hops = 0, synaptic_events = 0, late_messages = 0;
    std::uint32_t max_extra_steps = 0;
    std::uint64_t dram_reads = 0;  // bursts of synaptic rows read from DRAM
    double dram_stall = 0;         // s that synaptic processing waited for DRAM
    std::vector<std::string> link_name;
    std::vector<std::uint64_t> link_messages;
};

// A trace-driven DRAM run (/dram).
struct dram_record {
    std::string preset, preset_origin, preset_text, trace;
    double tck = 0, simulated_time = 0, bandwidth = 0, peak_bandwidth = 0;  // s, s, bytes/s
    std::uint32_t burst_bytes = 0;
    std::uint64_t requests = 0, reads = 0, writes = 0, row_hits = 0, row_misses = 0, row_conflicts = 0;
    std::vector<std::string> command;
    std::vector<std::uint64_t> command_count;
    std::vector<double> latency;  // s, per request in trace order
};

// Projections computed in crossbar arrays (/crossbar): the preset, the tiling and what every
// array did. Per-tile vectors have one entry per tile, in mapping order.
struct crossbar_record {
    std::string preset, preset_origin, preset_text;
    std::string encoding;                  // "differential" | "offset"
    std::uint32_t weight_bits = 0, adc_bits = 0, slices = 0, columns_per_weight = 0, weights_per_array = 0;
    std::uint32_t array_rows = 0, array_columns = 0, replicas = 1, max_arrays = 0;
    std::uint64_t arrays = 0;
    double cell_utilisation = 0, drift_age = 0, hardware_time = 0;  // fraction, s, s
    std::uint64_t writes_per_cell = 0, endurance = 0;
    // Per mapped projection.
    std::vector<std::string> projection;
    std::vector<std::uint32_t> row_tiles, column_tiles;
    std::vector<double> scale;             // weight (SI) of one full-scale unit
    std::vector<std::uint8_t> random;      // device-random weights
    // Per tile.
    std::vector<std::string> tile_projection;
    std::vector<std::uint32_t> row_tile, column_tile, first_row, rows, first_column, columns, physical_columns;
    std::vector<double> mean_conductance;  // S
    std::vector<std::uint64_t> reads, row_drives, conversions;
};

struct run_layout {
    run_metadata meta;
    std::vector<population_info> populations;
    std::vector<projection_info> projections;
    std::vector<spike_stream> spikes;
    std::vector<probe_stream> probes;
    std::optional<mapping_record> mapping;
    // What each attached device knows when the run starts (settings, preset, mapping tables),
    // written under /devices/<instance> with status "running"; finish_device adds the rest.
    std::vector<device_report> devices;
};

class run_writer {
public:
    // Creates (truncates) `path` and writes everything known before the run. Throws
    // fluxon::io_error naming the path when the file cannot be created.
    run_writer(const std::string& path, const run_layout& layout, double flush_interval_s = 2.0);
    ~run_writer();
    run_writer(const run_writer&) = delete;
    run_writer& operator=(const run_writer&) = delete;

    // Appends to stream `index` (position in layout.spikes); times in s, sorted by (time, id).
    void append_spikes(std::size_t index, std::span<const double> times,
                       std::span<const std::uint32_t> ids);
    // Appends `n_samples` rows to probe `index`; values is row-major [n_samples, ids.size()].
    void append_probe(std::size_t index, std::span<const double> times,
                      std::span<const double> values);
    // Records simulated progress and flushes if flush_interval has passed since the last one.
    void progress(double time_reached);
    void flush();
    // The energy ledger of a run with modelled hardware (before finish). Once called, finish()
    // leaves /ledger to it instead of writing the devices' ledgers there.
    void write_ledger(const ledger_columns& rows, double static_energy, double dynamic_energy);
    // What the chip of a run mapped onto one did (before finish).
    void write_chip(const chip_record& chip);
    // The results of a trace-driven DRAM run (before finish).
    void write_dram(const dram_record& dram);
    // What the crossbar arrays of a run did (before finish).
    void write_crossbar(const crossbar_record& crossbar);
    // What a device did (before finish): its statistics (replacing those written at the
    // start, unless this report has none), its ledger and the tables not written at the start,
    // into /devices/<instance>, created here for a device the layout did not list; the device's
    // status becomes "complete". Each device finishes at most once. Unless write_ledger was
    // called, finish() writes the union of the devices' ledgers into /ledger. Throws io_error
    // naming the file for names that cannot be written (an invalid or duplicate instance,
    // table, column or statistic name).
    void finish_device(const device_report& report);
    // A new group under the root for a hardware family that writes its own results (the SFQ
    // runs' /sfq), before finish.
    h5::group create_group(const std::string& name);
    // Final counters and status ("complete" | "interrupted" | "failed"), then closes the file.
    void finish(const run_counters& counters, const std::string& status,
                const std::string& message = "");

    const std::string& path() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace fluxon::io
