#include "neurons/layers/identity.hpp"

#include "neurons/layers/flatten.hpp"

namespace fluxon {
namespace {

class identity_kind final : public layer_kind {
public:
    std::string_view name() const override { return "identity"; }
    std::string_view description() const override {
        return "the input unchanged, under its own name (NIR Output nodes)";
    }
    layer_role role() const override { return layer_role::structural; }
    const param_schema& schema() const override { return schema_; }
    std::span<const layer_array_def> arrays() const override { return {}; }
    tensor_shape output_shape(const validated_params&, const layer_context& ctx) const override { return ctx.input; }
    layer_static static_figures(const validated_params&, const layer_context&) const override { return {}; }
    std::unique_ptr<layer_op> make(const validated_params&, const layer_context&) const override {
        return make_pass_through_op();
    }

private:
    param_schema schema_;
};

}  // namespace

std::unique_ptr<layer_kind> make_identity_layer() { return std::make_unique<identity_kind>(); }

}  // namespace fluxon
