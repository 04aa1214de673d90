#include "neurons/layers/scale.hpp"

#include "neurons/layers/channel_array.hpp"

namespace fluxon {
namespace {

const layer_array_def scale_arrays[] = {
        {"scale", true, "[1], [C] or the input's shape: per channel of the input [C, ...]"},
};

class scale_op final : public layer_op {
public:
    explicit scale_op(std::vector<double> scale) : scale_(std::move(scale)) {}

    void step(const layer_step& s) override {
        const event_batch& in = *s.input;
        const std::size_t before = s.output->size();
        for (std::size_t e = 0; e < in.size(); ++e) {
            const double y = in.value[e] * scale_[in.index[e]];
            if (y != 0.0) s.output->push(in.index[e], y);
        }
        s.counts->activations += scale_.size();
        s.counts->nonzero_activations += s.output->size() - before;
    }

private:
    std::vector<double> scale_;  // one per entry
};

class scale_kind final : public layer_kind {
public:
    std::string_view name() const override { return "scale"; }
    std::string_view description() const override { return "y = s x with s per channel (NIR Scale)"; }
    layer_role role() const override { return layer_role::activation; }
    const param_schema& schema() const override { return schema_; }
    std::span<const layer_array_def> arrays() const override { return scale_arrays; }

    tensor_shape output_shape(const validated_params&, const layer_context& ctx) const override {
        per_entry(ctx, "scale", std::nullopt);
        return ctx.input;
    }

    layer_static static_figures(const validated_params&, const layer_context& ctx) const override {
        layer_static s;
        s.parameters = array_numbers(ctx, "scale");
        s.footprint_bytes = 4 * s.parameters;
        return s;
    }

    std::unique_ptr<layer_op> make(const validated_params&, const layer_context& ctx) const override {
        return std::make_unique<scale_op>(per_entry(ctx, "scale", std::nullopt));
    }

private:
    param_schema schema_;
};

}  // namespace

std::unique_ptr<layer_kind> make_scale_layer() { return std::make_unique<scale_kind>(); }

}  // namespace fluxon
