#pragma once
// A layered network as a NIR graph (docs/nir.md, "Export"): the inverse of io/nir_import.hpp.
//   input -> Input (shape: the data's per-step shape; the data is not exported)
//   linear -> Affine (with a bias) or Linear      scale -> Scale      delay -> Delay
//   conv1d, conv2d -> Conv1d, Conv2d (with input_shape, and a zero bias when none is given)
//   sum_pool2d, avg_pool2d -> SumPool2d, AvgPool2d     flatten -> Flatten (start_dim 0, end_dim -1)
//   threshold with strict = 1 -> Threshold
//   nir_i, nir_li, nir_if, nir_lif, nir_cuba_li, nir_cuba_lif -> I, LI, IF, LIF, CubaLI, CubaLIF
//   identity -> Output when no layer takes it; otherwise it is left out and the layers that
//               take it take its inputs (edges into a node are summed, so nothing changes)
// Every elementwise array (neuron fields, scale, threshold, delay) is written at the full shape
// of the layer's input, as NIR requires (NIR#176): [1] and [C] forms are spread out, and the
// fields a kind defaults (r = 1, v_leak = 0, v_reset = 0, w_in = 1) are written too. NIR stores
// the ODEs, not how a run steps them: `integration` ("euler" or "exact") is not exported, the
// importer chooses (and dt). A layer no layer takes that is not an identity gets an Output node
// "output_<name>" (NIR's own reader adds the same). A linear layer whose input has several
// dimensions gets a Flatten node "<name>_flatten" before it (NIR's Affine takes a vector).
// The graph is flat: nested graphs imported as "<graph>.<node>" keep those names, and flat and
// nested forms compute the same. Kinds NIR cannot express exactly are refused with a
// network_error naming the layer and why: relu, sign, requantize, max_pool2d, the SpikingJelly
// kinds if and lif (spike at v >= v_threshold, start at v_reset, tau in steps), threshold with
// strict = 0 (NIR's is strict), and nir_* layers with reset = "subtract" (NIR resets to v_reset).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "io/nir_file.hpp"
#include "networks/spec.hpp"

namespace fluxon::io {

struct nir_export_options {
    // The per-step shape of each input layer that has no data (a graph just imported, whose
    // data is the caller's: nir_network::inputs), by layer name.
    std::map<std::string, std::vector<std::int64_t>> input_shapes;
    // Only to build the layers, which checks them (a delay must be whole steps of dt); s.
    double dt = 1e-3;
};

// Builds the layers (every check of a run applies: config_error and network_error at the
// layer's key) to learn every shape, then maps them. Throws network_error naming the layer
// for a kind or a setting NIR cannot express.
nir_document export_nir(const std::vector<net::layer_spec>& layers, const layer_registry& kinds,
                        const nir_export_options& options = {});

// The layers of an experiment (a config's [layers.*] and [nir] sections) with its run's dt.
// Throws network_error when it has populations, projections or currents: NIR export covers
// layered networks only. Devices and recording settings are not part of a NIR graph.
nir_document export_nir(const net::experiment_spec& spec, const layer_registry& kinds);

}  // namespace fluxon::io
