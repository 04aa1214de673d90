#pragma once
// The run facade: build a simulation from an experiment description, run it, get the results.
// The CLI and the Python bindings use only this header (plus the spec and the model registry).
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/base/ledger.hpp"
#include "mappers/core_mapper.hpp"
#include "networks/spec.hpp"
#include "neurons/model.hpp"

namespace fluxon {

struct run_options {
    std::string output;           // run file path; empty: no file
    bool keep_in_memory = true;   // keep recorded spikes/probes for spikes()/probe()
    // Called from the thread that called run(), at window ends, at most every ~0.1 s of wall time.
    std::function<void(double t_reached, double t_end)> progress;
    // Checked at every window end; when it becomes true the run stops cleanly ("interrupted").
    const std::atomic<bool>* stop = nullptr;
};

// What the modelled chip spent (runs with [hardware]).
struct hardware_summary {
    std::string preset;
    double total_energy = 0, static_energy = 0, dynamic_energy = 0;  // J
    double hardware_time = 0, max_step_time = 0;                      // s
    std::uint64_t synaptic_events = 0, messages = 0, hops = 0, late_messages = 0;
    std::int64_t overrun_steps = 0;
    std::uint32_t cores = 0;
    std::uint64_t dram_reads = 0;  // bursts of synaptic rows read from DRAM
    double dram_stall = 0;         // s that synaptic processing waited for DRAM
};

// What the crossbar arrays spent (runs with [crossbar]).
struct crossbar_summary {
    std::string preset;
    std::uint64_t arrays = 0, reads = 0, conversions = 0;
    double cell_utilisation = 0;
    double total_energy = 0, static_energy = 0, dynamic_energy = 0;  // J
    double hardware_time = 0;  // s: the busiest array's reads
};

struct run_result {
    std::string status;  // "complete" | "interrupted"
    double time_reached = 0;  // s
    std::int64_t steps = 0, spikes = 0, synaptic_events = 0, events = 0;
    // Engine windows, and those run with the threads in parallel (engine/parallel_chooser.hpp).
    std::int64_t windows = 0, parallel_windows = 0;
    double wall_time = 0, build_time = 0;  // s
    std::vector<std::pair<std::string, std::int64_t>> spikes_per_population;
    std::optional<hardware_summary> hardware;
    std::optional<crossbar_summary> crossbar;
};

struct recorded_spikes {
    std::vector<double> times;  // s, sorted by (time, id)
    std::vector<std::uint32_t> ids;
};

struct recorded_probe {
    std::vector<double> times;        // s
    std::vector<std::uint32_t> ids;   // probed neurons
    std::vector<double> values;       // row-major [times.size(), ids.size()], SI
    std::string units;
};

struct population_summary {
    std::string name, model;
    std::uint32_t size = 0;
    bool source = false;
};

struct projection_summary {
    std::string name, pre, post, receptor;
    std::uint64_t n_synapses = 0;
};

class simulation {
public:
    // Validates the whole description and builds the network (connectivity drawn from the run
    // seed). Throws fluxon::user_error subclasses naming the offending key/node/file.
    explicit simulation(const net::experiment_spec& spec);
    simulation(const net::experiment_spec& spec, const model_registry& models);
    ~simulation();
    simulation(simulation&&) noexcept;
    simulation& operator=(simulation&&) noexcept;

    // Runs for the configured duration. A simulation runs once; a second call throws user_error.
    run_result run(const run_options& options = {});

    const std::vector<population_summary>& populations() const;
    const std::vector<projection_summary>& projections() const;
    double dt() const;
    double duration() const;
    std::uint64_t seed() const;
    int threads() const;

    // Recorded data (after run with keep_in_memory); throws user_error naming what is unknown.
    const recorded_spikes& spikes(const std::string& population) const;
    const recorded_probe& probe(const std::string& population, const std::string& variable) const;
    // With [hardware] or [crossbar]: the energy ledger (after run); with [hardware]: the
    // mapping (from construction). Throw user_error without.
    ledger_columns ledger() const;
    mapping_columns mapping() const;

    // The synapses of a projection as (pre, post, weight SI, delay s) arrays, for inspection.
    void synapses(const std::string& projection, std::vector<std::uint32_t>& pre,
                  std::vector<std::uint32_t>& post, std::vector<double>& weight,
                  std::vector<double>& delay) const;

private:
    struct state;
    std::unique_ptr<state> state_;
};

}  // namespace fluxon
