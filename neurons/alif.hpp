#pragma once
#include <memory>

#include "neurons/model.hpp"

namespace fluxon {

// Adaptive leaky integrate-and-fire (LSNN-style adaptive threshold) with exponential current
// synapses, integrated exactly. Equations and step order: docs/models.md#alif.
std::unique_ptr<neuron_model> make_alif_model();

}  // namespace fluxon
