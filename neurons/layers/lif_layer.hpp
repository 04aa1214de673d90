#pragma once
// lif: a layer of leaky integrate-and-fire neurons, one per input entry, stepped as
// SpikingJelly's multi-step LIFNode (workloads.md §1.7, the LIF of Spikformer and the
// Spike-driven Transformers, tau = 2 there):
//   decay_input = "true":  h = v + (x - (v - v_reset)) / tau
//   decay_input = "false": h = v - (v - v_reset) / tau + x
//   spike where h >= v_threshold;  v = spike ? reset(h) : h
// with reset = "hard": v_reset, or "subtract": h - v_threshold. tau is in steps (> 1). Output 1
// per spike. Every sample starts from v = v_reset; SpikingJelly's soft reset (v_reset = None)
// decays toward 0, which is reset = "subtract" with the default v_reset = 0.
// A neuron with no input still decays, so every neuron is stepped every step; MembraneUpdates
// count as NeuroBench's: every neuron on a sample's first step, later those whose v changed
// (a neuron resting at v_reset does not change).
#include <memory>

#include "neurons/layers/layer.hpp"

namespace fluxon {

std::unique_ptr<layer_kind> make_lif_layer();

}  // namespace fluxon
