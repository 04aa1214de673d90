#pragma once
// The description of an experiment as the user gives it (from a config file or from Python):
// what the network is, what to record and how to run. Values are kept as given (with units and
// their source location); the builder validates and lowers them once.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/device_request.hpp"
#include "engine/base/errors.hpp"
#include "neurons/layers/layer.hpp"
#include "neurons/params.hpp"

namespace fluxon::net {

// A value per neuron or per synapse: constant, drawn at random (seeded), or given as an array.
struct value_spec {
    enum class kind { constant, uniform, normal, array };
    kind k = kind::constant;
    quantity_input a;  // constant value; uniform low; normal mean
    quantity_input b;  // uniform high; normal standard deviation
    std::vector<double> values;  // kind::array, in SI
    error_site site;
};

struct init_spec {
    std::string variable;
    value_spec value;
    error_site site;
};

struct population_spec {
    std::string name;
    std::uint32_t size = 0;
    std::string model;
    param_inputs params;
    std::vector<init_spec> initial;
    std::map<std::string, std::vector<double>> arrays;  // model data (spike_times: times, ids)
    error_site site;
};

struct connector_spec {
    enum class kind { all_to_all, one_to_one, fixed_probability, fixed_indegree, fixed_outdegree,
                      explicit_list };
    kind k = kind::all_to_all;
    double p = 0;             // fixed_probability
    std::uint64_t n = 0;      // fixed_indegree / fixed_outdegree
    bool allow_autapses = true;   // only meaningful when pre == post
    bool allow_multapses = true;  // fixed_indegree / fixed_outdegree
    std::vector<std::int64_t> pre_ids, post_ids;  // explicit_list
    error_site site;
};

struct projection_spec {
    std::string name;
    std::string pre, post;
    std::string receptor;
    connector_spec connector;
    value_spec weight;
    value_spec delay;  // defaults to one step (dt) when not given
    bool delay_given = false;
    error_site site;
};

// A step current: amplitude[k] from times[k] on (constant current: one entry at 0).
struct current_spec {
    std::string name;
    std::string target;
    std::vector<std::int64_t> ids;  // empty: every neuron of the target
    std::vector<quantity_input> times, amplitudes;
    error_site site;
};

// A node of a layered network: a registered layer kind (neurons/layers/), the layers whose
// outputs it takes (summed, all in the same step), its parameters and its arrays.
struct layer_spec {
    std::string name, kind;
    std::vector<std::string> inputs;
    std::vector<error_site> input_sites;
    param_inputs params;
    std::map<std::string, tensor> arrays;
    error_site site;
};

// Independent Poisson inputs onto every neuron of a population, added to a receptor without
// spikes or synapses (Brian2's PoissonInput): per neuron and step, weight times a
// Binomial(inputs, rate dt) count.
struct drive_spec {
    std::string name;
    std::string target, receptor;
    quantity_input rate;    // of each input
    std::uint64_t inputs = 1;
    quantity_input weight;  // of one input spike, in the receptor's weight unit
    error_site site;
};

struct network_spec {
    std::vector<population_spec> populations;
    std::vector<projection_spec> projections;
    std::vector<current_spec> currents;
    std::vector<drive_spec> drives;
    std::vector<layer_spec> layers;  // in the order given; run in an order that respects inputs
};

struct spike_record_spec {
    std::string population;
    std::vector<std::int64_t> ids;  // empty with all=true
    bool all = true;
    error_site site;
};

// A layer whose events (index and value of every non-zero output entry) are recorded.
struct layer_record_spec {
    std::string layer;
    error_site site;
};

// A projection whose synapses (pre, post, weight, delay) the run file holds, as the run uses them.
struct weight_record_spec {
    std::string projection;
    error_site site;
};

struct probe_spec {
    std::string population, variable;
    std::vector<std::int64_t> ids;  // empty: all neurons
    std::optional<quantity_input> interval;  // default: every step
    error_site site;
};

// The most threads a run may ask for (run.threads): results never depend on the number, more
// threads than cores only slow a run down, and a fixed bound (not one of this machine's cores)
// keeps a config valid on every machine. 1024 covers the largest shared-memory nodes.
inline constexpr int max_threads = 1024;

struct run_spec {
    quantity_input dt{0.1e-3, {}};
    quantity_input duration{1.0, {}};
    // Without a duration a run lasts 1 s, or, when it has no populations, until the work of its
    // devices that run on their own (a DRAM trace, an SFQ circuit's input trains) ends.
    bool duration_given = false;
    std::uint64_t seed = 1;
    int threads = 1;
    // With threads > 1, populations are cut into per-thread slices of at least this many
    // neurons: a smaller slice holds less work per step than handing a window to another core
    // costs (about 2000 LIF updates, measured on the CI machine).
    std::uint32_t min_slice = 2048;
    std::string time_base = "ps";
    timing_convention convention = timing_convention::nest;
    state_precision precision = state_precision::double_precision;
    error_site precision_site;  // where `precision` was given (the run's site when it was not)
    double flush_interval = 2.0;  // wall-clock seconds between flushes of the run file
    error_site site;
};

struct experiment_spec {
    network_spec network;
    // The devices the network runs on, in the order they are attached; each family reads and
    // checks its own settings (engine/device.hpp).
    std::vector<device_request> devices;
    std::vector<spike_record_spec> spikes;
    std::vector<probe_spec> probes;
    std::vector<layer_record_spec> layer_records;
    std::vector<weight_record_spec> weight_records;
    run_spec run;
    // Provenance: the exact text the experiment was read from.
    std::string config_text, config_source = "python", config_format = "json";
};

}  // namespace fluxon::net
