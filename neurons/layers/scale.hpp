#pragma once
// scale: y = s x with `scale` per channel (channel_array.hpp) (NIR Scale). Only the input's
// events can give an output; a zero scale or a product that is 0 gives no event.
#include <memory>

#include "neurons/layers/layer.hpp"

namespace fluxon {

std::unique_ptr<layer_kind> make_scale_layer();

}  // namespace fluxon
