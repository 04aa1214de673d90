#pragma once
// The description of an experiment as the user gives it (from a config file or from Python):
// what the network is, what to record and how to run. Values are kept as given (with units and
// their source location); the builder validates and lowers them once.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/errors.hpp"
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

struct network_spec {
    std::vector<population_spec> populations;
    std::vector<projection_spec> projections;
    std::vector<current_spec> currents;
};

struct spike_record_spec {
    std::string population;
    std::vector<std::int64_t> ids;  // empty with all=true
    bool all = true;
    error_site site;
};

struct probe_spec {
    std::string population, variable;
    std::vector<std::int64_t> ids;  // empty: all neurons
    std::optional<quantity_input> interval;  // default: every step
    error_site site;
};

struct run_spec {
    quantity_input dt{0.1e-3, {}};
    quantity_input duration{1.0, {}};
    std::uint64_t seed = 1;
    int threads = 1;
    // With threads > 1, populations are cut into per-thread slices of at least this many
    // neurons: a smaller slice holds less work per step than handing a window to another core
    // costs (about 2000 LIF updates, measured on the CI machine).
    std::uint32_t min_slice = 2048;
    std::string time_base = "ps";
    double flush_interval = 2.0;  // wall-clock seconds between flushes of the run file
    error_site site;
};

// The hardware a network is mapped onto ([hardware] in config files, docs/hardware.md).
// Without a preset the network runs alone, with no ledger.
struct hardware_spec {
    std::string preset;                  // shipped preset name or path to a preset file
    std::string fidelity = "annotated";  // "annotated" | "timed"
    std::string topology;                // "" (the preset's own), "mesh" or "tree"
    std::optional<std::int64_t> weight_bits;     // overrides the preset's
    std::optional<quantity_input> step_period;   // absent: as fast as the hardware allows
    std::string mapper = "metis";        // "metis" | "sequential"
    std::uint32_t chunk_neurons = 0;     // 0: the mapper's default
    // DRAM preset name or path holding the synaptic rows that do not fit on chip; "" keeps
    // every synapse on chip (synapses_per_core is then a hard limit).
    std::string synapse_dram;
    std::uint32_t bytes_per_synapse = 4;  // DRAM bytes one synapse takes
    error_site site;                     // the [hardware] table
    error_site preset_site, fidelity_site, topology_site, weight_bits_site, mapper_site;
    error_site synapse_dram_site, bytes_per_synapse_site;

    bool enabled() const { return !preset.empty(); }
};

// Projections computed in resistive or SRAM crossbar arrays ([crossbar] in config files,
// docs/crossbar.md).
struct crossbar_spec {
    std::string preset;                     // shipped preset name or path to a preset file
    std::vector<std::string> projections;   // empty: every projection
    std::vector<error_site> projection_sites;
    // Projections whose weights are the devices' own mismatch: both cells of every pair are
    // programmed to the same level, and the projection's weight is the spread of the result.
    std::vector<std::string> random_weights;
    std::vector<error_site> random_weight_sites;
    std::optional<std::int64_t> weight_bits, adc_bits;  // override the preset's
    // Stand-alone MVMs only (spikes are one bit): bits of an input value.
    std::optional<std::int64_t> input_bits;
    std::optional<double> d2d_sigma, programming_sigma, read_sigma;
    std::optional<quantity_input> drift_age;  // time since programming when the run starts
    std::uint32_t replicas = 1;
    error_site site, preset_site;

    bool enabled() const { return !preset.empty(); }
};

struct experiment_spec {
    network_spec network;
    hardware_spec hardware;
    crossbar_spec crossbar;
    std::vector<spike_record_spec> spikes;
    std::vector<probe_spec> probes;
    run_spec run;
    // Provenance: the exact text the experiment was read from.
    std::string config_text, config_source = "python", config_format = "json";
};

}  // namespace fluxon::net
