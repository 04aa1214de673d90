#pragma once
// Runs one layer kind on given steps of input, for the layer tests: builds it as a layered
// network would (validated parameters, arrays, input shape) and steps it.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "neurons/layers/layer.hpp"

namespace fluxon::test {

struct layer_under_test {
    const layer_kind* kind = nullptr;
    std::map<std::string, tensor> arrays;
    validated_params params;
    layer_context ctx;
    tensor_shape output;
    std::unique_ptr<layer_op> op;
    layer_counts counts;
    std::int64_t step = 0;

    // Dense output of one step fed with the dense `input` (zeros are no events).
    std::vector<double> run(const std::vector<double>& input, bool sample_start = false) {
        event_batch in, out;
        for (std::size_t i = 0; i < input.size(); ++i) {
            if (input[i] != 0.0) in.push(static_cast<std::uint32_t>(i), input[i]);
        }
        op->step(layer_step{step++, sample_start || step == 1, &in, &out, &counts});
        std::vector<double> dense(output.size(), 0.0);
        for (std::size_t e = 0; e < out.size(); ++e) dense.at(out.index[e]) = out.value[e];
        return dense;
    }
};

// `params` as a neuron population's: names to quantities (numbers in SI); `words` the
// parameters that are one of a list of words (reset = "subtract").
inline std::unique_ptr<layer_under_test> make_layer(const std::string& kind, tensor_shape input,
                                                    std::map<std::string, tensor> arrays,
                                                    const std::map<std::string, double>& params = {},
                                                    std::uint32_t steps_per_sample = 0,
                                                    const std::map<std::string, std::string>& words = {}) {
    static const layer_registry registry = builtin_layers();
    const layer_kind& k = registry.get(kind, {});
    param_inputs inputs;
    for (const auto& [name, value] : params) inputs[name] = quantity_input{value, {}};
    for (const auto& [name, word] : words) inputs[name] = quantity_input{word, {}};
    auto t = std::unique_ptr<layer_under_test>(new layer_under_test{
            &k, std::move(arrays), validate_params(k.schema(), inputs, {.key = "layers.test", .node = "test"}), {}, {},
            {}, {}, 0});
    t->ctx.name = "test";
    t->ctx.input = std::move(input);
    t->ctx.arrays = &t->arrays;
    t->ctx.dt = 1e-3;
    t->ctx.steps_per_sample = steps_per_sample;
    t->ctx.site = {.key = "layers.test", .node = "test"};
    t->output = k.output_shape(t->params, t->ctx);
    t->op = k.make(t->params, t->ctx);
    return t;
}

}  // namespace fluxon::test
