#pragma once
// max_pool2d: PyTorch's nn.MaxPool2d: the largest value of each window, zeros of the input
// included and padding never chosen (it is -infinity). Shapes and parameters as sum_pool2d.
#include <memory>

#include "neurons/layers/layer.hpp"

namespace fluxon {

std::unique_ptr<layer_kind> make_max_pool2d_layer();

}  // namespace fluxon
