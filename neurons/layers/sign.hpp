#pragma once
// sign: BinaryNet's binarising activation with BatchNorm folded into a threshold (workloads.md
// §4.1): +1 where x >= threshold, -1 elsewhere, so sign(0) = +1 with the default threshold 0.
// Where `flip` is 1 the comparison is reversed (+1 where x <= threshold), which is what a
// negative BatchNorm gamma folds into. Both arrays are per channel (channel_array.hpp).
// Every output entry is +1 or -1, so every entry is an event at every step, including the
// entries whose input had no event (x = 0).
#include <memory>

#include "neurons/layers/layer.hpp"

namespace fluxon {

std::unique_ptr<layer_kind> make_sign_layer();

}  // namespace fluxon
