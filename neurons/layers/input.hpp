#pragma once
// input: the data a layered network is fed, one row of `data` per step: `data` has shape
// [steps, *shape] and the layer's output shape is `shape`; its non-zero entries are the step's
// events. After the last row the input is silent. steps_per_sample cuts the rows into samples
// (stateful layers start every sample from their initial state); 0 means one sample.
#include <memory>

#include "neurons/layers/layer.hpp"

namespace fluxon {

std::unique_ptr<layer_kind> make_input_layer();

}  // namespace fluxon
