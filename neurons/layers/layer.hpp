#pragma once
// The layer node kinds of layered workloads (linear, conv, pooling, thresholds, quantizers,
// spiking layers). A layer kind is a registry entry, like a neuron model: a name, a typed
// parameter schema, the arrays it reads (weights, biases, thresholds), and the operation it
// makes for a given input shape. A layered network runs one step at a time: each layer takes
// the non-zero entries of its input tensor (the events: a zero activation is no event) and
// produces the non-zero entries of its output, counting the operations it did the way
// NeuroBench counts them. Nothing on the hot path looks a name up; a layer runs once per step,
// never once per event through a virtual call.
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/errors.hpp"
#include "neurons/params.hpp"

namespace fluxon {

// A tensor's shape without a batch dimension, C order (channels, height, width for images).
struct tensor_shape {
    std::vector<std::uint32_t> dims;
    std::size_t size() const;
    bool operator==(const tensor_shape&) const = default;
};
std::string to_string(const tensor_shape& shape);  // "[1, 8, 8]"

// An n-dimensional array as given (weights from a file, a list in a config file), C order.
struct tensor {
    std::vector<std::int64_t> shape;
    std::vector<double> values;
    std::size_t size() const { return values.size(); }
};
std::string to_string(const tensor& t);  // its shape, "[16, 64]"

// The non-zero entries of one activation tensor at one step, by increasing flat index.
// Values are doubles: integers (int8 activations, int32 accumulators, +-1) are exact in them.
struct event_batch {
    std::vector<std::uint32_t> index;
    std::vector<double> value;
    void clear() {
        index.clear();
        value.clear();
    }
    std::size_t size() const { return index.size(); }
    void push(std::uint32_t i, double v) {
        index.push_back(i);
        value.push_back(v);
    }
    // Every value in {-1, 0, 1}: NeuroBench's test for a spiking input (ACs, not MACs).
    bool binary() const;
};

// What the layers of a run did, in NeuroBench's terms (formats.md §2), summed over steps.
struct layer_counts {
    // Connection layers: one synaptic operation per input event and non-zero weight it
    // reaches; ACs when the step's input was binary, MACs otherwise; dense: every input times
    // every weight it could reach (zero padding excluded), events or not.
    std::uint64_t effective_acs = 0, effective_macs = 0, dense_ops = 0;
    // Activation layers: entries of the output, and those that were non-zero (events).
    std::uint64_t activations = 0, nonzero_activations = 0;
    // Stateful layers: neuron states that changed in a step (every neuron on a sample's first
    // step), as NeuroBench's MembraneUpdates.
    std::uint64_t membrane_updates = 0;
    // Beyond NeuroBench: synaptic operations that need no multiplier (ternary or binary
    // weights: an add or a subtract), and the bit-level accumulates of a bit-serial layer (one
    // per set bit plane of an input event and weight it meets; docs/layers.md).
    std::uint64_t accumulate_only = 0, bit_ops = 0;
    layer_counts& operator+=(const layer_counts& other);
};

// NeuroBench's classes: connection layers hold synapses (linear, conv); activation layers
// emit the activations whose sparsity is measured (thresholds, spiking layers, ReLU);
// structural layers are counted nowhere (pooling, flatten, inputs).
enum class layer_role : std::uint8_t { connection, activation, structural };

struct layer_step {
    std::int64_t step = 0;        // steps since the run started
    bool sample_start = false;    // the first step of a sample (stateful layers reset before it)
    const event_batch* input = nullptr;  // the summed inputs; empty for an input layer
    event_batch* output = nullptr;       // appended to, by increasing index
    layer_counts* counts = nullptr;
    // Kinds that take their inputs apart (layer_kind::separate_inputs): each input's batch, in
    // the order the layer names them; `input` is then the first.
    std::span<const event_batch* const> inputs;
};

class layer_op {
public:
    virtual ~layer_op() = default;
    virtual void step(const layer_step& s) = 0;
    // Where an event of input entry `input` goes, for placing a layered network on hardware:
    // a connection or structural op appends every output entry it reaches through a non-zero
    // weight (or a window, or unchanged) and returns true; an op of neurons (activation
    // layers: their own state and output) returns false, since its outputs are new events.
    virtual bool fan_out(std::uint32_t /*input*/, std::vector<std::uint32_t>& /*outputs*/) const { return false; }
    // Conv kinds, for computing them as matrix products (crossbar arrays): PyTorch's unfold
    // (im2col) seen from one input entry. For every output position whose window holds it,
    // appends (position, row): its row in the unfolded [in_channels * kernel taps, positions]
    // matrix, channel-major then tap (the weight's [out, in, kh, kw] order). Other kinds: false.
    virtual bool unfold(std::uint32_t /*input*/, std::vector<std::pair<std::uint32_t, std::uint32_t>>& /*position_row*/) const {
        return false;
    }
};

// An array a kind reads: its name in the config section, and whether it must be given.
struct layer_array_def {
    std::string name;
    bool required = false;
    std::string doc;  // its shape, e.g. "[out_features, in_features]"
};

// What a kind is given when a layer is built.
struct layer_context {
    std::string name;                              // the layer's name
    tensor_shape input;                            // shape of its (summed) input; empty for an input layer
    std::vector<tensor_shape> inputs;              // separate_inputs kinds: each input's shape, in order
    // By layer_array_def name. They outlive the layer's op (the run's description holds them),
    // so an op may refer to them instead of copying.
    const std::map<std::string, tensor>* arrays = nullptr;
    double dt = 0;                                 // s
    std::uint32_t steps_per_sample = 0;            // 0: one sample for the whole run
    error_site site;                               // the layer's section (node = its name)
    // The array `name`, or null when it was not given.
    const tensor* array(std::string_view name) const;
};

// Static figures of one layer (NeuroBench footprint, parameter count, connection sparsity).
struct layer_static {
    std::uint64_t parameters = 0;      // numbers it holds (weights, biases, thresholds)
    std::uint64_t footprint_bytes = 0; // at their precision: 4 per float32 number, 1 per int8 ...
    std::uint64_t weights = 0, zero_weights = 0;  // connection layers: weights only, bias excluded
};

class layer_kind {
public:
    virtual ~layer_kind() = default;
    virtual std::string_view name() const = 0;
    virtual std::string_view description() const = 0;
    virtual layer_role role() const = 0;
    virtual const param_schema& schema() const = 0;
    virtual std::span<const layer_array_def> arrays() const = 0;
    // False for input layers, which take no input and produce the run's data.
    virtual bool takes_input() const { return true; }
    // True for kinds whose inputs are distinct operands rather than a sum (attention's Q, K
    // and V): the layer gets each input's batch and shape; 0 for any count.
    virtual std::size_t separate_inputs() const { return 0; }
    // True for cells whose own arrays are weight matrices applied inside the layer (lmu, egru,
    // l2mu: their recurrent and gate connections), which a chip's mapping, placing connection
    // layers as synapses, would not see.
    virtual bool internal_weights() const { return false; }
    // The output shape, after checking the parameters and arrays against the input shape;
    // throws config_error at ctx.site naming the layer, the array and the mismatch.
    virtual tensor_shape output_shape(const validated_params& params, const layer_context& ctx) const = 0;
    virtual layer_static static_figures(const validated_params& params, const layer_context& ctx) const = 0;
    virtual std::unique_ptr<layer_op> make(const validated_params& params, const layer_context& ctx) const = 0;
};

// Explicit registry (no global singleton), like the neuron models'.
class layer_registry {
public:
    void add(std::unique_ptr<layer_kind> kind);
    // Throws config_error at `site` listing the known kinds when `name` is unknown.
    const layer_kind& get(std::string_view name, const error_site& site) const;
    const layer_kind* find(std::string_view name) const;
    std::vector<std::string> names() const;

private:
    std::vector<std::unique_ptr<layer_kind>> kinds_;
};

// The layer kinds fluxon ships (neurons/layers/builtin_layers.cpp lists them).
layer_registry builtin_layers();

// The site of the layer's key `name` ("layers.fc1.weight"), for errors about it.
error_site key_site(const layer_context& ctx, std::string_view name);

// Helpers for kinds: the array `name` with exactly `shape` (config_error naming the layer,
// the array, the expected and the given shape), or a whole-number parameter.
const tensor& require_shape(const layer_context& ctx, std::string_view name, const std::vector<std::int64_t>& shape);
// The values of an optional array `name` that must have `shape` when given; zeros when not.
std::vector<double> optional_array(const layer_context& ctx, std::string_view name, const std::vector<std::int64_t>& shape);
// Refuses a non-finite value in any of `arrays` (config_error naming the layer).
void require_finite(const layer_context& ctx, std::initializer_list<const std::vector<double>*> arrays);
std::uint32_t whole(const validated_params& params, const std::string& name, const layer_context& ctx);
// The array `name` as a matrix [rows, the input's size] (a linear map of the flat input; rows
// any number >= 1), naming `rows_word` ("out_features", "hidden") in its error.
const tensor& require_input_matrix(const layer_context& ctx, std::string_view name, std::string_view rows_word);

}  // namespace fluxon
