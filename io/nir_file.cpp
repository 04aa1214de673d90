#include "io/nir_file.hpp"

#include <fmt/format.h>

#include "io/hdf5.hpp"
#include "io/isolated_read.hpp"
#include "io/published_file.hpp"

namespace fluxon::io {
namespace {

[[noreturn]] void fail(const std::string& file, const std::string& object, const std::string& message) {
    error_site site = h5::file_site(file);
    throw io_error(fmt::format("NIR file: '{}': {}", object, message), site);
}

tensor read_numbers(const h5::dataset& d) {
    tensor t;
    for (const hsize_t n : d.dims()) t.shape.push_back(static_cast<std::int64_t>(n));
    t.values = d.read_all<double>();
    return t;
}

nir_graph read_graph(const h5::group& at);

nir_node read_node(const h5::group& at, const std::string& name) {
    nir_node node;
    node.name = name;
    node.path = at.path();
    if (!at.has("type") || at.has_group("type")) fail(at.file_path(), at.path(), "a node without a 'type' dataset");
    node.type = at.read_string("type");
    for (const std::string& field : at.children()) {
        if (field == "type") continue;
        if (at.has_group(field)) {
            if (field == "nodes" || field == "metadata") continue;  // the nested graph's, and free-form
            fail(at.file_path(), at.child_path(field), "a group where a field of numbers or text was expected");
        }
        if (field == "edges") continue;
        const h5::dataset d = at.open_dataset(field);
        const h5::dataset_type type = d.type();
        if (type.type_class == H5T_INTEGER || type.type_class == H5T_FLOAT) {
            node.arrays[field] = read_numbers(d);
            if (type.type_class == H5T_INTEGER) node.integers.insert(field);
        } else if (type.type_class == H5T_STRING && d.size() == 1) {
            node.strings[field] = d.read_string();
        } else {
            fail(at.file_path(), d.path(), "a field that is neither numbers nor one text value");
        }
    }
    if (node.type == "NIRGraph") node.graph = std::make_unique<nir_graph>(read_graph(at));
    return node;
}

nir_graph read_graph(const h5::group& at) {
    nir_graph graph;
    if (!at.has_group("nodes")) fail(at.file_path(), at.path(), "a NIRGraph without a 'nodes' group");
    const h5::group nodes = at.open_group("nodes");
    for (const std::string& name : nodes.children()) {
        if (!nodes.has_group(name)) fail(at.file_path(), nodes.child_path(name), "a node that is not a group");
        graph.nodes.push_back(read_node(nodes.open_group(name), name));
    }
    if (at.has("edges")) {
        const h5::dataset edges = at.open_dataset("edges");
        const std::vector<hsize_t> dims = edges.dims();
        const bool empty = edges.size() == 0;
        if (!empty && (dims.size() != 2 || dims[1] != 2)) {
            fail(at.file_path(), edges.path(), "edges must be a table of (source, target) names, shape [n, 2]");
        }
        if (!empty) {
            const std::vector<std::string> names = edges.read_strings();
            for (std::size_t k = 0; k + 1 < names.size(); k += 2) graph.edges.emplace_back(names[k], names[k + 1]);
        }
    }
    return graph;
}

void write_graph(const h5::group& at, const nir_graph& graph);

void write_field(const h5::group& at, const std::string& field, const tensor& t, bool integer) {
    const std::vector<hsize_t> dims(t.shape.begin(), t.shape.end());
    if (integer) {
        std::vector<std::int64_t> values(t.values.size());
        for (std::size_t k = 0; k < values.size(); ++k) values[k] = static_cast<std::int64_t>(t.values[k]);
        at.write_array<std::int64_t>(field, values, dims, true);
    } else {
        at.write_array<double>(field, t.values, dims, true);
    }
}

void write_node(const h5::group& at, const nir_node& node) {
    at.write_string("type", node.type);
    for (const auto& [field, t] : node.arrays) write_field(at, field, t, node.integers.count(field) != 0);
    for (const auto& [field, text] : node.strings) at.write_string(field, text);
    if (node.graph) write_graph(at, *node.graph);
}

void write_graph(const h5::group& at, const nir_graph& graph) {
    std::vector<std::string> ends;
    ends.reserve(2 * graph.edges.size());
    for (const auto& [from, to] : graph.edges) {
        ends.push_back(from);
        ends.push_back(to);
    }
    at.write_string_table("edges", ends, 2);
    const h5::group nodes = at.create_group("nodes");
    for (const nir_node& node : graph.nodes) {
        // A '/' would make HDF5 nest groups, and the node would come back under another name.
        if (node.name.empty() || node.name.find('/') != std::string::npos || node.name == "." || node.name == "..") {
            fail(at.file_path(), nodes.path(), fmt::format("the node name '{}' cannot name an HDF5 group", node.name));
        }
        write_node(nodes.create_group(node.name), node);
    }
}

// What the graph takes on disk at most, with room to spare (the arrays are compressed).
std::size_t bytes_of(const nir_graph& graph) {
    std::size_t bytes = graph.edges.size() * 128 + 65536;
    for (const nir_node& node : graph.nodes) {
        bytes += 65536;
        for (const auto& [field, t] : node.arrays) bytes += t.values.size() * sizeof(double) + 8192;
        for (const auto& [field, text] : node.strings) bytes += text.size() + 8192;
        if (node.graph) bytes += bytes_of(*node.graph);
    }
    return bytes;
}

}  // namespace

void write_nir(const nir_document& doc, const std::string& path) {
    h5::silence_errors();
    // Whole or not at all: a full disk or a kill leaves no half-written graph (nor replaces
    // the file that was there).
    published_file out(path);
    h5::file file = h5::file::create_as(out.start_empty(), path);
    // A full disk is found before HDF5 writes (HDF5 1.10 cannot close a file it failed to write).
    out.reserve(2 * bytes_of(doc.graph));
    {
        const h5::group root = file.root();
        root.write_string("version", doc.version.empty() ? nir_written_version : doc.version);
        const h5::group top = root.create_group("node");
        top.write_string("type", "NIRGraph");
        write_graph(top, doc.graph);
    }
    file.close_completely();
    out.publish();
}

namespace {

nir_document read_nir_here(const std::string& path) {
    h5::silence_errors();
    const h5::file file = h5::file::open_read_only(path);
    const h5::group root = file.root();
    nir_document doc;
    doc.file = path;
    if (!root.has_group("node")) fail(path, "/node", "no group /node: this is not a NIR file");
    if (root.has("version") && !root.has_group("version")) doc.version = root.read_string("version");
    nir_node top = read_node(root.open_group("node"), "");
    if (top.type != "NIRGraph") {
        fail(path, "/node/type", fmt::format("the top node is a {}, expected a NIRGraph", top.type));
    }
    doc.graph = std::move(*top.graph);
    return doc;
}

}  // namespace

// libhdf5 can crash or loop on a damaged file, so the file is read in a child process first
// (io/isolated_read.hpp): a damaged file is an io_error naming it, a sound one is read again
// here (NIR files are small).
nir_document read_nir(const std::string& path) {
    read_isolated(path, "NIR file", [&path] { read_nir_here(path); return std::string(); }, read_timeout());
    return read_nir_here(path);
}

}  // namespace fluxon::io
