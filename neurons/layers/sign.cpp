#include "neurons/layers/sign.hpp"

#include <cstdint>

#include <fmt/format.h>

#include "neurons/layers/channel_array.hpp"

namespace fluxon {
namespace {

const layer_array_def sign_arrays[] = {
        {"threshold", false, "[1], [C] or the input's shape: per channel of the input [C, ...]; default 0"},
        {"flip", false, "[1], [C] or the input's shape, values 0 or 1: 1 gives +1 where x <= threshold; default 0"},
};

class sign_op final : public layer_op {
public:
    sign_op(std::vector<double> theta, std::vector<std::uint8_t> flip)
        : theta_(std::move(theta)), flip_(std::move(flip)) {}

    void step(const layer_step& s) override {
        const event_batch& in = *s.input;
        std::size_t e = 0;
        for (std::size_t i = 0; i < theta_.size(); ++i) {
            double x = 0.0;
            if (e < in.size() && in.index[e] == i) x = in.value[e++];
            const bool up = flip_[i] != 0 ? x <= theta_[i] : x >= theta_[i];
            s.output->push(static_cast<std::uint32_t>(i), up ? 1.0 : -1.0);
        }
        s.counts->activations += theta_.size();
        s.counts->nonzero_activations += theta_.size();
    }

private:
    std::vector<double> theta_;       // one per entry
    std::vector<std::uint8_t> flip_;  // one per entry
};

class sign_kind final : public layer_kind {
public:
    std::string_view name() const override { return "sign"; }
    std::string_view description() const override {
        return "+1 where x >= threshold, else -1 (reversed where flip = 1), per channel: BinaryNet sign with "
               "BatchNorm folded";
    }
    layer_role role() const override { return layer_role::activation; }
    const param_schema& schema() const override { return schema_; }
    std::span<const layer_array_def> arrays() const override { return sign_arrays; }

    tensor_shape output_shape(const validated_params&, const layer_context& ctx) const override {
        per_entry(ctx, "threshold", 0.0);
        flips(ctx);
        return ctx.input;
    }

    layer_static static_figures(const validated_params&, const layer_context& ctx) const override {
        layer_static s;
        s.parameters = array_numbers(ctx, "threshold") + array_numbers(ctx, "flip");
        s.footprint_bytes = 4 * s.parameters;
        return s;
    }

    std::unique_ptr<layer_op> make(const validated_params&, const layer_context& ctx) const override {
        return std::make_unique<sign_op>(per_entry(ctx, "threshold", 0.0), flips(ctx));
    }

private:
    static std::vector<std::uint8_t> flips(const layer_context& ctx) {
        const std::vector<double> values = per_entry(ctx, "flip", 0.0);
        std::vector<std::uint8_t> out(values.size());
        for (std::size_t i = 0; i < values.size(); ++i) {
            if (values[i] != 0.0 && values[i] != 1.0) {
                throw config_error(fmt::format("layer '{}': 'flip' holds {}; each value must be 0 or 1", ctx.name,
                                               values[i]),
                                   key_site(ctx, "flip"));
            }
            out[i] = values[i] == 1.0;
        }
        return out;
    }

    param_schema schema_;
};

}  // namespace

std::unique_ptr<layer_kind> make_sign_layer() { return std::make_unique<sign_kind>(); }

}  // namespace fluxon
