#pragma once
// The run facade: build a simulation from an experiment description and the registries of
// models and device families, run it, get the results. The CLI and the Python bindings use this
// header, the spec, the registries and io/run_file_output.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/base/device_report.hpp"
#include "engine/base/ledger.hpp"
#include "engine/device.hpp"
#include "engine/recording.hpp"
#include "networks/spec.hpp"
#include "neurons/model.hpp"

namespace fluxon {

struct run_result;

// What a layered network did: NeuroBench's figures and a table per layer
// (engine/layer_network.hpp).
struct layers_report {
    stats_tree stats;
    std::vector<data_table> tables;
};

// Where a run's recordings and results go as it runs (io/run_file_output writes a run file):
// recorded spikes and samples at collections, progress, each device's report, the end.
class run_output : public record_sink {
public:
    // Simulated time up to which everything has been handed over.
    virtual void progress(double time_reached) = 0;
    virtual void device_finished(const device_report& report) = 0;
    virtual void layers_finished(const layers_report& report) = 0;
    virtual void finish(const run_result& result, const std::string& message) = 0;
    // The run failed with `message`; what was handed over before stays.
    virtual void failed(const std::string& message) = 0;
};

struct run_options {
    run_output* output = nullptr;  // null: no file
    bool keep_in_memory = true;    // keep recorded spikes/probes for spikes()/probe()
    // Called from the thread that called run(), at window ends, at most every ~0.1 s of wall time.
    std::function<void(double t_reached, double t_end)> progress;
    // Checked at every window end; when it becomes true the run stops cleanly ("interrupted").
    const std::atomic<bool>* stop = nullptr;
};

struct run_result {
    std::string status;  // "complete" | "interrupted"
    double time_reached = 0;  // s
    std::int64_t steps = 0, spikes = 0, synaptic_events = 0, events = 0;
    // Engine windows, and those run with the threads in parallel (engine/parallel_chooser.hpp).
    std::int64_t windows = 0, parallel_windows = 0;
    double wall_time = 0, build_time = 0;  // s
    std::vector<std::pair<std::string, std::int64_t>> spikes_per_population;
    // One report per attached device, in attach order.
    std::vector<device_report> devices;
    std::optional<layers_report> layers;  // with a layered network
    // The devices' ledgers together (one run, one ledger).
    double total_energy() const;
};

struct recorded_spikes {
    std::vector<double> times;  // s, sorted by (time, id)
    std::vector<std::uint32_t> ids;
    std::vector<double> values;  // a layer's events: one value each; empty for spikes
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
    // Without registries: the built-in models and no device family (a spec with devices is
    // refused). `families` resolves spec.devices; the registries must outlive the simulation.
    explicit simulation(const net::experiment_spec& spec);
    simulation(const net::experiment_spec& spec, const model_registry& models, const device_registry& families);
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
    // `population` may name a recorded layer: its events, with their values.
    const recorded_spikes& spikes(const std::string& population) const;
    const recorded_probe& probe(const std::string& population, const std::string& variable) const;
    const net::experiment_spec& spec() const;
    const built_network& network() const;
    // What each attached device knows before the run (preset, settings, mapping).
    std::vector<device_report> describe_devices() const;
    // The devices' ledgers together, after run; throws user_error without a device.
    ledger_columns ledger() const;

    // The synapses of a projection as (pre, post, weight SI, delay s) arrays, for inspection.
    void synapses(const std::string& projection, std::vector<std::uint32_t>& pre,
                  std::vector<std::uint32_t>& post, std::vector<double>& weight,
                  std::vector<double>& delay) const;

private:
    struct state;
    std::unique_ptr<state> state_;
};

}  // namespace fluxon
