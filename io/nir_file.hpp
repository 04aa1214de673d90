#pragma once
// A NIR file (the Neuromorphic Intermediate Representation, formats.md §1.2) as it is stored:
// a graph of typed nodes, each with the datasets its type defines, and edges between node
// names; a node of type NIRGraph holds a nested graph. Nothing here knows what a type means:
// io/nir_import.hpp maps the types onto layer kinds. Any numeric dtype is read (float32 from
// torch, float64 from numpy, int64 shapes), scalars as shape [].
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "neurons/layers/layer.hpp"

namespace fluxon::io {

struct nir_graph;

struct nir_node {
    std::string name, type;
    std::map<std::string, tensor> arrays;        // numeric datasets, by field name
    std::map<std::string, std::string> strings;  // text datasets (Conv padding "same")
    std::unique_ptr<nir_graph> graph;            // type NIRGraph: the nested graph
    std::string path;                            // HDF5 path of the node's group, for errors
};

struct nir_graph {
    std::vector<nir_node> nodes;  // by name
    std::vector<std::pair<std::string, std::string>> edges;  // (from, to) in the file's order
};

struct nir_document {
    std::string file;
    std::string version;  // "0.1.1", "1.0.7": a dataset in the file, not an attribute
    nir_graph graph;
};

// Reads `path`. Throws io_error naming the file and the HDF5 object when the file is not NIR
// (no /node, a node without a type, edges that are not pairs of names, a field that is
// neither numbers nor text).
nir_document read_nir(const std::string& path);

}  // namespace fluxon::io
