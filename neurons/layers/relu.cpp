#include "neurons/layers/relu.hpp"

namespace fluxon {
namespace {

class relu_op final : public layer_op {
public:
    explicit relu_op(std::size_t size) : size_(size) {}

    void step(const layer_step& s) override {
        const event_batch& in = *s.input;
        const std::size_t before = s.output->size();
        for (std::size_t e = 0; e < in.size(); ++e) {
            if (in.value[e] > 0.0) s.output->push(in.index[e], in.value[e]);
        }
        s.counts->activations += size_;
        s.counts->nonzero_activations += s.output->size() - before;
    }

private:
    std::size_t size_ = 0;
};

class relu_kind final : public layer_kind {
public:
    std::string_view name() const override { return "relu"; }
    std::string_view description() const override { return "max(x, 0) (nn.ReLU)"; }
    layer_role role() const override { return layer_role::activation; }
    const param_schema& schema() const override { return schema_; }
    std::span<const layer_array_def> arrays() const override { return {}; }
    tensor_shape output_shape(const validated_params&, const layer_context& ctx) const override { return ctx.input; }
    layer_static static_figures(const validated_params&, const layer_context&) const override { return {}; }
    std::unique_ptr<layer_op> make(const validated_params&, const layer_context& ctx) const override {
        return std::make_unique<relu_op>(ctx.input.size());
    }

private:
    param_schema schema_;
};

}  // namespace

std::unique_ptr<layer_kind> make_relu_layer() { return std::make_unique<relu_kind>(); }

}  // namespace fluxon
