#include "neurons/layers/lif_layer.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "neurons/layers/spiking_layer.hpp"

namespace fluxon {
namespace {

struct lif_params {
    spike_reset reset;
    double tau = 2;
    bool decay_input = true;
};

class lif_op final : public layer_op {
public:
    lif_op(const lif_params& p, std::size_t size) : p_(p), v_(size, p.reset.v_reset) {}

    // Divided by tau as SpikingJelly writes it rather than multiplied by 1/tau, so that the
    // numbers are SpikingJelly's.
    void step(const layer_step& s) override {
        const double tau = p_.tau, v_reset = p_.reset.v_reset;
        if (p_.decay_input) {
            spiking_pass(s, p_.reset, v_, [=](double v, double x) { return v + (x - (v - v_reset)) / tau; });
        } else {
            spiking_pass(s, p_.reset, v_, [=](double v, double x) { return v - (v - v_reset) / tau + x; });
        }
    }

private:
    lif_params p_;
    std::vector<double> v_;
};

class lif_kind final : public layer_kind {
public:
    lif_kind() {
        schema_.push_back(param_def{.name = "tau", .default_value = 2.0, .min = 1, .min_exclusive = true,
                                    .doc = "membrane time constant in steps"});
        add_reset_params(schema_);
        schema_.push_back(param_def{.name = "decay_input", .default_value = 0.0,
                                    .doc = "\"true\": the input decays with v, v += (x - (v - v_reset)) / tau; "
                                           "\"false\": v += x - (v - v_reset) / tau",
                                    .choices = {"true", "false"}});
    }
    std::string_view name() const override { return "lif"; }
    std::string_view description() const override {
        return "leaky integrate-and-fire neurons, tau in steps, spike where v >= v_threshold (SpikingJelly LIFNode, "
               "multi-step)";
    }
    layer_role role() const override { return layer_role::activation; }
    const param_schema& schema() const override { return schema_; }
    std::span<const layer_array_def> arrays() const override { return {}; }

    tensor_shape output_shape(const validated_params& params, const layer_context& ctx) const override {
        lowered(params, ctx);
        return ctx.input;
    }

    layer_static static_figures(const validated_params&, const layer_context&) const override { return {}; }

    std::unique_ptr<layer_op> make(const validated_params& params, const layer_context& ctx) const override {
        return std::make_unique<lif_op>(lowered(params, ctx), ctx.input.size());
    }

private:
    static lif_params lowered(const validated_params& params, const layer_context& ctx) {
        lif_params p;
        p.reset = lower_reset(params, ctx);
        p.tau = params.get("tau");
        p.decay_input = params.get("decay_input") == 0.0;
        return p;
    }

    param_schema schema_;
};

}  // namespace

std::unique_ptr<layer_kind> make_lif_layer() { return std::make_unique<lif_kind>(); }

}  // namespace fluxon
