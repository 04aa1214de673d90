#include "neurons/layers/pool_common.hpp"

#include <algorithm>
#include <limits>
#include <vector>

#include <fmt/format.h>

#include "neurons/layers/window.hpp"

namespace fluxon {
namespace {

struct pool_setup {
    std::uint32_t channels = 0, kernel = 1;
    window_axis rows, cols;
    tensor_shape output;
};

// Channel-first accumulators, as the output: an event only reaches windows of its own channel.
class pool_geometry {
public:
    explicit pool_geometry(pool_setup setup)
        : channels_(setup.channels), rows_(std::move(setup.rows)), cols_(std::move(setup.cols)) {
        positions_in_ = std::size_t{rows_.in} * cols_.in;
        positions_out_ = std::size_t{rows_.out} * cols_.out;
    }

    std::size_t output_size() const { return channels_ * positions_out_; }

    // Calls f(output index) for every window holding the input at `index`.
    template <class F>
    void for_each_window(std::uint32_t index, F&& f) const {
        const std::size_t c = index / positions_in_, at = index % positions_in_;
        const std::size_t y = at / cols_.in, x = at % cols_.in;
        const std::size_t channel_out = c * positions_out_;
        for (std::uint32_t r = rows_.first[y]; r < rows_.first[y + 1]; ++r) {
            const std::size_t row_out = channel_out + std::size_t{rows_.out_index[r]} * cols_.out;
            for (std::uint32_t q = cols_.first[x]; q < cols_.first[x + 1]; ++q) f(row_out + cols_.out_index[q]);
        }
    }

    // Positions of each output window inside the input (the rest is padding), channel by channel.
    std::vector<std::uint32_t> covered() const {
        std::vector<std::uint32_t> out(output_size());
        for (std::size_t c = 0; c < channels_; ++c) {
            for (std::size_t oy = 0; oy < rows_.out; ++oy) {
                for (std::size_t ox = 0; ox < cols_.out; ++ox) {
                    out[c * positions_out_ + oy * cols_.out + ox] = rows_.covered[oy] * cols_.covered[ox];
                }
            }
        }
        return out;
    }

private:
    std::size_t channels_;
    window_axis rows_, cols_;
    std::size_t positions_in_ = 0, positions_out_ = 0;
};

// Sum and average pooling: the window's sum, over 1 or kernel_size^2.
class sum_pool_op final : public layer_op {
public:
    sum_pool_op(pool_setup setup, double divisor) : geometry_(std::move(setup)), divisor_(divisor) {
        acc_.assign(geometry_.output_size(), 0.0);
    }

    void step(const layer_step& s) override {
        const event_batch& in = *s.input;
        std::fill(acc_.begin(), acc_.end(), 0.0);
        for (std::size_t e = 0; e < in.size(); ++e) {
            const double v = in.value[e];
            geometry_.for_each_window(in.index[e], [&](std::size_t o) { acc_[o] += v; });
        }
        for (std::size_t o = 0; o < acc_.size(); ++o) {
            // Divided once per output, at the end, as PyTorch does: the sum is exact when its
            // terms are, and the mean then rounds once.
            const double v = acc_[o] / divisor_;
            if (v != 0.0) s.output->push(static_cast<std::uint32_t>(o), v);
        }
    }

    bool fan_out(std::uint32_t input, std::vector<std::uint32_t>& outputs) const override {
        geometry_.for_each_window(input, [&](std::size_t o) { outputs.push_back(static_cast<std::uint32_t>(o)); });
        return true;
    }

private:
    pool_geometry geometry_;
    double divisor_;
    std::vector<double> acc_;
};

// Max pooling over events: the largest event in the window, or 0 when the window also holds an
// input position without an event (a zero), which is known by counting the window's events.
class max_pool_op final : public layer_op {
public:
    explicit max_pool_op(pool_setup setup) : geometry_(std::move(setup)) {
        covered_ = geometry_.covered();
        best_.assign(geometry_.output_size(), 0.0);
        events_.assign(geometry_.output_size(), 0);
    }

    void step(const layer_step& s) override {
        const event_batch& in = *s.input;
        std::fill(best_.begin(), best_.end(), -std::numeric_limits<double>::infinity());
        std::fill(events_.begin(), events_.end(), 0u);
        for (std::size_t e = 0; e < in.size(); ++e) {
            const double v = in.value[e];
            geometry_.for_each_window(in.index[e], [&](std::size_t o) {
                best_[o] = std::max(best_[o], v);
                ++events_[o];
            });
        }
        for (std::size_t o = 0; o < best_.size(); ++o) {
            const double v = events_[o] < covered_[o] ? std::max(best_[o], 0.0) : best_[o];
            if (v != 0.0) s.output->push(static_cast<std::uint32_t>(o), v);
        }
    }

    bool fan_out(std::uint32_t input, std::vector<std::uint32_t>& outputs) const override {
        geometry_.for_each_window(input, [&](std::size_t o) { outputs.push_back(static_cast<std::uint32_t>(o)); });
        return true;
    }

private:
    pool_geometry geometry_;
    std::vector<std::uint32_t> covered_, events_;
    std::vector<double> best_;
};

class pool_kind final : public layer_kind {
public:
    explicit pool_kind(const pool_kind_info& info) : info_(info) {
        schema_.push_back(param_def{.name = "kernel_size", .min = 1,
                                    .doc = "side of the square window"});
        schema_.push_back(param_def{.name = "stride", .default_value = 0.0, .min = 0,
                                    .doc = "step of the window in both dimensions; 0 (the default): kernel_size"});
        schema_.push_back(param_def{.name = "padding", .default_value = 0.0, .min = 0,
                                    .doc = "positions added on each side of both dimensions, at most kernel_size / 2"});
    }

    std::string_view name() const override { return info_.name; }
    std::string_view description() const override { return info_.description; }
    layer_role role() const override { return layer_role::structural; }
    const param_schema& schema() const override { return schema_; }
    std::span<const layer_array_def> arrays() const override { return {}; }

    tensor_shape output_shape(const validated_params& params, const layer_context& ctx) const override {
        return check(params, ctx).output;
    }

    layer_static static_figures(const validated_params& params, const layer_context& ctx) const override {
        check(params, ctx);
        return {};
    }

    std::unique_ptr<layer_op> make(const validated_params& params, const layer_context& ctx) const override {
        pool_setup setup = check(params, ctx);
        const double k = setup.kernel;
        switch (info_.mode) {
            case pool_mode::sum: return std::make_unique<sum_pool_op>(std::move(setup), 1.0);
            case pool_mode::average: return std::make_unique<sum_pool_op>(std::move(setup), k * k);
            case pool_mode::max: return std::make_unique<max_pool_op>(std::move(setup));
        }
        throw internal_error("unknown pool mode");
    }

private:
    pool_setup check(const validated_params& params, const layer_context& ctx) const {
        if (ctx.input.dims.size() != 3) {
            layer_config_error(ctx, "",
                               fmt::format("layer '{}': {} takes an input of shape [channels, height, width], got {}",
                                           ctx.name, info_.name, to_string(ctx.input)));
        }
        pool_setup s;
        s.channels = ctx.input.dims[0];
        s.kernel = whole(params, "kernel_size", ctx);
        const std::uint32_t stride = whole(params, "stride", ctx);
        const window_params w{s.kernel, stride == 0 ? s.kernel : stride, whole(params, "padding", ctx), 1};
        if (w.padding > w.kernel / 2) {
            layer_config_error(ctx, "padding",
                               fmt::format("layer '{}': padding = {} is more than half of kernel_size = {} (a "
                                           "window could lie wholly in the padding)",
                                           ctx.name, w.padding, w.kernel));
        }
        s.rows = make_window_axis(ctx, "height", ctx.input.dims[1], w);
        s.cols = make_window_axis(ctx, "width", ctx.input.dims[2], w);
        s.output.dims = {s.channels, s.rows.out, s.cols.out};
        // Event indices are 32-bit; the product is taken in double so that it cannot wrap.
        if (static_cast<double>(s.channels) * s.rows.out * s.cols.out > std::numeric_limits<std::uint32_t>::max()) {
            layer_config_error(ctx, "", fmt::format("layer '{}': output shape {} is too large", ctx.name,
                                                    to_string(s.output)));
        }
        return s;
    }

    pool_kind_info info_;
    param_schema schema_;
};

}  // namespace

std::unique_ptr<layer_kind> make_pool_kind(const pool_kind_info& info) { return std::make_unique<pool_kind>(info); }

}  // namespace fluxon
