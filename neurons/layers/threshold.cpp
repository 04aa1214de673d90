#include "neurons/layers/threshold.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "neurons/layers/channel_array.hpp"

namespace fluxon {
namespace {

const layer_array_def threshold_arrays[] = {
        {"threshold", true, "[1], [C] or the input's shape: per channel of the input [C, ...]"},
};

class threshold_op final : public layer_op {
public:
    threshold_op(std::vector<double> theta, bool strict) : theta_(std::move(theta)), strict_(strict) {
        // Where 0 already crosses the threshold the silent entries fire as well, and the step
        // must visit every entry; elsewhere only the input's events can fire.
        for (const double t : theta_) dense_ = dense_ || fires(0.0, t);
    }

    void step(const layer_step& s) override {
        const event_batch& in = *s.input;
        const std::size_t before = s.output->size();
        if (dense_) {
            std::size_t e = 0;
            for (std::size_t i = 0; i < theta_.size(); ++i) {
                double x = 0.0;
                if (e < in.size() && in.index[e] == i) x = in.value[e++];
                if (fires(x, theta_[i])) s.output->push(static_cast<std::uint32_t>(i), 1.0);
            }
        } else {
            for (std::size_t e = 0; e < in.size(); ++e) {
                if (fires(in.value[e], theta_[in.index[e]])) s.output->push(in.index[e], 1.0);
            }
        }
        s.counts->activations += theta_.size();
        s.counts->nonzero_activations += s.output->size() - before;
    }

private:
    bool fires(double x, double theta) const { return strict_ ? x > theta : x >= theta; }

    std::vector<double> theta_;  // one per entry
    bool strict_ = false;
    bool dense_ = false;
};

class threshold_kind final : public layer_kind {
public:
    threshold_kind() {
        schema_.push_back(param_def{.name = "strict", .default_value = 0.0, .min = 0, .max = 1,
                                    .doc = "1: fire where x > threshold (NIR Threshold); 0: where x >= threshold"});
    }
    std::string_view name() const override { return "threshold"; }
    std::string_view description() const override {
        return "1 where x >= threshold (x > threshold when strict), per channel; stateless (NIR Threshold, BinaryNet)";
    }
    layer_role role() const override { return layer_role::activation; }
    const param_schema& schema() const override { return schema_; }
    std::span<const layer_array_def> arrays() const override { return threshold_arrays; }

    tensor_shape output_shape(const validated_params& params, const layer_context& ctx) const override {
        whole(params, "strict", ctx);
        per_entry(ctx, "threshold", std::nullopt);
        return ctx.input;
    }

    layer_static static_figures(const validated_params&, const layer_context& ctx) const override {
        layer_static s;
        s.parameters = array_numbers(ctx, "threshold");
        s.footprint_bytes = 4 * s.parameters;
        return s;
    }

    std::unique_ptr<layer_op> make(const validated_params& params, const layer_context& ctx) const override {
        const bool strict = whole(params, "strict", ctx) == 1;
        return std::make_unique<threshold_op>(per_entry(ctx, "threshold", std::nullopt), strict);
    }

private:
    param_schema schema_;
};

}  // namespace

std::unique_ptr<layer_kind> make_threshold_layer() { return std::make_unique<threshold_kind>(); }

}  // namespace fluxon
