#include "neurons/layers/linear.hpp"

#include <cmath>

#include <fmt/format.h>

#include "neurons/layers/bit_serial.hpp"

namespace fluxon {
namespace {

const layer_array_def linear_arrays[] = {
        {"weight", true, "[out_features, in_features]"},
        {"bias", false, "[out_features]; default zero"},
};

// Each input event scatters its column of W into the accumulators: the weights are kept
// column by column (transposed), with each column's count of non-zero weights for the
// synaptic operations it costs.
class linear_op final : public layer_op {
public:
    linear_op(const tensor& weight, const tensor* bias, bit_serial serial, std::string name)
        : serial_(serial), name_(std::move(name)) {
        out_ = static_cast<std::size_t>(weight.shape[0]);
        in_ = static_cast<std::size_t>(weight.shape[1]);
        columns_.resize(in_ * out_);
        nonzero_.assign(in_, 0);
        weight_passes_.assign(serial_.weights ? in_ : 0, 0);
        for (std::size_t i = 0; i < out_; ++i) {
            for (std::size_t j = 0; j < in_; ++j) {
                const double w = weight.values[i * in_ + j];
                columns_[j * out_ + i] = w;
                nonzero_[j] += w != 0.0;
                ternary_ = ternary_ && (w == 0.0 || w == 1.0 || w == -1.0);
                if (serial_.weights) weight_passes_[j] += serial_.passes_of(static_cast<std::uint64_t>(std::abs(w)));
            }
        }
        bias_ = bias != nullptr ? bias->values : std::vector<double>(out_, 0.0);
        acc_.resize(out_);
    }

    void step(const layer_step& s) override {
        const event_batch& in = *s.input;
        acc_ = bias_;
        std::uint64_t ops = 0;
        for (std::size_t e = 0; e < in.size(); ++e) {
            const std::size_t j = in.index[e];
            const double v = in.value[e];
            const double* column = &columns_[j * out_];
            for (std::size_t i = 0; i < out_; ++i) acc_[i] += column[i] * v;
            ops += nonzero_[j];
            if (serial_.weights) {
                s.counts->bit_ops += weight_passes_[j];
            } else if (serial_.bits > 0) {
                s.counts->bit_ops += nonzero_[j] * serial_.passes(v, name_, s.step);
            }
        }
        const bool binary = in.binary();
        (binary ? s.counts->effective_acs : s.counts->effective_macs) += ops;
        if (binary || ternary_) s.counts->accumulate_only += ops;
        s.counts->dense_ops += in_ * out_;
        for (std::size_t i = 0; i < out_; ++i) {
            if (acc_[i] != 0.0) s.output->push(static_cast<std::uint32_t>(i), acc_[i]);
        }
    }

    bool fan_out(std::uint32_t input, std::vector<std::uint32_t>& outputs) const override {
        const double* column = &columns_[std::size_t{input} * out_];
        for (std::size_t i = 0; i < out_; ++i) {
            if (column[i] != 0.0) outputs.push_back(static_cast<std::uint32_t>(i));
        }
        return true;
    }

private:
    bit_serial serial_;
    std::string name_;
    bool ternary_ = true;  // every weight -1, 0 or 1: the layer only adds and subtracts
    std::size_t in_ = 0, out_ = 0;
    std::vector<double> columns_, bias_, acc_;
    std::vector<std::uint64_t> nonzero_;
    std::vector<std::uint64_t> weight_passes_;  // bit-serial weights: per column, the passes of its weights
};

class linear_kind final : public layer_kind {
public:
    linear_kind() { bit_serial::add_params(schema_); }
    std::string_view name() const override { return "linear"; }
    std::string_view description() const override {
        return "y = W x + b over the flattened input (NIR Affine / Linear, nn.Linear)";
    }
    layer_role role() const override { return layer_role::connection; }
    const param_schema& schema() const override { return schema_; }
    std::span<const layer_array_def> arrays() const override { return linear_arrays; }

    tensor_shape output_shape(const validated_params& params, const layer_context& ctx) const override {
        const bit_serial serial = bit_serial::lowered(params, ctx);
        const tensor& w = weight(ctx);
        if (serial.weights) {
            for (const double v : w.values) serial.weight_passes(v, ctx);
        }
        return tensor_shape{{static_cast<std::uint32_t>(w.shape[0])}};
    }

    layer_static static_figures(const validated_params&, const layer_context& ctx) const override {
        const tensor& w = weight(ctx);
        layer_static s;
        s.weights = w.size();
        for (const double v : w.values) s.zero_weights += v == 0.0;
        s.parameters = w.size() + (ctx.array("bias") != nullptr ? ctx.array("bias")->size() : 0);
        s.footprint_bytes = 4 * s.parameters;
        return s;
    }

    std::unique_ptr<layer_op> make(const validated_params& params, const layer_context& ctx) const override {
        const tensor& w = weight(ctx);
        const tensor* b = ctx.array("bias") != nullptr ? &require_shape(ctx, "bias", {w.shape[0]}) : nullptr;
        return std::make_unique<linear_op>(w, b, bit_serial::lowered(params, ctx), ctx.name);
    }

private:
    static const tensor& weight(const layer_context& ctx) {
        return require_input_matrix(ctx, "weight", "out_features");
    }

    param_schema schema_;
};

}  // namespace

std::unique_ptr<layer_kind> make_linear_layer() { return std::make_unique<linear_kind>(); }

}  // namespace fluxon
