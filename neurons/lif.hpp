#pragma once
#include <memory>

#include "neurons/model.hpp"

namespace fluxon {

// Leaky integrate-and-fire with exponential current synapses (excitatory and inhibitory),
// integrated exactly. Equations and step order: docs/models.md#lif.
std::unique_ptr<neuron_model> make_lif_model();

}  // namespace fluxon
