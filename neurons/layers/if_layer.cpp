#include "neurons/layers/if_layer.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "neurons/layers/spiking_layer.hpp"

namespace fluxon {
namespace {

class if_op final : public layer_op {
public:
    if_op(const spike_reset& r, std::size_t size) : r_(r), v_(size, r.v_reset) {}

    void step(const layer_step& s) override {
        spiking_pass(s, r_, v_, [](double v, double x) { return v + x; });
    }

private:
    spike_reset r_;
    std::vector<double> v_;
};

class if_kind final : public layer_kind {
public:
    if_kind() { add_reset_params(schema_); }
    std::string_view name() const override { return "if"; }
    std::string_view description() const override {
        return "integrate-and-fire neurons, v += x, spike where v >= v_threshold (SpikingJelly IFNode, multi-step)";
    }
    layer_role role() const override { return layer_role::activation; }
    const param_schema& schema() const override { return schema_; }
    std::span<const layer_array_def> arrays() const override { return {}; }

    tensor_shape output_shape(const validated_params& params, const layer_context& ctx) const override {
        lower_reset(params, ctx);
        return ctx.input;
    }

    layer_static static_figures(const validated_params&, const layer_context&) const override { return {}; }

    std::unique_ptr<layer_op> make(const validated_params& params, const layer_context& ctx) const override {
        return std::make_unique<if_op>(lower_reset(params, ctx), ctx.input.size());
    }

private:
    param_schema schema_;
};

}  // namespace

std::unique_ptr<layer_kind> make_if_layer() { return std::make_unique<if_kind>(); }

}  // namespace fluxon
