#pragma once
// The neuron-model interface. A model is a registry entry (name, parameter schema, receptors,
// state variables) that makes blocks: structure-of-arrays state for a contiguous slice of a
// population, advanced one step at a time. Spike sources (Poisson, spike times) are models too:
// blocks with no receptors that emit spikes.
#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/quantity.hpp"
#include "neurons/layers/layer.hpp"
#include "neurons/params.hpp"

namespace fluxon {

struct state_var {
    std::string name;
    dimension dim;
};

// The sign a receptor's weights must have. Models whose receptors do not flip signs (the
// current-based inhibitory receptors) refuse weights that would act against the receptor's
// name, because a PyNN-style positive inhibitory weight would otherwise excite without a word.
enum class weight_sign { any, non_positive, non_negative };

struct receptor_def {
    std::string name;
    dimension weight_dim;  // dimension of a synaptic weight onto this receptor
    weight_sign sign = weight_sign::any;
};

// Everything a block may need to know about where it sits; fixed for the run.
struct block_context {
    double dt = 0;                    // s
    std::uint64_t seed = 0;           // run seed
    std::uint32_t population_index = 0;
    std::uint32_t population_size = 0;
    std::uint32_t first_id = 0;       // global (population) index of the block's neuron 0
    std::uint32_t size = 0;           // neurons in this block
    const std::map<std::string, std::vector<double>>* arrays = nullptr;  // model-specific data
    error_site site;                  // where the population was declared
    timing_convention convention = timing_convention::nest;
    state_precision precision = state_precision::double_precision;
};

// Input for one step. `receptors[r][i]` holds the summed weights that arrive at the start of
// this step on receptor r of neuron i (already in SI). The caller zeroes them after the step
// unless the block says it does so itself (fused with its own pass, saving a sweep). When the
// block has an input accumulator for every receptor, `receptors` is empty on steps where no
// input went through the delay buffer: everything that arrived was added to the accumulators. `i_ext` is the external current per neuron (A), or null.
struct step_input {
    std::int64_t step = 0;
    std::span<double* const> receptors;
    const double* i_ext = nullptr;
};

class neuron_block {
public:
    virtual ~neuron_block() = default;
    // Advances every neuron by one step of dt (see the model's documentation for the order of
    // input, threshold, reset and integration) and appends the block-local indices of neurons
    // that spike at the start of this step, in increasing order. A source may append an index
    // more than once (several spikes in one step).
    virtual void step(const step_input& in, std::vector<std::uint32_t>& spikes) = 0;
    // State variable `index` (position in the model's state_vars()) for all neurons of the block.
    virtual std::span<double> state(std::size_t index) = 0;
    // Sets state variable `index` of every neuron of the block (values.size() == block size).
    virtual void set_state(std::size_t index, std::span<const double> values) {
        std::ranges::copy(values, state(index).begin());
    }
    // Appends state variable `index` of neurons `ids` to `out` (a probe's sample).
    virtual void read_state(std::size_t index, std::span<const std::uint32_t> ids, std::vector<double>& out) {
        const auto values = state(index);
        for (const std::uint32_t i : ids) out.push_back(values[i]);
    }
    // True when step() leaves the receptor arrays zeroed.
    virtual bool zeroes_inputs() const { return false; }
    // The state array to which inputs on `receptor` may be added directly, before the step at
    // whose start they arrive, because the model adds them there by plain addition first thing
    // (exponential synapses). Empty when inputs must come through step_input.
    virtual std::span<double> input_accumulator(std::size_t /*receptor*/) { return {}; }
    // The same for a block whose state is in single precision.
    virtual std::span<float> input_accumulator_single(std::size_t /*receptor*/) { return {}; }
};

class neuron_model {
public:
    virtual ~neuron_model() = default;
    virtual std::string_view name() const = 0;
    virtual std::string_view description() const = 0;
    virtual bool is_source() const { return false; }
    virtual const param_schema& schema() const = 0;
    virtual std::span<const receptor_def> receptors() const = 0;
    virtual std::span<const state_var> state_vars() const = 0;
    // True when the model uses external currents (so a current source may target it).
    virtual bool accepts_current() const { return !is_source(); }
    // Throws config_error at `site` when these parameters cannot take a current (e.g. a
    // membrane resistance is missing).
    virtual void check_current(const validated_params&, const error_site&) const {}
    // Checks parameter combinations the schema cannot express and the population's arrays;
    // throws config_error at ctx.site. Called once per population before any block is made.
    virtual void check(const validated_params&, const block_context&) const {}
    // True when make_block honours block_context::precision == single_precision.
    virtual bool has_single_precision() const { return false; }
    virtual std::unique_ptr<neuron_block> make_block(const validated_params& params,
                                                     const block_context& ctx) const = 0;
    // Default initial value of each state variable (SI), for neurons the user does not set.
    virtual double initial_value(std::size_t state_index, const validated_params& params) const = 0;
};

// Index of a state variable by name, or -1.
int find_state_var(const neuron_model& model, std::string_view name);
int find_receptor(const neuron_model& model, std::string_view name);

// Explicit registry (no global singleton): the run builder is handed one. It holds the node
// kinds: neuron models, and the layer kinds of layered networks.
class model_registry {
public:
    void add(std::unique_ptr<neuron_model> model);
    layer_registry& layers() { return layers_; }
    const layer_registry& layers() const { return layers_; }
    // Throws config_error at `site` listing the known models when `name` is unknown.
    const neuron_model& get(std::string_view name, const error_site& site) const;
    const neuron_model* find(std::string_view name) const;
    std::vector<std::string> names() const;

private:
    std::vector<std::unique_ptr<neuron_model>> models_;
    layer_registry layers_;
};

// The models and layer kinds fluxon ships (neurons/builtin_models.cpp lists them).
model_registry builtin_models();

}  // namespace fluxon
