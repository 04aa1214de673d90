#include "neurons/layers/flatten.hpp"

#include <fmt/format.h>

namespace fluxon {
namespace {

// The flat C-order index of an entry is the same before and after: events pass unchanged.
class pass_through_op final : public layer_op {
public:
    void step(const layer_step& s) override {
        const event_batch& in = *s.input;
        s.output->index.insert(s.output->index.end(), in.index.begin(), in.index.end());
        s.output->value.insert(s.output->value.end(), in.value.begin(), in.value.end());
    }
    bool fan_out(std::uint32_t input, std::vector<std::uint32_t>& outputs) const override {
        outputs.push_back(input);
        return true;
    }
};

class flatten_kind final : public layer_kind {
public:
    std::string_view name() const override { return "flatten"; }
    std::string_view description() const override {
        return "the input as one dimension, values unchanged (NIR Flatten, nn.Flatten)";
    }
    layer_role role() const override { return layer_role::structural; }
    const param_schema& schema() const override { return schema_; }
    std::span<const layer_array_def> arrays() const override { return {}; }

    tensor_shape output_shape(const validated_params&, const layer_context& ctx) const override {
        if (ctx.input.size() == 0) {
            throw config_error(fmt::format("layer '{}': its output would be empty: input shape {}", ctx.name,
                                           to_string(ctx.input)),
                               ctx.site);
        }
        return tensor_shape{{static_cast<std::uint32_t>(ctx.input.size())}};
    }

    layer_static static_figures(const validated_params&, const layer_context&) const override { return {}; }

    std::unique_ptr<layer_op> make(const validated_params&, const layer_context&) const override {
        return make_pass_through_op();
    }

private:
    param_schema schema_;
};

}  // namespace

std::unique_ptr<layer_op> make_pass_through_op() { return std::make_unique<pass_through_op>(); }

std::unique_ptr<layer_kind> make_flatten_layer() { return std::make_unique<flatten_kind>(); }

}  // namespace fluxon
