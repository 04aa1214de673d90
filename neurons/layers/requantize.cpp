#include "neurons/layers/requantize.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "neurons/layers/channel_array.hpp"

namespace fluxon {

quantized_multiplier quantize_multiplier(double m) {
    if (m == 0.0) return {};
    int exponent = 0;
    const double mantissa = std::frexp(m, &exponent);  // in [0.5, 1)
    std::int64_t m0 = static_cast<std::int64_t>(std::round(mantissa * 2147483648.0));
    // A mantissa within 2^-32 of 1 rounds to 2^31, one past int32: 2^30 with the next exponent
    // is the same number.
    if (m0 == (std::int64_t{1} << 31)) {
        m0 /= 2;
        ++exponent;
    }
    // Below 2^-32 every int32 accumulator gives 0 anyway, and RoundingDivideByPOT takes no
    // shift beyond 31.
    if (exponent < -31) return {};
    return {static_cast<std::int32_t>(m0), exponent};
}

std::int32_t saturating_rounding_doubling_high_mul(std::int32_t a, std::int32_t b) {
    constexpr std::int32_t lowest = std::numeric_limits<std::int32_t>::min();
    if (a == lowest && b == lowest) return std::numeric_limits<std::int32_t>::max();
    const std::int64_t product = std::int64_t{a} * std::int64_t{b};
    // Adding half an ulp and dividing with truncation toward zero rounds the positive ties up
    // and the negative ones toward zero: ties go to +infinity, as gemmlowp and VQRDMULH do.
    const std::int64_t nudge = product >= 0 ? (std::int64_t{1} << 30) : 1 - (std::int64_t{1} << 30);
    return static_cast<std::int32_t>((product + nudge) / (std::int64_t{1} << 31));
}

std::int32_t rounding_divide_by_pot(std::int32_t x, int exponent) {
    const std::int32_t mask = static_cast<std::int32_t>((std::int64_t{1} << exponent) - 1);
    const std::int32_t remainder = x & mask;
    // The arithmetic shift floors; one more where the remainder passes half, and for a negative
    // x only past half, so that ties go away from zero on both sides.
    const std::int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

std::int32_t multiply_by_quantized_multiplier(std::int32_t acc, quantized_multiplier m) {
    const int left = m.shift > 0 ? m.shift : 0;
    const int right = m.shift > 0 ? 0 : -m.shift;
    const std::int64_t shifted = std::int64_t{acc} * (std::int64_t{1} << left);
    const auto x = static_cast<std::int32_t>(std::clamp<std::int64_t>(
            shifted, std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int32_t>::max()));
    return rounding_divide_by_pot(saturating_rounding_doubling_high_mul(x, m.m0), right);
}

namespace {

const layer_array_def requantize_arrays[] = {
        {"multiplier", true,
         "[1], [C] or the input's shape: the real M = S_x S_w / S_y per channel of the input [C, ...], 0 <= M < 2^31"},
};

class requantize_op final : public layer_op {
public:
    requantize_op(std::vector<quantized_multiplier> m, std::int32_t zero_point, std::int32_t lo, std::int32_t hi,
                  std::string name, error_site site)
        : m_(std::move(m)), zero_point_(zero_point), lo_(lo), hi_(hi), name_(std::move(name)), site_(std::move(site)) {}

    void step(const layer_step& s) override {
        const event_batch& in = *s.input;
        const std::size_t before = s.output->size();
        for (std::size_t e = 0; e < in.size(); ++e) {
            const double acc = in.value[e];
            if (!(acc == std::floor(acc) && acc >= -2147483648.0 && acc <= 2147483647.0)) bad(s, in.index[e], acc);
            const std::uint32_t i = in.index[e];
            const std::int64_t scaled = multiply_by_quantized_multiplier(static_cast<std::int32_t>(acc), m_[i]);
            const std::int64_t q = std::clamp<std::int64_t>(zero_point_ + scaled, lo_, hi_);
            if (q != zero_point_) s.output->push(i, static_cast<double>(q - zero_point_));
        }
        s.counts->activations += m_.size();
        s.counts->nonzero_activations += s.output->size() - before;
    }

private:
    [[noreturn]] void bad(const layer_step& s, std::uint32_t index, double acc) const {
        throw user_error(fmt::format("layer '{}': input entry {} is {} at step {}; requantize takes int32 "
                                     "accumulators, whole numbers from -2147483648 to 2147483647",
                                     name_, index, acc, s.step),
                         site_);
    }

    std::vector<quantized_multiplier> m_;  // one per entry
    std::int64_t zero_point_ = 0, lo_ = 0, hi_ = 0;
    std::string name_;
    error_site site_;
};

class requantize_kind final : public layer_kind {
public:
    requantize_kind() {
        schema_.push_back(param_def{.name = "zero_point", .default_value = 0.0,
                                    .doc = "the output's zero point Z_y, a whole number within [qmin, qmax]"});
        schema_.push_back(param_def{.name = "bits", .default_value = 8.0, .min = 4, .max = 8,
                                    .doc = "8: int8 output [-128, 127]; 4: int4 output [-8, 7]"});
        schema_.push_back(param_def{.name = "relu", .default_value = 0.0, .min = 0, .max = 1,
                                    .doc = "1: fused ReLU, the output clamped below at zero_point"});
    }
    std::string_view name() const override { return "requantize"; }
    std::string_view description() const override {
        return "int32 accumulator to int8/int4 with TFLite's fixed-point multiplier per channel; emits q - zero_point";
    }
    layer_role role() const override { return layer_role::activation; }
    const param_schema& schema() const override { return schema_; }
    std::span<const layer_array_def> arrays() const override { return requantize_arrays; }

    tensor_shape output_shape(const validated_params& params, const layer_context& ctx) const override {
        lowered(params, ctx);
        return ctx.input;
    }

    layer_static static_figures(const validated_params&, const layer_context& ctx) const override {
        layer_static s;
        s.parameters = array_numbers(ctx, "multiplier");
        s.footprint_bytes = 4 * s.parameters;  // each an int32 M0 (the shift packs beside it)
        return s;
    }

    std::unique_ptr<layer_op> make(const validated_params& params, const layer_context& ctx) const override {
        lowering l = lowered(params, ctx);
        return std::make_unique<requantize_op>(std::move(l.m), l.zero_point, l.lo, l.hi, ctx.name, ctx.site);
    }

private:
    struct lowering {
        std::vector<quantized_multiplier> m;
        std::int32_t zero_point = 0, lo = 0, hi = 0;
    };

    static lowering lowered(const validated_params& params, const layer_context& ctx) {
        const std::uint32_t bits = whole(params, "bits", ctx);
        if (bits != 4 && bits != 8) {
            throw config_error(fmt::format("layer '{}': bits must be 8 (int8) or 4 (int4), got {}", ctx.name, bits),
                               key_site(ctx, "bits"));
        }
        const bool relu = whole(params, "relu", ctx) == 1;
        const std::int32_t qmin = -(1 << (bits - 1)), qmax = (1 << (bits - 1)) - 1;
        const double zp = params.get("zero_point");
        // A silent entry (acc = 0) must requantise to zero_point itself, or it would be an
        // event the sparse input cannot produce.
        if (zp != std::floor(zp) || zp < qmin || zp > qmax) {
            throw config_error(fmt::format("layer '{}': zero_point must be a whole number within the int{} range "
                                           "[{}, {}], got {}",
                                           ctx.name, bits, qmin, qmax, zp),
                               key_site(ctx, "zero_point"));
        }
        lowering l;
        l.zero_point = static_cast<std::int32_t>(zp);
        l.lo = relu ? l.zero_point : qmin;
        l.hi = qmax;
        const std::vector<double> m = per_entry(ctx, "multiplier", std::nullopt);
        l.m.reserve(m.size());
        for (const double v : m) {
            if (!(v >= 0.0 && v < 2147483648.0)) {
                throw config_error(fmt::format("layer '{}': 'multiplier' holds {}; each M = S_x S_w / S_y must be "
                                               ">= 0 and < 2^31",
                                               ctx.name, v),
                                   key_site(ctx, "multiplier"));
            }
            l.m.push_back(quantize_multiplier(v));
        }
        return l;
    }

    param_schema schema_;
};

}  // namespace

std::unique_ptr<layer_kind> make_requantize_layer() { return std::make_unique<requantize_kind>(); }

}  // namespace fluxon
