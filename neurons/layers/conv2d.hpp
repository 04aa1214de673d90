#pragma once
// conv2d: PyTorch's nn.Conv2d (NIR Conv2d) over a [in_channels, height, width] input, with
// 'weight' [out_channels, in_channels / groups, kernel_height, kernel_width], an optional
// 'bias' [out_channels], and stride, padding, dilation and groups the same in both dimensions.
// Output [out_channels, H_out, W_out], H_out = floor((H + 2 padding - dilation (kH - 1) - 1) /
// stride) + 1. Run event by event and counted as NeuroBench does (conv_common.hpp).
#include <memory>

#include "neurons/layers/layer.hpp"

namespace fluxon {

std::unique_ptr<layer_kind> make_conv2d_layer();

}  // namespace fluxon
