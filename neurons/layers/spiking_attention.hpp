#pragma once
// spiking_attention: self-attention between three activation streams, Q, K and V (its three
// inputs, in that order, each [N, d] or [heads, N, d]: tokens by channels), with no softmax,
// as the spike-driven transformers compute it (workloads.md §3). The operands are dynamic:
// every step's events of K and V make the matrix Q meets, so nothing is a stored weight.
//   mode = "linear": A = Q (K^T V) scale per head (Spikformer's SSA, Spike-driven
//     Transformer V2's SDSA-3; scale 0.125 in both). K^T V is d x d; its entries are integers
//     for spikes, so every operation is an add. Output A, graded: follow with an `lif` layer
//     (v_threshold 0.5) for the papers' attention LIF.
//   mode = "mask": out = Q AND M, M = LIF(sum over tokens of K AND V) per head (Spike-driven
//     Transformer V1's SDSA: "talking heads" LIF, SpikingJelly's multi-step LIFNode with tau,
//     v_threshold, hard reset to 0 and its state across steps; a sample starts at 0). K AND V
//     and the mask cost no arithmetic; the column sum costs one add per token and channel where
//     both fire. Output binary.
// Counts: synaptic operations as ACs when the operands' values are all in {-1, 0, 1}, else
// MACs; dense: every product the matrices would do (2 N d^2 per head linear, N d mask).
// layout = "channels_tokens" takes the operands as conv layers make them, [C, ...] with the
// tokens after the channels ([C, N] or [C, H, W], N = H W), channels split into `heads` groups
// of C / heads (the Spike-driven Transformers' tensors before they reshape to heads); the
// output has the operands' shape and layout.
#include <memory>

#include "neurons/layers/layer.hpp"

namespace fluxon {

std::unique_ptr<layer_kind> make_spiking_attention_layer();

}  // namespace fluxon
