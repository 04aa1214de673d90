#include "neurons/layers/bit_serial.hpp"

#include <bit>
#include <cmath>

#include <fmt/format.h>

namespace fluxon {

void bit_serial::add_params(param_schema& schema) {
    schema.push_back(param_def{.name = "bit_serial_bits", .default_value = 0.0, .min = 0, .max = 32,
                               .doc = "0: inputs in one pass; 1 to 32: inputs sent as that many bit planes, zero "
                                      "planes skipped (counted in bit_ops)"});
    schema.push_back(param_def{.name = "bbs", .default_value = 0.0, .min = 0, .max = 1,
                               .doc = "1: a bit-serial value with more ones than zeros is sent as its complement "
                                      "(BBS)"});
    schema.push_back(param_def{.name = "bit_serial_operand", .default_value = 0.0,
                               .doc = "which operand is sent as bit planes: \"activations\" (the input events) or "
                                      "\"weights\"",
                               .choices = {"activations", "weights"}});
}

bit_serial bit_serial::lowered(const validated_params& params, const layer_context& ctx) {
    bit_serial b;
    b.bits = whole(params, "bit_serial_bits", ctx);
    b.bbs = whole(params, "bbs", ctx) == 1;
    b.weights = params.get("bit_serial_operand") == 1.0;
    if (b.bbs && b.bits == 0) {
        throw config_error(fmt::format("layer '{}': bbs needs bit-serial inputs (bit_serial_bits >= 1)", ctx.name),
                           key_site(ctx, "bbs"));
    }
    return b;
}

std::uint64_t bit_serial::passes(double value, const std::string& layer, std::int64_t step) const {
    const double magnitude = std::abs(value);
    if (magnitude != std::floor(magnitude) || magnitude >= std::ldexp(1.0, static_cast<int>(bits))) {
        throw user_error(fmt::format("layer '{}' is bit-serial with {} bits, but at step {} an input event is {}: "
                                     "bit-serial inputs are whole numbers below 2^{} in magnitude",
                                     layer, bits, step, value, bits),
                         {.node = layer});
    }
    return passes_of(static_cast<std::uint64_t>(magnitude));
}

std::uint64_t bit_serial::weight_passes(double weight, const layer_context& ctx) const {
    const double magnitude = std::abs(weight);
    if (magnitude != std::floor(magnitude) || magnitude >= std::ldexp(1.0, static_cast<int>(bits))) {
        throw config_error(fmt::format("layer '{}' sends its weights bit-serially with {} bits, but a weight is {}: "
                                       "bit-serial weights are whole numbers below 2^{} in magnitude",
                                       ctx.name, bits, weight, bits),
                           key_site(ctx, "weight"));
    }
    return magnitude == 0 ? 0 : passes_of(static_cast<std::uint64_t>(magnitude));
}

std::uint64_t bit_serial::passes_of(std::uint64_t m) const {
    const auto ones = static_cast<std::uint64_t>(std::popcount(m));
    if (!bbs) return ones;
    const std::uint64_t all = bits >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1;
    const auto zeros = static_cast<std::uint64_t>(std::popcount(all & ~m));
    return std::min(ones, zeros + 1);
}

}  // namespace fluxon
