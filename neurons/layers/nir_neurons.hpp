#pragma once
// The neuron nodes of NIR (formats.md §1.3), as layer kinds taking NIR's own fields as arrays
// (one value for all, one per channel, or one per neuron), so that an imported graph keeps every
// per-neuron parameter and a hand-written config means what NIR means:
//   nir_i         v' = R x                                        output v
//   nir_li        tau v' = (v_leak - v) + R x                     output v
//   nir_if        v' = R x; spike where v > v_threshold, v <- v_reset
//   nir_lif       tau v' = (v_leak - v) + R x; spike and reset as nir_if
//   nir_cuba_li   tau_syn I' = -I + w_in x; tau_mem v' = (v_leak - v) + R I   output v
//   nir_cuba_lif  as nir_cuba_li, spiking as nir_if
// NIR is continuous-time; a run steps it with the run's dt (`integration`):
//   "euler"  forward Euler, as NIR's reference code, Norse, snnTorch and Lava step them:
//            v += dt/tau ((v_leak - v) + R x), and for the cuba kinds I is updated first and v
//            uses the new I (snnTorch's Synaptic, Lava's LIF);
//   "exact"  the exact solution over the step with x held constant over it (zero-order hold).
// The kinds without a time constant (nir_i, nir_if) add R x per step under both rules: their
// input is a train of impulses (Sinabs', Norse's and snnTorch's IF). Spikes are strict (v >
// v_threshold, NIR's Heaviside); `reset = "subtract"` subtracts v_threshold instead (snnTorch's
// default, which NIR cannot express). Every sample starts from v = 0 and I = 0. Outputs: 1 per
// spike for the spiking kinds, the non-zero values of v for the others.
#include <memory>

#include "neurons/layers/layer.hpp"

namespace fluxon {

std::unique_ptr<layer_kind> make_nir_i_layer();
std::unique_ptr<layer_kind> make_nir_li_layer();
std::unique_ptr<layer_kind> make_nir_if_layer();
std::unique_ptr<layer_kind> make_nir_lif_layer();
std::unique_ptr<layer_kind> make_nir_cuba_li_layer();
std::unique_ptr<layer_kind> make_nir_cuba_lif_layer();

}  // namespace fluxon
