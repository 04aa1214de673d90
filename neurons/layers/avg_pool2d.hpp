#pragma once
// avg_pool2d: PyTorch's nn.AvgPool2d (NIR AvgPool2d): the window's sum over kernel_size^2, the
// padding counted in the divisor (count_include_pad=True, PyTorch's default). Shapes and
// parameters as sum_pool2d.
#include <memory>

#include "neurons/layers/layer.hpp"

namespace fluxon {

std::unique_ptr<layer_kind> make_avg_pool2d_layer();

}  // namespace fluxon
