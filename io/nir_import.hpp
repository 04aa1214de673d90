#pragma once
// A NIR graph as a layered network (docs/nir.md): each node becomes the layer kind that
// computes what NIR defines for its type, under the node's name, and each edge an input.
//   Input -> input (its data is the caller's: a config's [nir] input, Python's array)
//   Output -> identity            Affine, Linear -> linear        Scale -> scale
//   Conv1d, Conv2d -> conv1d, conv2d               SumPool2d, AvgPool2d -> sum_pool2d, avg_pool2d
//   Flatten -> flatten            Delay -> delay                  Threshold -> threshold (strict)
//   I, LI, IF, LIF, CubaLI, CubaLIF -> nir_i, nir_li, nir_if, nir_lif, nir_cuba_li, nir_cuba_lif
// A nested NIRGraph is inlined: its nodes are named "<graph>.<node>", its Input and Output
// nodes become identity layers that the outer edges reach, so a flat graph and the same graph
// nested compute the same numbers. Edges into one node are summed (the layer's inputs); an
// edge that closes a cycle carries the previous step's value (engine/layer_network.hpp).
#include <string>
#include <vector>

#include "io/nir_file.hpp"
#include "networks/spec.hpp"

namespace fluxon::io {

struct nir_import_options {
    std::string integration = "euler";  // "euler" or "exact", for the neuron nodes
    std::string reset = "hard";         // "hard" (NIR's) or "subtract" (snnTorch's default)
};

struct nir_input {
    std::string name;                 // the layer, named as the Input node
    std::vector<std::int64_t> shape;  // the Input node's shape
};

struct nir_network {
    std::vector<net::layer_spec> layers;  // the input layers without their data
    std::vector<nir_input> inputs;        // the top graph's Input nodes, by name
    std::vector<std::string> outputs;     // the top graph's Output nodes, by name
};

// Throws io_error at the file naming the node and the field for a type or a field fluxon
// cannot take (an unknown type, strides that differ between the axes, an edge to no node).
nir_network import_nir(const nir_document& doc, const nir_import_options& options);

}  // namespace fluxon::io
