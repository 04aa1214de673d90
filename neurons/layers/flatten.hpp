#pragma once
// flatten: the input as one dimension (NIR Flatten of every non-batch dimension, nn.Flatten).
// The values and their flat C-order indices are unchanged; only the shape becomes [size].
#include <memory>

#include "neurons/layers/layer.hpp"

namespace fluxon {

std::unique_ptr<layer_kind> make_flatten_layer();

// The op of every kind whose events pass unchanged (flatten, identity).
std::unique_ptr<layer_op> make_pass_through_op();

}  // namespace fluxon
