#pragma once
// The arrays of the elementwise activation kinds (threshold, sign, scale, requantize), read
// against the layer's input shape [C, ...]:
//   shape [1]            one value for every entry;
//   shape [C]            per channel: flat index i (C order) is in channel i / (size / C), so
//                        channel c's value applies to every entry of that channel (the output
//                        channels of a conv; for a flat input [N] it is one value per entry);
//   the input's shape    one value per entry (NIR's Threshold and Scale hold arrays of the
//                        population's own shape).
// Channel is the outermost dimension because that is where conv and BatchNorm put it, so
// per-channel quantisation scales and folded BatchNorm thresholds land where they belong.
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "neurons/layers/layer.hpp"

namespace fluxon {

// The array `name` spread to one value per input entry, or `fallback` everywhere when it was
// not given (nullopt: the array is required). Throws config_error at the array's key naming
// the layer, the array, the shapes it may have and the shape it has, or a non-finite value.
// Spread once at build time so that the step loops index one flat array, with no division.
std::vector<double> per_entry(const layer_context& ctx, std::string_view name, std::optional<double> fallback);

// The accepted shapes of a per-channel array for the input, for messages and docs: "[1] or [4]"
// or "[1], [4] or [4, 2, 2]".
std::string channel_shapes(const tensor_shape& input);

// The numbers in the array `name`, 0 when it was not given (static figures).
std::uint64_t array_numbers(const layer_context& ctx, std::string_view name);
// The static figures of a kind whose parameters are its arrays: every number they hold, at 4
// bytes each (float32, as NeuroBench counts).
layer_static array_statics(const layer_context& ctx, std::span<const layer_array_def> arrays);


}  // namespace fluxon
