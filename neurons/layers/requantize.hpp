#pragma once
// requantize: an int32 accumulator (the output of an int8 linear or conv, workloads.md §4.2)
// rescaled to int8 or int4 exactly as TFLite does it with gemmlowp's fixed-point arithmetic:
//   q = clamp(zero_point + RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(acc, M0), n),
//             qmin, qmax)
// where each real multiplier M = S_x S_w / S_y (per channel, channel_array.hpp) is lowered once
// by QuantizeMultiplier into a Q31 mantissa M0 and a shift (M ~ M0 2^(shift - 31); a positive
// shift, for M >= 1, multiplies acc by 2^shift first). bits = 8 gives [-128, 127], 4 gives
// [-8, 7]; relu = 1 raises qmin to zero_point (TFLite's fused ReLU).
// The event emitted is q - zero_point, the factor the next layer multiplies its weights by;
// q == zero_point is a zero activation and no event. A silent input entry is acc = 0, which
// gives q = zero_point: no event, because zero_point must lie in [qmin, qmax].
// Each input value must be a whole number within int32, or the step throws user_error.
#include <cstdint>
#include <memory>

#include "neurons/layers/layer.hpp"

namespace fluxon {

std::unique_ptr<layer_kind> make_requantize_layer();

// gemmlowp / TFLite fixed-point rules, exposed for their own tests.

// M ~ m0 2^(shift - 31), m0 in [2^30, 2^31) (0 for M = 0 or M < 2^-32, as TFLite zeroes those).
struct quantized_multiplier {
    std::int32_t m0 = 0;
    int shift = 0;
    bool operator==(const quantized_multiplier&) const = default;
};
// TFLite's QuantizeMultiplier: frexp, mantissa rounded half away from zero to Q31, a mantissa
// that rounds up to 2^31 halved with the shift raised by one. Takes 0 <= m < 2^31.
quantized_multiplier quantize_multiplier(double m);
// gemmlowp's SaturatingRoundingDoublingHighMul: round(a b / 2^31) to nearest with ties toward
// +infinity (ARM VQRDMULH), and INT32_MIN * INT32_MIN saturated to INT32_MAX.
std::int32_t saturating_rounding_doubling_high_mul(std::int32_t a, std::int32_t b);
// gemmlowp's RoundingDivideByPOT: x / 2^exponent rounded to nearest, ties away from zero;
// 0 <= exponent <= 31.
std::int32_t rounding_divide_by_pot(std::int32_t x, int exponent);
// TFLite's MultiplyByQuantizedMultiplier, except that acc 2^shift saturates to int32 where
// TFLite's int32 product would overflow (undefined there; the clamp to qmin/qmax that follows
// gives the same q either way).
std::int32_t multiply_by_quantized_multiplier(std::int32_t acc, quantized_multiplier m);

}  // namespace fluxon
