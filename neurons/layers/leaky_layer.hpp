#pragma once
// leaky: a layer of snnTorch Leaky neurons, one per input entry (neurons/layers/
// snntorch_leaky.hpp: beta, threshold, subtractive reset delayed by one step, strict
// threshold), for models trained in snnTorch, such as L2MU's readout. Output 1 per spike;
// every neuron is stepped every step (its membrane decays without input).
#include <memory>

#include "neurons/layers/layer.hpp"

namespace fluxon {

std::unique_ptr<layer_kind> make_leaky_layer();

}  // namespace fluxon
