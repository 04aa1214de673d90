#include "neurons/layers/if_layer.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "neurons/layers/channel_array.hpp"

namespace fluxon {
namespace {

struct if_params {
    double v_threshold = 1, v_reset = 0;
    bool subtract = false;
};

class if_op final : public layer_op {
public:
    if_op(const if_params& p, std::size_t size) : p_(p), v_(size, p.v_reset) {}

    void step(const layer_step& s) override {
        const event_batch& in = *s.input;
        if (s.sample_start) std::fill(v_.begin(), v_.end(), p_.v_reset);
        const if_params p = p_;
        const std::size_t n = v_.size();
        std::uint64_t changed = 0, spikes = 0;
        std::size_t e = 0;
        for (std::size_t i = 0; i < n; ++i) {
            double x = 0.0;
            if (e < in.size() && in.index[e] == i) x = in.value[e++];
            const double before = v_[i];
            double v = before + x;
            if (v >= p.v_threshold) {
                v = p.subtract ? v - p.v_threshold : p.v_reset;
                s.output->push(static_cast<std::uint32_t>(i), 1.0);
                ++spikes;
            }
            changed += v != before;
            v_[i] = v;
        }
        s.counts->membrane_updates += s.sample_start ? n : changed;
        s.counts->activations += n;
        s.counts->nonzero_activations += spikes;
    }

private:
    if_params p_;
    std::vector<double> v_;
};

class if_kind final : public layer_kind {
public:
    if_kind() {
        schema_.push_back(
                param_def{.name = "v_threshold", .default_value = 1.0, .doc = "spike where v >= v_threshold"});
        schema_.push_back(param_def{.name = "v_reset", .default_value = 0.0,
                                    .doc = "v after a hard reset, and at every sample's start"});
        schema_.push_back(param_def{.name = "reset", .default_value = 0.0,
                                    .doc = "after a spike: \"hard\" sets v = v_reset, \"subtract\" v -= v_threshold",
                                    .choices = {"hard", "subtract"}});
    }
    std::string_view name() const override { return "if"; }
    std::string_view description() const override {
        return "integrate-and-fire neurons, v += x, spike where v >= v_threshold (SpikingJelly IFNode, multi-step)";
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
        return std::make_unique<if_op>(lowered(params, ctx), ctx.input.size());
    }

private:
    static if_params lowered(const validated_params& params, const layer_context& ctx) {
        if_params p;
        p.v_threshold = params.get("v_threshold");
        p.v_reset = params.get("v_reset");
        p.subtract = params.get("reset") == 1.0;
        // At or below v_reset a neuron would fire from rest with no input at all, and a
        // subtractive reset by a threshold <= 0 would drive v up without end.
        if (!(p.v_threshold > p.v_reset)) {
            throw config_error(fmt::format("layer '{}': v_threshold ({}) must be above v_reset ({})", ctx.name,
                                           p.v_threshold, p.v_reset),
                               key_site(ctx, "v_threshold"));
        }
        if (p.subtract && !(p.v_threshold > 0.0)) {
            throw config_error(fmt::format("layer '{}': a subtractive reset needs v_threshold > 0, got {}", ctx.name,
                                           p.v_threshold),
                               key_site(ctx, "v_threshold"));
        }
        return p;
    }

    param_schema schema_;
};

}  // namespace

std::unique_ptr<layer_kind> make_if_layer() { return std::make_unique<if_kind>(); }

}  // namespace fluxon
