#pragma once
// A NIR file (the Neuromorphic Intermediate Representation, formats.md §1.2) as it is stored:
// a graph of typed nodes, each with the datasets its type defines, and edges between node
// names; a node of type NIRGraph holds a nested graph. Nothing here knows what a type means:
// io/nir_import.hpp maps the types onto layer kinds. Any numeric dtype is read (float32 from
// torch, float64 from numpy, int64 shapes), scalars as shape []. write_nir stores a document
// the way NIR's own writer (nir.write) lays a graph out, so NIR's reader opens it.
#include <map>
#include <memory>
#include <set>
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
    // The arrays stored as integers (shapes, strides, kernel sizes); the others are floats.
    std::set<std::string> integers;
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

// The version write_nir stores in /version: the NIR release whose layout it writes (formats.md
// §1.2, NIR 1.0.7: every neuron field present, v_reset included).
inline constexpr const char* nir_written_version = "1.0.7";

// Writes `doc` to `path` (created or truncated) as nir.write does: /version a scalar UTF-8
// string (doc.version, or nir_written_version when empty), /node the top graph: type
// "NIRGraph", edges [n, 2] of UTF-8 names, nodes/<name>/ with type and one dataset per field
// (integers as int64, other numbers as float64, gzip-compressed; text as a scalar string), a
// nested graph the same way below its node. Throws io_error naming the file and the object.
void write_nir(const nir_document& doc, const std::string& path);

}  // namespace fluxon::io
