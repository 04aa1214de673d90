#pragma once
// Fixed-point synaptic weights as digital cores store them: a signed mantissa of `bits` bits
// and a power-of-two scale shared by a projection (a weight exponent, as Loihi has), chosen
// as the smallest that represents the projection's largest weight without overflow. A weight
// becomes round(w / 2^e) · 2^e (halves away from zero), exactly representable in a float.
#include <cmath>
#include <cstdint>

namespace fluxon {

// The exponent e of the scale 2^e for weights up to `max_abs` in magnitude.
inline int weight_exponent(double max_abs, int bits) {
    const double largest_mantissa = std::ldexp(1.0, bits - 1) - 1;  // 2^(bits-1) - 1
    if (!(max_abs > 0) || largest_mantissa < 1) return 0;
    int e = static_cast<int>(std::ceil(std::log2(max_abs / largest_mantissa)));
    // log2 can land one off at exact powers of two; settle on the smallest e that fits.
    while (max_abs / std::ldexp(1.0, e) > largest_mantissa) ++e;
    while (max_abs / std::ldexp(1.0, e - 1) <= largest_mantissa) --e;
    return e;
}

inline double quantize_weight(double w, int exponent) {
    return std::ldexp(std::round(std::ldexp(w, -exponent)), exponent);
}

}  // namespace fluxon
