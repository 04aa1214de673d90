#pragma once
#include <memory>

#include "neurons/model.hpp"

namespace fluxon {

// NIR CubaLIF: a dimensionless current I driven by input spikes and a leaky membrane v driven
// by I, both integrated exactly. Equations and step order: docs/models.md#cuba_lif.
std::unique_ptr<neuron_model> make_cuba_lif_model();

}  // namespace fluxon
