#pragma once
// linear: y = W x + b (NIR Affine, or Linear without a bias; PyTorch nn.Linear). The input is
// taken flat (C order), so it follows a conv or a pool without a flatten.
#include <memory>

#include "neurons/layers/layer.hpp"

namespace fluxon {

std::unique_ptr<layer_kind> make_linear_layer();

}  // namespace fluxon
