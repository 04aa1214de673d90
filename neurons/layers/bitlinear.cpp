#include "neurons/layers/bitlinear.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "neurons/layers/bit_serial.hpp"

namespace fluxon {
namespace {

const layer_array_def bitlinear_arrays[] = {
        {"weight", true, "[out_features, in_features], real: ternarised when the layer is built"},
};

constexpr double min_scale = 1e-5;  // BitNet's clamp of both absmax and absmean

class bitlinear_op final : public layer_op {
public:
    bitlinear_op(const tensor& weight, std::uint32_t activation_bits, bit_serial serial, std::string name)
        : serial_(serial), name_(std::move(name)) {
        out_ = static_cast<std::size_t>(weight.shape[0]);
        in_ = static_cast<std::size_t>(weight.shape[1]);
        double mean = 0;
        for (const double w : weight.values) mean += std::abs(w);
        mean /= static_cast<double>(weight.values.size());
        weight_scale_ = 1.0 / std::max(mean, min_scale);
        columns_.assign(in_ * out_, 0);
        nonzero_.assign(in_, 0);
        for (std::size_t i = 0; i < out_; ++i) {
            for (std::size_t j = 0; j < in_; ++j) {
                const double t = std::clamp(std::nearbyint(weight.values[i * in_ + j] * weight_scale_), -1.0, 1.0);
                columns_[j * out_ + i] = static_cast<std::int8_t>(t);
                nonzero_[j] += t != 0.0;
            }
        }
        q_max_ = std::ldexp(1.0, static_cast<int>(activation_bits) - 1) - 1;
        acc_.resize(out_);
    }

    void step(const layer_step& s) override {
        const event_batch& in = *s.input;
        double max_abs = 0;
        for (const double v : in.value) max_abs = std::max(max_abs, std::abs(v));
        const double x_scale = q_max_ / std::max(max_abs, min_scale);
        std::fill(acc_.begin(), acc_.end(), std::int64_t{0});
        std::uint64_t ops = 0;
        for (std::size_t e = 0; e < in.size(); ++e) {
            const double q = std::clamp(std::nearbyint(in.value[e] * x_scale), -q_max_ - 1, q_max_);
            if (q == 0.0) continue;  // rounded away: no event reaches the weights
            const auto xq = static_cast<std::int64_t>(q);
            const std::size_t j = in.index[e];
            const std::int8_t* column = &columns_[j * out_];
            for (std::size_t i = 0; i < out_; ++i) {
                if (column[i] > 0) acc_[i] += xq;
                else if (column[i] < 0) acc_[i] -= xq;
            }
            ops += nonzero_[j];
            // A ternary weight is one bit plane: weights sent bit-serially cost one pass each.
            if (serial_.weights) {
                s.counts->bit_ops += nonzero_[j];
            } else if (serial_.bits > 0) {
                s.counts->bit_ops += nonzero_[j] * serial_.passes(q, name_, s.step);
            }
        }
        s.counts->effective_macs += ops;
        s.counts->accumulate_only += ops;
        s.counts->dense_ops += in_ * out_;
        const double unscale = x_scale * weight_scale_;
        for (std::size_t i = 0; i < out_; ++i) {
            if (acc_[i] != 0) s.output->push(static_cast<std::uint32_t>(i), static_cast<double>(acc_[i]) / unscale);
        }
    }

    bool fan_out(std::uint32_t input, std::vector<std::uint32_t>& outputs) const override {
        for (std::size_t i = 0; i < out_; ++i) {
            if (columns_[std::size_t{input} * out_ + i] != 0) outputs.push_back(static_cast<std::uint32_t>(i));
        }
        return true;
    }

private:
    bit_serial serial_;
    std::string name_;
    std::size_t in_ = 0, out_ = 0;
    double weight_scale_ = 1, q_max_ = 127;
    std::vector<std::int8_t> columns_;  // ternary, column by column
    std::vector<std::uint64_t> nonzero_;
    std::vector<std::int64_t> acc_;
};

class bitlinear_kind final : public layer_kind {
public:
    bitlinear_kind() {
        schema_.push_back(param_def{.name = "activation_bits", .default_value = 8.0, .min = 2, .max = 16,
                                    .doc = "bits of the absmax-quantised activations (BitNet: 8)"});
        bit_serial::add_params(schema_);
    }
    std::string_view name() const override { return "bitlinear"; }
    std::string_view description() const override {
        return "BitNet b1.58 / MatMul-free BitLinear: ternary weights (absmean), 8-bit absmax activations, "
               "accumulate-only";
    }
    layer_role role() const override { return layer_role::connection; }
    const param_schema& schema() const override { return schema_; }
    std::span<const layer_array_def> arrays() const override { return bitlinear_arrays; }

    tensor_shape output_shape(const validated_params& params, const layer_context& ctx) const override {
        whole(params, "activation_bits", ctx);
        bit_serial::lowered(params, ctx);
        return tensor_shape{{static_cast<std::uint32_t>(weight(ctx).shape[0])}};
    }

    layer_static static_figures(const validated_params&, const layer_context& ctx) const override {
        const tensor& w = weight(ctx);
        bitlinear_op op(w, 8, {}, ctx.name);
        layer_static s;
        s.weights = w.size();
        std::vector<std::uint32_t> reached;
        for (std::uint32_t j = 0; j < static_cast<std::uint32_t>(w.shape[1]); ++j) op.fan_out(j, reached);
        s.zero_weights = w.size() - reached.size();
        s.parameters = w.size();
        // Ternary weights: 2 bits each (1.58 bits of information), and the one scale.
        s.footprint_bytes = (2 * w.size() + 7) / 8 + 4;
        return s;
    }

    std::unique_ptr<layer_op> make(const validated_params& params, const layer_context& ctx) const override {
        return std::make_unique<bitlinear_op>(weight(ctx), whole(params, "activation_bits", ctx),
                                              bit_serial::lowered(params, ctx), ctx.name);
    }

private:
    static const tensor& weight(const layer_context& ctx) {
        return require_input_matrix(ctx, "weight", "out_features");
    }

    param_schema schema_;
};

}  // namespace

std::unique_ptr<layer_kind> make_bitlinear_layer() { return std::make_unique<bitlinear_kind>(); }

}  // namespace fluxon
