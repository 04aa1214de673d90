#include "io/nir_import.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace fluxon::io {
namespace {

struct importer {
    const nir_document& doc;
    const nir_import_options& options;
    nir_network out;

    [[noreturn]] void fail(const nir_node& node, const std::string& field, const std::string& message) const {
        error_site site;
        site.file = doc.file;
        site.key = field.empty() ? node.path : node.path + "/" + field;
        site.node = node.name;
        throw io_error(fmt::format("NIR node '{}' ({}): {}", node.name, node.type, message), site);
    }

    const tensor* find(const nir_node& node, const std::string& field) const {
        const auto it = node.arrays.find(field);
        return it == node.arrays.end() ? nullptr : &it->second;
    }
    const tensor& require(const nir_node& node, const std::string& field) const {
        const tensor* t = find(node, field);
        if (t == nullptr) {
            fail(node, field,
                 node.strings.count(field) != 0 ? fmt::format("'{}' holds text where numbers were expected", field)
                                                : fmt::format("the field '{}' is missing", field));
        }
        return *t;
    }

    // A field the layer kinds take as one number for both axes: a scalar, or equal entries.
    double same_for_all_axes(const nir_node& node, const std::string& field, double fallback) const {
        const tensor* t = find(node, field);
        if (t == nullptr) return fallback;
        if (t->values.empty()) fail(node, field, fmt::format("'{}' is empty", field));
        const double first = t->values.front();
        const bool same = std::all_of(t->values.begin(), t->values.end(), [&](double v) { return v == first; });
        if (!same || first < 0 || first != std::floor(first)) {
            fail(node, field, fmt::format("'{}' is {}; fluxon's conv and pool layers take one whole number >= 0 for "
                                          "every axis",
                                          field, fmt::join(t->values, ", ")));
        }
        return first;
    }

    // NIR's 0-d per-layer values are one value for every neuron: shape [1].
    static tensor as_array(tensor t) {
        if (t.shape.empty()) t.shape = {1};
        return t;
    }

    net::layer_spec layer(const nir_node& node, const std::string& name, const std::string& kind) const {
        net::layer_spec spec;
        spec.name = name;
        spec.kind = kind;
        spec.site.file = doc.file;
        spec.site.key = node.path;
        spec.site.node = name;
        return spec;
    }

    static void copy(const nir_node& node, net::layer_spec& spec, std::initializer_list<const char*> fields) {
        for (const char* field : fields) {
            const auto it = node.arrays.find(field);
            if (it != node.arrays.end()) spec.arrays[field] = as_array(it->second);
        }
    }

    static void word(net::layer_spec& spec, const std::string& param, const std::string& value) {
        spec.params[param] = quantity_input{value, spec.site};
    }
    static void number(net::layer_spec& spec, const std::string& param, double value) {
        spec.params[param] = quantity_input{value, spec.site};
    }

    void conv(const nir_node& node, net::layer_spec& spec) const {
        const tensor& weight = require(node, "weight");
        spec.arrays["weight"] = weight;
        copy(node, spec, {"bias"});
        number(spec, "stride", same_for_all_axes(node, "stride", 1));
        number(spec, "dilation", same_for_all_axes(node, "dilation", 1));
        number(spec, "groups", same_for_all_axes(node, "groups", 1));
        if (const auto text = node.strings.find("padding"); text != node.strings.end()) {
            if (text->second == "valid") {
                number(spec, "padding", 0);
            } else if (text->second == "same") {
                // PyTorch's "same" (stride 1): (dilation (k - 1)) / 2 on each side, when even.
                const double dilation = same_for_all_axes(node, "dilation", 1);
                const std::int64_t k = weight.shape.empty() ? 1 : weight.shape.back();
                const double total = dilation * static_cast<double>(k - 1);
                if (same_for_all_axes(node, "stride", 1) != 1 || std::fmod(total, 2.0) != 0.0) {
                    fail(node, "padding", "padding \"same\" needs stride 1 and an even dilation * (kernel - 1)");
                }
                number(spec, "padding", total / 2);
            } else {
                fail(node, "padding", fmt::format("padding \"{}\", expected numbers, \"same\" or \"valid\"", text->second));
            }
        } else {
            number(spec, "padding", same_for_all_axes(node, "padding", 0));
        }
    }

    void pool(const nir_node& node, net::layer_spec& spec) const {
        require(node, "kernel_size");
        number(spec, "kernel_size", same_for_all_axes(node, "kernel_size", 1));
        number(spec, "stride", same_for_all_axes(node, "stride", 0));
        number(spec, "padding", same_for_all_axes(node, "padding", 0));
    }

    void neuron(const nir_node& node, net::layer_spec& spec, std::initializer_list<const char*> required,
                std::initializer_list<const char*> optional, bool spiking) const {
        for (const char* field : required) spec.arrays[field] = as_array(require(node, field));
        copy(node, spec, optional);
        word(spec, "integration", options.integration);
        if (spiking) word(spec, "reset", options.reset);
    }

    // The layer for `node`, named `name`; `nested` for the Input and Output nodes of a subgraph.
    net::layer_spec convert(const nir_node& node, const std::string& name, bool nested) const {
        const std::string& t = node.type;
        if (t == "Input") {
            return layer(node, name, nested ? "identity" : "input");
        }
        if (t == "Output") return layer(node, name, "identity");
        if (t == "Affine" || t == "Linear") {
            net::layer_spec spec = layer(node, name, "linear");
            const tensor& weight = require(node, "weight");
            if (weight.shape.size() != 2) {
                fail(node, "weight", fmt::format("weight has shape {}, expected [out, in]", to_string(weight)));
            }
            spec.arrays["weight"] = weight;
            if (t == "Affine") spec.arrays["bias"] = as_array(require(node, "bias"));
            return spec;
        }
        if (t == "Scale") {
            net::layer_spec spec = layer(node, name, "scale");
            spec.arrays["scale"] = as_array(require(node, "scale"));
            return spec;
        }
        if (t == "Conv1d" || t == "Conv2d") {
            net::layer_spec spec = layer(node, name, t == "Conv1d" ? "conv1d" : "conv2d");
            conv(node, spec);
            return spec;
        }
        if (t == "SumPool2d" || t == "AvgPool2d") {
            net::layer_spec spec = layer(node, name, t == "SumPool2d" ? "sum_pool2d" : "avg_pool2d");
            pool(node, spec);
            return spec;
        }
        if (t == "Flatten") return layer(node, name, "flatten");
        if (t == "Delay") {
            net::layer_spec spec = layer(node, name, "delay");
            spec.arrays["delay"] = as_array(require(node, "delay"));
            return spec;
        }
        if (t == "Threshold") {
            net::layer_spec spec = layer(node, name, "threshold");
            spec.arrays["threshold"] = as_array(require(node, "threshold"));
            number(spec, "strict", 1);
            return spec;
        }
        struct neuron_type {
            const char* type;
            const char* kind;
            std::initializer_list<const char*> required, optional;
            bool spiking;
        };
        static const neuron_type neurons[] = {
                {"I", "nir_i", {"r"}, {}, false},
                {"LI", "nir_li", {"tau", "r", "v_leak"}, {}, false},
                {"IF", "nir_if", {"r", "v_threshold"}, {"v_reset"}, true},
                {"LIF", "nir_lif", {"tau", "r", "v_leak", "v_threshold"}, {"v_reset"}, true},
                {"CubaLI", "nir_cuba_li", {"tau_syn", "tau_mem", "r", "v_leak"}, {"w_in"}, false},
                {"CubaLIF", "nir_cuba_lif", {"tau_syn", "tau_mem", "r", "v_leak", "v_threshold"}, {"v_reset", "w_in"},
                 true},
        };
        for (const neuron_type& n : neurons) {
            if (t != n.type) continue;
            net::layer_spec spec = layer(node, name, n.kind);
            neuron(node, spec, n.required, n.optional, n.spiking);
            return spec;
        }
        fail(node, "type", fmt::format("unknown node type '{}'; fluxon reads Input, Output, Affine, Linear, Scale, "
                                       "Conv1d, Conv2d, SumPool2d, AvgPool2d, Flatten, Delay, Threshold, I, LI, IF, "
                                       "LIF, CubaLI, CubaLIF and NIRGraph",
                                       t));
    }

    // The one node of `type` of a nested graph, where outer edges attach.
    const nir_node& port(const nir_node& graph_node, const std::string& type) const {
        const nir_node* found = nullptr;
        for (const nir_node& n : graph_node.graph->nodes) {
            if (n.type != type) continue;
            if (found != nullptr) {
                fail(graph_node, "",
                     fmt::format("a nested graph with several {} nodes ('{}' and '{}'): which one an outer edge "
                                 "reaches is not defined",
                                 type, found->name, n.name));
            }
            found = &n;
        }
        if (found == nullptr) fail(graph_node, "", fmt::format("a nested graph without an {} node", type));
        return *found;
    }

    // The layer an edge's end stands for: a nested graph's Input (as a target) or Output (as a
    // source), inlined under its prefix, recursively.
    std::string resolve(const nir_graph& graph, const std::string& prefix, const std::string& name, bool as_target,
                        const nir_node& edge_owner) const {
        const auto it = std::find_if(graph.nodes.begin(), graph.nodes.end(),
                                     [&](const nir_node& n) { return n.name == name; });
        if (it == graph.nodes.end()) {
            std::vector<std::string> names;
            for (const nir_node& n : graph.nodes) names.push_back(n.name);
            fail(edge_owner, "edges",
                 fmt::format("an edge {} '{}', which is no node; the nodes are: {}", as_target ? "to" : "from", name,
                             fmt::join(names, ", ")));
        }
        if (it->type != "NIRGraph") return prefix + name;
        const nir_node& inner = port(*it, as_target ? "Input" : "Output");
        return resolve(*it->graph, prefix + name + ".", inner.name, as_target, *it);
    }

    // Exports of snnTorch's recurrent blocks by NIR 0.2 (the NIR paper's Braille subgraph
    // files) name the block's neuron node after the block ("lif1") while its edges use the
    // name it had inside ("lif"). In a nested graph where exactly one name used by the edges
    // is no node and exactly one node other than Input and Output is used by no edge, both
    // stand for that node: nothing else could be meant.
    static std::map<std::string, std::string> misnamed(const nir_graph& graph) {
        std::set<std::string> names, used, unknown;
        for (const nir_node& n : graph.nodes) names.insert(n.name);
        for (const auto& [from, to] : graph.edges) {
            for (const std::string& end : {from, to}) (names.count(end) != 0 ? used : unknown).insert(end);
        }
        std::vector<std::string> unused;
        for (const nir_node& n : graph.nodes) {
            if (n.type != "Input" && n.type != "Output" && used.count(n.name) == 0) unused.push_back(n.name);
        }
        if (unknown.size() != 1 || unused.size() != 1) return {};
        return {{*unknown.begin(), unused.front()}};
    }

    void add_graph(const nir_graph& graph, const std::string& prefix, const nir_node& owner) {
        const bool nested = !prefix.empty();
        const std::map<std::string, std::string> renamed = nested ? misnamed(graph) : std::map<std::string, std::string>{};
        const auto named = [&](const std::string& end) {
            const auto it = renamed.find(end);
            return it == renamed.end() ? end : it->second;
        };
        for (const nir_node& node : graph.nodes) {
            if (node.type == "NIRGraph") {
                add_graph(*node.graph, prefix + node.name + ".", node);
                continue;
            }
            const std::string name = prefix + node.name;
            out.layers.push_back(convert(node, name, nested));
            if (!nested && node.type == "Input") {
                const tensor* shape = find(node, "shape");
                nir_input in{name, {}};
                if (shape != nullptr) {
                    for (const double d : shape->values) in.shape.push_back(static_cast<std::int64_t>(d));
                }
                out.inputs.push_back(std::move(in));
            }
            if (!nested && node.type == "Output") out.outputs.push_back(name);
        }
        for (const auto& [from, to] : graph.edges) {
            const std::string source = resolve(graph, prefix, named(from), false, owner);
            const std::string target = resolve(graph, prefix, named(to), true, owner);
            const auto it = std::find_if(out.layers.begin(), out.layers.end(),
                                         [&](const net::layer_spec& l) { return l.name == target; });
            if (it->kind == "input") {
                fail(owner, "edges", fmt::format("an edge into the Input node '{}'", to));
            }
            it->inputs.push_back(source);
            it->input_sites.push_back(it->site);
        }
    }
};

}  // namespace

nir_network import_nir(const nir_document& doc, const nir_import_options& options) {
    importer im{doc, options, {}};
    nir_node top;
    top.name = "";
    top.type = "NIRGraph";
    top.path = "/node";
    im.add_graph(doc.graph, "", top);
    return std::move(im.out);
}

}  // namespace fluxon::io
