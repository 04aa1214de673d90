#pragma once
// egru: the event-based GRU of Subramoney et al. (ICLR 2023; workloads.md §6), one step per step:
//   u = sigmoid(W_u x + U_u y[t-1] + b_u)                 update gate
//   r = sigmoid(W_r x + U_r y[t-1] + b_r)                 reset gate
//   z = tanh(W_z x + r * (U_z y[t-1]) + b_z)              candidate (cuDNN form: r after U_z)
//   c = u * z + (1 - u) * c[t-1] - reset                  internal state
//   y = c where c > threshold, else 0                     the output: graded events
// reset = "output" subtracts y[t-1] (the paper's form), "threshold" subtracts the threshold of
// a unit that emitted at t-1. Only units that emit communicate: the recurrent products are
// MACs per emitted event (3 gates x its column's non-zero weights), counted as such; the
// input side is per input event. Arrays, [out, in] layout: w_update, w_reset, w_candidate
// [hidden, in] (w_update is required and sets the hidden size; the others default to zero),
// u_update, u_reset, u_candidate [hidden, hidden], b_update, b_reset, b_candidate [hidden]
// (zero by default), threshold [hidden] (required). c and y start every sample at zero.
#include <memory>

#include "neurons/layers/layer.hpp"

namespace fluxon {

std::unique_ptr<layer_kind> make_egru_layer();

}  // namespace fluxon
