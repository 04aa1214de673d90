#pragma once
// sum_pool2d: NIR SumPool2d, each output the sum of its kernel_size x kernel_size window of a
// [channels, height, width] input (stride: default kernel_size; padding adds zeros). Output
// [channels, H_out, W_out], H_out = floor((H + 2 padding - kernel_size) / stride) + 1.
#include <memory>

#include "neurons/layers/layer.hpp"

namespace fluxon {

std::unique_ptr<layer_kind> make_sum_pool2d_layer();

}  // namespace fluxon
