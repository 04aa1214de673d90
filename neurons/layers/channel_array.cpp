#include "neurons/layers/channel_array.hpp"

#include <cmath>

#include <fmt/format.h>

namespace fluxon {

std::string channel_shapes(const tensor_shape& input) {
    const std::uint32_t channels = input.dims.empty() ? 1 : input.dims[0];
    if (input.dims.size() <= 1) return fmt::format("[1] or [{}]", channels);
    return fmt::format("[1], [{}] or {}", channels, to_string(input));
}

std::vector<double> per_entry(const layer_context& ctx, std::string_view name, std::optional<double> fallback) {
    const std::size_t size = ctx.input.size();
    const tensor* t = ctx.array(name);
    if (t == nullptr) {
        if (fallback) return std::vector<double>(size, *fallback);
        throw config_error(fmt::format("layer '{}' needs the array '{}' of shape {} for its input of shape {}",
                                       ctx.name, name, channel_shapes(ctx.input), to_string(ctx.input)),
                           key_site(ctx, name));
    }
    const std::int64_t channels = ctx.input.dims.empty() ? 1 : ctx.input.dims[0];
    std::vector<std::int64_t> whole_shape(ctx.input.dims.begin(), ctx.input.dims.end());
    const bool scalar = t->shape == std::vector<std::int64_t>{1};
    const bool per_channel = t->shape == std::vector<std::int64_t>{channels};
    const bool per_value = t->shape == whole_shape;
    if (!scalar && !per_channel && !per_value) {
        throw config_error(fmt::format("layer '{}': '{}' has shape {}, expected {} for its input of shape {}",
                                       ctx.name, name, to_string(*t), channel_shapes(ctx.input),
                                       to_string(ctx.input)),
                           key_site(ctx, name));
    }
    for (const double v : t->values) {
        if (!std::isfinite(v)) {
            throw config_error(fmt::format("layer '{}': '{}' holds {}; every value must be finite", ctx.name, name, v),
                               key_site(ctx, name));
        }
    }
    if (scalar) return std::vector<double>(size, t->values[0]);
    if (per_value && !per_channel) return t->values;
    std::vector<double> out(size);
    const std::size_t run = channels == 0 ? 0 : size / static_cast<std::size_t>(channels);
    for (std::size_t i = 0; i < size; ++i) out[i] = t->values[i / run];
    return out;
}

std::uint64_t array_numbers(const layer_context& ctx, std::string_view name) {
    const tensor* t = ctx.array(name);
    return t == nullptr ? 0 : t->size();
}

layer_static array_statics(const layer_context& ctx, std::span<const layer_array_def> arrays) {
    layer_static s;
    for (const layer_array_def& a : arrays) s.parameters += array_numbers(ctx, a.name);
    s.footprint_bytes = 4 * s.parameters;
    return s;
}

}  // namespace fluxon
