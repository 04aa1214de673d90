#pragma once
// if: a layer of integrate-and-fire neurons, one per input entry, stepped as SpikingJelly's
// multi-step IFNode (workloads.md §1.4):
//   h = v + x;  spike where h >= v_threshold;  v = spike ? reset(h) : h
// with reset = "hard": v_reset, or "subtract": h - v_threshold (the ANN-to-SNN conversion
// reset). Output 1 per spike. Every sample starts from v = v_reset. MembraneUpdates count as
// NeuroBench's: every neuron on a sample's first step, later the neurons whose v changed.
// A neuron with no input can still fire (a soft reset may leave v >= v_threshold), so every
// neuron is stepped every step.
#include <memory>

#include "neurons/layers/layer.hpp"

namespace fluxon {

std::unique_ptr<layer_kind> make_if_layer();

}  // namespace fluxon
