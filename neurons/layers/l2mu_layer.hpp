#pragma once
// l2mu: the spiking Legendre Memory Unit of Fra, Leto, Pignata, Macii and Urgese (2024;
// workloads.md §2.4), where every signal of the LMU cell is a spike train of snnTorch Leaky
// neurons (neurons/layers/snntorch_leaky.hpp), one step per step:
//   u = Leaky_u(E_x x + E_h s_h[t-1] + E_m s_m[t-1])          memory_size neurons
//   m = Leaky_m(T s_m[t-1] + B_d u), per memory unit           memory_size * order neurons
//   h = Leaky_h(W_x x + W_h s_h[t-1] + W_m s_m)                hidden neurons; the output
// with A_d, B_d the zero-order hold of the order-d Legendre system of window theta steps.
// The memory neurons are unit-major (unit k's order j is entry k * order + j), as the L2MU code
// reshapes them. T is A_d by the paper's equations (`transition = "paper"`); the released
// L2MU code applies its stored matrix through torch's Linear, which multiplies by the
// transpose, so `transition = "l2mu_code"` uses A_d^T to run weights trained with it.
// Arrays as the `lmu` kind's, [out, in]: input_encoders [memory_size, in] and input_kernel
// [hidden, in] set the sizes; hidden_encoders [memory_size, hidden], memory_encoders
// [memory_size, memory_size * order], hidden_kernel [hidden, hidden], memory_kernel
// [hidden, memory_size * order] default to zero (L2MU has no biases).
#include <memory>

#include "neurons/layers/layer.hpp"

namespace fluxon {

std::unique_ptr<layer_kind> make_l2mu_layer();

}  // namespace fluxon
