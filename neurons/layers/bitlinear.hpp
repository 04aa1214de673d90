#pragma once
// bitlinear: the BitLinear of BitNet b1.58 and the MatMul-free LM (workloads.md §4.4) without
// its RMSNorm: ternary weights and 8-bit activations, accumulate-only arithmetic.
//   weights, once:  s_w = 1 / max(mean |W|, 1e-5);  W_t = clamp(round(W s_w), -1, 1)
//   per step:       s_x = 127 / max(max |x|, 1e-5); x_q = clamp(round(x s_x), -128, 127)
//                   y = (W_t x_q) / (s_x s_w)
// (round half to even, as torch.round.) Only non-zero x_q are events, and each meets only the
// non-zero ternary weights, with an add or a subtract: accumulate_only counts them (NeuroBench
// still counts MACs, its input not being binary). `activation_bits` changes 8 to other widths
// (2^(bits-1) - 1 levels); `bit_serial_bits` and `bbs` count bit-serial passes over x_q.
#include <memory>

#include "neurons/layers/layer.hpp"

namespace fluxon {

std::unique_ptr<layer_kind> make_bitlinear_layer();

}  // namespace fluxon
