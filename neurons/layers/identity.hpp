#pragma once
// identity: the input, unchanged. A named tap: NIR's Output nodes become identity layers, so a
// graph's outputs are recorded under the names the graph gives them.
#include <memory>

#include "neurons/layers/layer.hpp"

namespace fluxon {

std::unique_ptr<layer_kind> make_identity_layer();

}  // namespace fluxon
