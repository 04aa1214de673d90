#pragma once
// Sliding-window geometry shared by the conv and pooling kinds, one spatial axis at a time
// (a 2-D window is the product of its two axes). The layers run event by event, so the
// geometry is kept the other way round from PyTorch's: for each input position, the outputs
// whose window holds it and where in the window it falls.
#include <cstdint>
#include <string_view>
#include <vector>

#include "neurons/layers/layer.hpp"

namespace fluxon {

struct window_params {
    std::uint32_t kernel = 1, stride = 1, padding = 0, dilation = 1;
};

struct window_axis {
    std::uint32_t in = 0, out = 0;
    // Input position i reaches the taps [first[i], first[i + 1]): output out_index[t], where it
    // is the kernel_index[t]-th position of that output's window.
    std::vector<std::uint32_t> first, kernel_index, out_index;
    // Per output: positions of its window inside the input (the rest is padding).
    std::vector<std::uint32_t> covered;
    // (input position, output) pairs: the dense count of one kernel row along this axis.
    std::size_t pairs() const { return out_index.size(); }
};

// PyTorch's floor((in + 2p - d(k - 1) - 1) / s) + 1; zero or less when the window does not fit.
std::int64_t window_output_size(std::uint32_t in, const window_params& w);

// The axis `what` ("height", "width", "length") of layer ctx.name; config_error naming the layer,
// the input shape and the sizes when its output would be empty or too large to index.
window_axis make_window_axis(const layer_context& ctx, std::string_view what, std::uint32_t in,
                             const window_params& w);

// config_error at the layer's key `key` (a parameter or an array; empty: the layer itself).
[[noreturn]] void layer_config_error(const layer_context& ctx, std::string_view key, const std::string& message);

}  // namespace fluxon
