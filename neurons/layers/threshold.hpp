#pragma once
// threshold: a stateless binary neuron (NIR Threshold, a BinaryNet activation in {0, 1}):
// output 1 where x >= threshold (x > threshold with strict = 1, NIR's test), else no event.
// `threshold` is per channel (channel_array.hpp). Entries with no input event are x = 0 and
// fire too where the threshold is <= 0 (< 0 when strict).
#include <memory>

#include "neurons/layers/layer.hpp"

namespace fluxon {

std::unique_ptr<layer_kind> make_threshold_layer();

}  // namespace fluxon
