#pragma once
// A layered network (the `layers` of a network description) built for a run: its layers in an
// order where every layer comes after the layers it takes, each made by its kind for its input
// shape, and the unit that runs them all once per step. Within a step a layer's output reaches
// the layers that take it in the same step (as NIR and the deep-learning frameworks define a
// feed-forward pass); an edge that closes a cycle carries the previous step's output. The
// whole network is one unit: it lives on one shard. Only the
// non-zero entries of each output travel on (events); the operations each layer did are
// counted as NeuroBench counts them and reported with its static figures.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/base/stats.hpp"
#include "engine/unit.hpp"
#include "networks/spec.hpp"
#include "neurons/model.hpp"

namespace fluxon {

struct built_layer {
    std::string name;
    const layer_kind* kind = nullptr;
    std::vector<std::size_t> inputs;  // positions in the run order (all earlier)
    // Inputs that close a cycle: later layers whose output of the previous step it takes (none
    // at a sample's first step).
    std::vector<std::size_t> previous_inputs;
    tensor_shape shape;               // of the output
    std::unique_ptr<layer_op> op;
    // Its events go through to other layers' entries (connection and structural layers), as
    // opposed to being made here: input layers and neurons, what hardware places on cores.
    bool routes = false;
    // The device instance that computes it instead of its op alone (crossbar arrays), if any.
    std::string computed_by;
    layer_static statics;
    layer_counts counts;
    std::uint64_t events = 0;         // non-zero output entries, over the run
    event_batch output;               // this step's
    // When recorded: the steps, indices and values of its events since the last collection.
    bool recorded = false;
    std::vector<std::int64_t> rec_steps;
    std::vector<std::uint32_t> rec_ids;
    std::vector<double> rec_values;
};

// The events of the neuron layers (layer_network::neuron_layers) step by step over one window,
// for devices that account for them after the window: per step q and neuron layer k, the
// entries that made an event, ids[begin[q * K + k] .. begin[q * K + k + 1]), and those that
// received input, input_ids[input_begin[...] ...].
struct layer_event_log {
    std::vector<std::int64_t> steps;
    std::vector<std::uint64_t> begin{0}, input_begin{0};
    std::vector<std::uint32_t> ids, input_ids;
    void clear() {
        steps.clear();
        begin.assign(1, 0);
        input_begin.assign(1, 0);
        ids.clear();
        input_ids.clear();
    }
};

class layer_network final : public unit {
public:
    // Validates every layer (kind, parameters, arrays, input shapes) and makes them. Throws
    // user_error subclasses at the layer's key.
    layer_network(const std::vector<net::layer_spec>& layers, const layer_registry& kinds, double dt, tick_t dt_ticks);

    void start(unit_context& ctx) override;
    void handle(const event& ev, unit_context& ctx) override;

    std::vector<built_layer>& layers() { return layers_; }
    const std::vector<built_layer>& layers() const { return layers_; }
    // Position of layer `name` in the run order, or -1.
    int find(const std::string& name) const;
    std::uint32_t steps_per_sample() const { return steps_per_sample_; }
    std::int64_t steps() const { return steps_; }

    // The layers hardware places on cores (input layers and neurons, not routes), in run order.
    const std::vector<std::size_t>& neuron_layers() const { return neuron_layers_; }
    // Calls visit(pre, j, post, i) once for every entry i of neuron layer `post` that an event
    // of entry j of neuron layer `pre` reaches, directly or through routing layers (pre and
    // post are indices into neuron_layers()); a recurrent edge counts like any other.
    void for_each_synapse(const std::function<void(std::uint32_t, std::uint32_t, std::uint32_t, std::uint32_t)>& visit) const;
    // From now on, every step's events of the neuron layers go into the log, which the reader
    // clears after each window.
    void keep_event_log() { logging_ = true; }
    layer_event_log& event_log() { return log_; }

    // NeuroBench's figures (per sample, as it averages) and a table of what each layer did.
    void report(stats_tree& stats, std::vector<data_table>& tables) const;

private:
    void sum_inputs(const built_layer& layer, bool sample_start);

    void log_layer(const built_layer& layer, const event_batch* input);

    std::vector<built_layer> layers_;
    std::vector<std::size_t> neuron_layers_;
    bool logging_ = false;
    layer_event_log log_;
    tick_t dt_ticks_ = 0;
    std::uint32_t steps_per_sample_ = 0;
    std::int64_t steps_ = 0;
    event_batch summed_, scratch_;
    std::vector<const event_batch*> operands_;
};

}  // namespace fluxon
