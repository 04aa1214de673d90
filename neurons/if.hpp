#pragma once
#include <memory>

#include "neurons/model.hpp"

namespace fluxon {

// Non-leaky integrate-and-fire with delta synapses (an input jumps v by its weight) and an
// optional external current through a capacitance. Equations and step order: docs/models.md#if.
std::unique_ptr<neuron_model> make_if_model();

}  // namespace fluxon
