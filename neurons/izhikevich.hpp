#pragma once
#include <memory>

#include "neurons/model.hpp"

namespace fluxon {

// Izhikevich (2003) simple model, integrated by the paper's reference scheme (two half steps
// for v, then u) generalised to dt <= 1 ms. Equations and units: docs/models.md#izhikevich.
std::unique_ptr<neuron_model> make_izhikevich_model();

}  // namespace fluxon
