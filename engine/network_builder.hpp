#pragma once
// Lowers an experiment description into engine units: validates every parameter once, draws
// connectivity and initial state from the seed, slices populations over shards and fills
// each slice's synapse tables, currents and recording taps.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/event_engine.hpp"
#include "engine/layer_network.hpp"
#include "engine/population_slice.hpp"
#include "engine/base/time.hpp"
#include "networks/spec.hpp"
#include "neurons/model.hpp"

namespace fluxon {

struct built_population {
    std::string name;
    const neuron_model* model = nullptr;
    validated_params params;
    std::uint32_t size = 0;
    std::vector<population_slice*> slices;  // in neuron order
};

struct built_projection {
    std::string name, pre, post, receptor, connector;
    std::uint64_t n_synapses = 0;
    std::size_t pre_index = 0, post_index = 0;
};

struct spike_stream_plan {
    std::size_t population = 0;
    bool all = true;
    std::vector<std::uint32_t> ids;
    int layer = -1;  // >= 0: the events of this layer (of built_network::layers) instead, with values
};

struct probe_plan {
    std::size_t population = 0;
    std::string variable, units;
    std::vector<std::uint32_t> ids;
    std::int64_t interval_steps = 1;
    std::size_t tap_index = 0;  // position of the tap in each slice's probes()
};

struct built_network {
    time_base base = time_base::picoseconds();
    double dt = 0, duration = 0;
    tick_t dt_ticks = 0, end_ticks = 0;
    std::uint32_t window_steps = 1;
    // Recorded spikes are stamped this many steps before the step that emitted them (1 under
    // Brian2's convention); a spike at step 0 is stamped 0.
    std::int64_t stamp_offset_steps = 0;
    int threads = 1;
    std::uint64_t seed = 0;
    std::vector<built_population> populations;
    std::vector<built_projection> projections;
    std::vector<spike_stream_plan> spike_streams;
    std::vector<probe_plan> probes;
    layer_network* layers = nullptr;  // the layered network, if any (a unit the engine owns)
};

// What a spike stream records: a population's name and size, or a recorded layer's.
const std::string& stream_name(const built_network& net, const spike_stream_plan& stream);
std::uint32_t stream_size(const built_network& net, const spike_stream_plan& stream);

// Fills `engine` (which must have `spec.run.threads` shards) and returns the description of
// what was built. `ring_headroom`: steps of delay-ring room beyond the longest delay, for
// inputs an attached device delivers late. Throws user_error subclasses at the offending key/node.
built_network build_network(const net::experiment_spec& spec, const model_registry& models,
                            event_engine& engine, std::uint32_t ring_headroom = 0);

// The checks that need no connectivity: run settings, node names and references, models and
// their parameters. Cheap, for callers that want to refuse a description before building it.
void check_experiment(const net::experiment_spec& spec, const model_registry& models);

// Resolves the run section alone (dt, duration, threads, time base), for callers that must
// size the engine first.
struct run_settings {
    time_base base = time_base::picoseconds();
    double dt = 0, duration = 0;
    tick_t dt_ticks = 0, end_ticks = 0;
    int threads = 1;
};
run_settings resolve_run(const net::run_spec& run);

// MemAvailable of this machine in bytes, or 0 when it cannot be read.
double available_memory_bytes();

}  // namespace fluxon
