#include "neurons/layers/conv_common.hpp"

#include <limits>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "neurons/layers/bit_serial.hpp"
#include "neurons/layers/window.hpp"

namespace fluxon {
namespace {

// A conv layer checked against its input: channels, kernel, and the geometry of both axes.
struct conv_setup {
    std::uint32_t c_in = 0, c_out = 0, groups = 1, kh = 1, kw = 1;
    window_axis rows, cols;
    const tensor* weight = nullptr;
    const tensor* bias = nullptr;
    tensor_shape output;
    bit_serial serial;
    std::string name;
};

// Weights are regrouped by input channel and kernel position: an event on channel c at tap t
// meets the contiguous run of its group's output channels, whose non-zero count is what the
// tap costs. The accumulators are channel-last for the same reason (one tap, one contiguous
// add), and are read back in C order when the step's output is emitted.
class conv_op final : public layer_op {
public:
    explicit conv_op(conv_setup setup)
        : c_in_(setup.c_in), c_out_(setup.c_out), kh_(setup.kh), kw_(setup.kw),
          cin_group_(setup.c_in / setup.groups), cout_group_(setup.c_out / setup.groups),
          rows_(std::move(setup.rows)), cols_(std::move(setup.cols)), serial_(setup.serial), name_(setup.name) {
        positions_out_ = std::size_t{rows_.out} * cols_.out;
        positions_in_ = std::size_t{rows_.in} * cols_.in;
        dense_ = std::uint64_t{c_out_} * cin_group_ * rows_.pairs() * cols_.pairs();
        regroup_weights(*setup.weight);
        bias_acc_.assign(positions_out_ * c_out_, 0.0);
        if (setup.bias != nullptr) {
            for (std::size_t p = 0; p < positions_out_; ++p) {
                for (std::size_t co = 0; co < c_out_; ++co) bias_acc_[p * c_out_ + co] = setup.bias->values[co];
            }
        }
        acc_ = bias_acc_;
    }

    void step(const layer_step& s) override {
        const event_batch& in = *s.input;
        acc_ = bias_acc_;
        std::uint64_t ops = 0;
        for (std::size_t e = 0; e < in.size(); ++e) {
            const std::uint64_t met = scatter(in.index[e], in.value[e]);
            ops += met;
            if (serial_.weights) {
                s.counts->bit_ops += weight_passes_met_;
            } else if (serial_.bits > 0) {
                s.counts->bit_ops += met * serial_.passes(in.value[e], name_, s.step);
            }
        }
        const bool binary = in.binary();
        (binary ? s.counts->effective_acs : s.counts->effective_macs) += ops;
        if (binary || ternary_) s.counts->accumulate_only += ops;
        s.counts->dense_ops += dense_;
        emit(*s.output);
    }

private:
    void regroup_weights(const tensor& weight) {
        const std::size_t taps = std::size_t{kh_} * kw_;
        weights_.assign(std::size_t{c_in_} * taps * cout_group_, 0.0);
        nonzero_.assign(std::size_t{c_in_} * taps, 0);
        weight_passes_.assign(serial_.weights ? std::size_t{c_in_} * taps : 0, 0);
        for (std::size_t c = 0; c < c_in_; ++c) {
            const std::size_t group = c / cin_group_, local = c % cin_group_;
            for (std::size_t t = 0; t < taps; ++t) {
                for (std::size_t j = 0; j < cout_group_; ++j) {
                    const std::size_t co = group * cout_group_ + j;
                    const double w = weight.values[(co * cin_group_ + local) * taps + t];
                    weights_[(c * taps + t) * cout_group_ + j] = w;
                    nonzero_[c * taps + t] += w != 0.0;
                    if (serial_.weights) weight_passes_[c * taps + t] += serial_.passes_of(static_cast<std::uint64_t>(std::abs(w)));
                    ternary_ = ternary_ && (w == 0.0 || w == 1.0 || w == -1.0);
                }
            }
        }
    }

    // Adds v times the kernel into every output the input at `index` reaches; returns the
    // synaptic operations (non-zero weights met).
    std::uint64_t scatter(std::uint32_t index, double v) {
        const std::size_t c = index / positions_in_, at = index % positions_in_;
        const std::size_t y = at / cols_.in, x = at % cols_.in;
        const std::size_t taps = std::size_t{kh_} * kw_;
        const double* channel_weights = &weights_[c * taps * cout_group_];
        const std::uint32_t* channel_nonzero = &nonzero_[c * taps];
        const std::size_t first_out = (c / cin_group_) * cout_group_;
        std::uint64_t ops = 0;
        weight_passes_met_ = 0;
        for (std::uint32_t r = rows_.first[y]; r < rows_.first[y + 1]; ++r) {
            const std::size_t row_tap = std::size_t{rows_.kernel_index[r]} * kw_;
            const std::size_t row_out = std::size_t{rows_.out_index[r]} * cols_.out;
            for (std::uint32_t q = cols_.first[x]; q < cols_.first[x + 1]; ++q) {
                const std::size_t t = row_tap + cols_.kernel_index[q];
                if (channel_nonzero[t] == 0) continue;  // nothing to add, nothing to count
                ops += channel_nonzero[t];
                if (serial_.weights) weight_passes_met_ += weight_passes_[c * taps + t];
                const double* w = channel_weights + t * cout_group_;
                double* a = &acc_[(row_out + cols_.out_index[q]) * c_out_ + first_out];
                for (std::size_t j = 0; j < cout_group_; ++j) a[j] += w[j] * v;
            }
        }
        return ops;
    }

public:
    bool unfold(std::uint32_t index, std::vector<std::pair<std::uint32_t, std::uint32_t>>& position_row) const override {
        const std::size_t c = index / positions_in_, at = index % positions_in_;
        const std::size_t y = at / cols_.in, x = at % cols_.in;
        const std::size_t taps = std::size_t{kh_} * kw_;
        for (std::uint32_t r = rows_.first[y]; r < rows_.first[y + 1]; ++r) {
            for (std::uint32_t q = cols_.first[x]; q < cols_.first[x + 1]; ++q) {
                const std::size_t t = std::size_t{rows_.kernel_index[r]} * kw_ + cols_.kernel_index[q];
                const std::size_t position = std::size_t{rows_.out_index[r]} * cols_.out + cols_.out_index[q];
                position_row.emplace_back(static_cast<std::uint32_t>(position), static_cast<std::uint32_t>(c * taps + t));
            }
        }
        return true;
    }

    bool fan_out(std::uint32_t index, std::vector<std::uint32_t>& outputs) const override {
        const std::size_t c = index / positions_in_, at = index % positions_in_;
        const std::size_t y = at / cols_.in, x = at % cols_.in;
        const std::size_t taps = std::size_t{kh_} * kw_;
        const std::size_t first_out = (c / cin_group_) * cout_group_;
        for (std::uint32_t r = rows_.first[y]; r < rows_.first[y + 1]; ++r) {
            for (std::uint32_t q = cols_.first[x]; q < cols_.first[x + 1]; ++q) {
                const std::size_t t = std::size_t{rows_.kernel_index[r]} * kw_ + cols_.kernel_index[q];
                const double* w = &weights_[(c * taps + t) * cout_group_];
                const std::size_t position = std::size_t{rows_.out_index[r]} * cols_.out + cols_.out_index[q];
                for (std::size_t j = 0; j < cout_group_; ++j) {
                    if (w[j] != 0.0) outputs.push_back(static_cast<std::uint32_t>((first_out + j) * positions_out_ + position));
                }
            }
        }
        return true;
    }

private:
    void emit(event_batch& out) const {
        for (std::size_t co = 0; co < c_out_; ++co) {
            for (std::size_t p = 0; p < positions_out_; ++p) {
                const double v = acc_[p * c_out_ + co];
                if (v != 0.0) out.push(static_cast<std::uint32_t>(co * positions_out_ + p), v);
            }
        }
    }

    std::size_t c_in_, c_out_, kh_, kw_, cin_group_, cout_group_;
    window_axis rows_, cols_;
    bit_serial serial_;
    std::string name_;
    bool ternary_ = true;  // every weight -1, 0 or 1: the layer only adds and subtracts
    std::size_t positions_in_ = 0, positions_out_ = 0;
    std::uint64_t dense_ = 0;
    std::vector<double> weights_, bias_acc_, acc_;
    std::vector<std::uint32_t> nonzero_;
    std::vector<std::uint64_t> weight_passes_;  // bit-serial weights: per (input channel, tap)
    std::uint64_t weight_passes_met_ = 0;       // of the event being scattered
};

class conv_kind final : public layer_kind {
public:
    explicit conv_kind(const conv_kind_info& info) : info_(info) {
        arrays_ = {{"weight", true, std::string(info.weight_doc)},
                   {"bias", false, "[out_channels]; default zero"}};
        schema_.push_back(param_def{.name = "stride", .default_value = 1.0, .min = 1,
                                    .doc = "step of the window over the input, in every spatial dimension"});
        schema_.push_back(param_def{.name = "padding", .default_value = 0.0, .min = 0,
                                    .doc = "zeros added on each side of every spatial dimension"});
        schema_.push_back(param_def{.name = "dilation", .default_value = 1.0, .min = 1,
                                    .doc = "spacing between kernel elements"});
        schema_.push_back(param_def{.name = "groups", .default_value = 1.0, .min = 1,
                                    .doc = "input and output channels split into this many groups, each group's "
                                           "outputs seeing only its own inputs; divides both channel counts"});
        bit_serial::add_params(schema_);
    }

    std::string_view name() const override { return info_.name; }
    std::string_view description() const override { return info_.description; }
    layer_role role() const override { return layer_role::connection; }
    const param_schema& schema() const override { return schema_; }
    std::span<const layer_array_def> arrays() const override { return arrays_; }

    tensor_shape output_shape(const validated_params& params, const layer_context& ctx) const override {
        return check(params, ctx).output;
    }

    layer_static static_figures(const validated_params& params, const layer_context& ctx) const override {
        const conv_setup setup = check(params, ctx);
        layer_static s;
        s.weights = setup.weight->size();
        for (const double v : setup.weight->values) s.zero_weights += v == 0.0;
        s.parameters = setup.weight->size() + (setup.bias != nullptr ? setup.bias->size() : 0);
        s.footprint_bytes = 4 * s.parameters;
        return s;
    }

    std::unique_ptr<layer_op> make(const validated_params& params, const layer_context& ctx) const override {
        return std::make_unique<conv_op>(check(params, ctx));
    }

private:
    conv_setup check(const validated_params& params, const layer_context& ctx) const {
        const std::size_t rank = info_.spatial_rank;
        if (ctx.input.dims.size() != rank + 1) {
            layer_config_error(ctx, "",
                               fmt::format("layer '{}': {} takes an input of shape {}, got {}", ctx.name,
                                           info_.name, info_.input_doc, to_string(ctx.input)));
        }
        const std::uint32_t stride = whole(params, "stride", ctx), padding = whole(params, "padding", ctx),
                            dilation = whole(params, "dilation", ctx);
        conv_setup s;
        s.serial = bit_serial::lowered(params, ctx);
        if (s.serial.weights && ctx.array("weight") != nullptr) {
            for (const double v : ctx.array("weight")->values) s.serial.weight_passes(v, ctx);
        }
        s.name = ctx.name;
        s.groups = whole(params, "groups", ctx);
        s.c_in = ctx.input.dims[0];
        if (s.c_in % s.groups != 0) {
            layer_config_error(ctx, "groups",
                               fmt::format("layer '{}': groups = {} does not divide the input's {} channels (input "
                                           "shape {})",
                                           ctx.name, s.groups, s.c_in, to_string(ctx.input)));
        }
        const std::int64_t cin_group = s.c_in / s.groups;
        const tensor* weight = ctx.array("weight");
        bool weight_ok = weight != nullptr && weight->shape.size() == rank + 2;
        for (std::size_t k = 0; weight_ok && k < weight->shape.size(); ++k) {
            weight_ok = weight->shape[k] >= 1 && weight->shape[k] <= std::numeric_limits<std::uint32_t>::max() / 2;
        }
        if (!weight_ok) {
            layer_config_error(ctx, "weight",
                               fmt::format("layer '{}' needs 'weight' of shape {} (in_channels / groups = {}) for "
                                           "its input of shape {}{}",
                                           ctx.name, info_.weight_doc, cin_group, to_string(ctx.input),
                                           weight == nullptr ? std::string() : ", got " + to_string(*weight)));
        }
        s.c_out = static_cast<std::uint32_t>(weight->shape[0]);
        if (s.c_out % s.groups != 0) {
            layer_config_error(ctx, "groups",
                               fmt::format("layer '{}': groups = {} does not divide the {} output channels of "
                                           "'weight' (shape {})",
                                           ctx.name, s.groups, s.c_out, to_string(*weight)));
        }
        s.kw = static_cast<std::uint32_t>(weight->shape[rank + 1]);
        s.kh = rank == 2 ? static_cast<std::uint32_t>(weight->shape[2]) : 1;
        std::vector<std::int64_t> expected{s.c_out, cin_group, s.kh, s.kw};
        if (rank == 1) expected.erase(expected.begin() + 2);
        s.weight = &require_shape(ctx, "weight", expected);
        if (ctx.array("bias") != nullptr) s.bias = &require_shape(ctx, "bias", {s.c_out});

        const window_params along_rows{s.kh, stride, padding, dilation}, along_cols{s.kw, stride, padding, dilation};
        if (rank == 2) {
            s.rows = make_window_axis(ctx, "height", ctx.input.dims[1], along_rows);
            s.cols = make_window_axis(ctx, "width", ctx.input.dims[2], along_cols);
        } else {
            s.rows = make_window_axis(ctx, "height", 1, {});  // the 1-D conv's single row
            s.cols = make_window_axis(ctx, "length", ctx.input.dims[1], along_cols);
        }
        s.output.dims = {s.c_out};
        if (rank == 2) s.output.dims.push_back(s.rows.out);
        s.output.dims.push_back(s.cols.out);
        // Event indices are 32-bit; the product is taken in double so that it cannot wrap.
        if (static_cast<double>(s.c_out) * s.rows.out * s.cols.out > std::numeric_limits<std::uint32_t>::max()) {
            layer_config_error(ctx, "", fmt::format("layer '{}': output shape {} is too large", ctx.name,
                                                    to_string(s.output)));
        }
        return s;
    }

    conv_kind_info info_;
    std::vector<layer_array_def> arrays_;
    param_schema schema_;
};

}  // namespace

std::unique_ptr<layer_kind> make_conv_kind(const conv_kind_info& info) { return std::make_unique<conv_kind>(info); }

}  // namespace fluxon
