#pragma once
// conv1d: PyTorch's nn.Conv1d (NIR Conv1d) over a [in_channels, length] input, with 'weight'
// [out_channels, in_channels / groups, kernel_size], an optional 'bias' [out_channels], and
// stride, padding, dilation and groups. Output [out_channels, L_out], L_out = floor((L + 2
// padding - dilation (K - 1) - 1) / stride) + 1. Run and counted as conv2d (conv_common.hpp).
#include <memory>

#include "neurons/layers/layer.hpp"

namespace fluxon {

std::unique_ptr<layer_kind> make_conv1d_layer();

}  // namespace fluxon
