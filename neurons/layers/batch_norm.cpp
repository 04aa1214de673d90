#include "neurons/layers/batch_norm.hpp"

#include <cmath>

#include <fmt/format.h>

#include "neurons/layers/channel_array.hpp"

namespace fluxon {
namespace {

const layer_array_def batch_norm_arrays[] = {
        {"running_mean", true, "[1], [C] or the input's shape"},
        {"running_var", true, "[1], [C] or the input's shape; >= 0"},
        {"weight", false, "gamma, [1], [C] or the input's shape; default 1"},
        {"bias", false, "beta, [1], [C] or the input's shape; default 0"},
};

class batch_norm_op final : public layer_op {
public:
    batch_norm_op(std::vector<double> mean, std::vector<double> deviation, std::vector<double> weight,
                  std::vector<double> bias)
        : mean_(std::move(mean)), deviation_(std::move(deviation)), weight_(std::move(weight)), bias_(std::move(bias)) {}

    void step(const layer_step& s) override {
        const event_batch& in = *s.input;
        std::size_t e = 0;
        for (std::size_t i = 0; i < mean_.size(); ++i) {
            double x = 0.0;
            if (e < in.size() && in.index[e] == i) x = in.value[e++];
            const double y = (x - mean_[i]) / deviation_[i] * weight_[i] + bias_[i];
            if (y != 0.0) s.output->push(static_cast<std::uint32_t>(i), y);
        }
    }

    bool fan_out(std::uint32_t input, std::vector<std::uint32_t>& outputs) const override {
        outputs.push_back(input);
        return true;
    }

private:
    std::vector<double> mean_, deviation_, weight_, bias_;  // per entry; deviation = sqrt(var + eps)
};

class batch_norm_kind final : public layer_kind {
public:
    batch_norm_kind() {
        schema_.push_back(param_def{.name = "eps", .default_value = 1e-5, .min = 0,
                                    .doc = "added to the variance (PyTorch's default 1e-5)"});
    }
    std::string_view name() const override { return "batch_norm"; }
    std::string_view description() const override {
        return "BatchNorm at inference, per channel: (x - mean) / sqrt(var + eps) * weight + bias (PyTorch eval)";
    }
    layer_role role() const override { return layer_role::structural; }
    const param_schema& schema() const override { return schema_; }
    std::span<const layer_array_def> arrays() const override { return batch_norm_arrays; }

    tensor_shape output_shape(const validated_params& params, const layer_context& ctx) const override {
        deviation(params, ctx);
        per_entry(ctx, "running_mean", std::nullopt);
        per_entry(ctx, "weight", 1.0);
        per_entry(ctx, "bias", 0.0);
        return ctx.input;
    }
    layer_static static_figures(const validated_params&, const layer_context& ctx) const override {
        return array_statics(ctx, batch_norm_arrays);
    }
    std::unique_ptr<layer_op> make(const validated_params& params, const layer_context& ctx) const override {
        return std::make_unique<batch_norm_op>(per_entry(ctx, "running_mean", std::nullopt), deviation(params, ctx),
                                               per_entry(ctx, "weight", 1.0), per_entry(ctx, "bias", 0.0));
    }

private:
    static std::vector<double> deviation(const validated_params& params, const layer_context& ctx) {
        const double eps = params.get("eps");
        std::vector<double> var = per_entry(ctx, "running_var", std::nullopt);
        for (std::size_t i = 0; i < var.size(); ++i) {
            if (!(var[i] + eps > 0)) {
                throw config_error(fmt::format("layer '{}': running_var + eps must be > 0; entry {} has {} + {}",
                                               ctx.name, i, var[i], eps),
                                   key_site(ctx, "running_var"));
            }
            var[i] = std::sqrt(var[i] + eps);
        }
        return var;
    }

    param_schema schema_;
};

}  // namespace

std::unique_ptr<layer_kind> make_batch_norm_layer() { return std::make_unique<batch_norm_kind>(); }

}  // namespace fluxon
