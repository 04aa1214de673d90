#pragma once
#include <memory>

#include "neurons/model.hpp"

namespace fluxon {

// Conductance-based leaky integrate-and-fire (Brette et al. 2007 COBA benchmark defaults):
// exponentially decaying excitatory and inhibitory conductances, membrane advanced by
// exponential Euler. Equations and step order: docs/models.md#coba_lif.
std::unique_ptr<neuron_model> make_coba_lif_model();

}  // namespace fluxon
