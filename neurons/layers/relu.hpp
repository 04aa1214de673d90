#pragma once
// relu: max(x, 0) (nn.ReLU, an activation layer in NeuroBench's count). Only the input's
// positive events come out; the silent entries stay silent.
#include <memory>

#include "neurons/layers/layer.hpp"

namespace fluxon {

std::unique_ptr<layer_kind> make_relu_layer();

}  // namespace fluxon
