#pragma once
// lmu: a Legendre Memory Unit cell (Voelker et al. 2019; workloads.md §2.3), one step per step:
//   u = e_x . x + e_h . h[t-1] + e_m . m[t-1]          (a scalar: memory_d = 1)
//   m = A_d m[t-1] + B_d u                              (order d, window theta steps, ZOH)
//   h = f(W_x x + W_h h[t-1] + W_m m + b)              (f = tanh, as keras-lmu, or relu, linear)
// Arrays take keras-lmu's names with fluxon's [out, in] layout: input_encoders [in],
// hidden_encoders [hidden], memory_encoders [order], input_kernel [hidden, in] (it sets the
// hidden size), hidden_kernel [hidden, hidden], memory_kernel [hidden, order], bias [hidden];
// all but input_encoders and input_kernel default to zero. The output is h (its non-zero
// entries); m and h start every sample at zero. A_d and B_d are computed once, with Eigen's
// matrix exponential, from the continuous system (neurons/layers/legendre_memory.hpp).
#include <memory>

#include "neurons/layers/layer.hpp"

namespace fluxon {

std::unique_ptr<layer_kind> make_lmu_layer();

}  // namespace fluxon
