#include "io/nir_export.hpp"

#include <algorithm>
#include <functional>
#include <numeric>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "engine/layer_network.hpp"
#include "neurons/layers/channel_array.hpp"

namespace fluxon::io {
namespace {

error_site layer_site(const net::layer_spec& spec, const std::string& key = "") {
    error_site site = spec.site;
    site.node = spec.name;
    if (site.key.empty()) site.key = "layers." + spec.name;
    if (!key.empty()) site.key += "." + key;
    return site;
}

[[noreturn]] void refuse(const net::layer_spec& spec, const std::string& key, const std::string& why) {
    throw network_error(fmt::format("layer '{}' (kind {}) cannot be exported to NIR: {}", spec.name, spec.kind, why),
                        layer_site(spec, key));
}

// Why a kind has no exact NIR node, or nullopt when it has one.
std::optional<std::string> inexpressible(const std::string& kind) {
    static const std::map<std::string, std::string> reasons = {
            {"relu", "NIR has no rectifier among its primitives"},
            {"sign", "NIR has no sign node (a Threshold gives 0 or 1, not -1 or +1)"},
            {"requantize", "NIR has no fixed-point requantization node"},
            {"max_pool2d", "NIR pools by sum or average only (SumPool2d, AvgPool2d), not by maximum"},
            {"if", "this SpikingJelly IF spikes at v >= v_threshold and starts every sample at v_reset, NIR's IF "
                   "spikes at v > v_threshold from v = 0, so they differ whenever v reaches the threshold exactly; "
                   "the kind nir_if is NIR's"},
            {"lif", "this SpikingJelly LIF counts tau in steps and spikes at v >= v_threshold, NIR's LIF is an ODE "
                    "with tau in seconds and spikes at v > v_threshold; the kind nir_lif is NIR's"},
    };
    static const std::set<std::string> exportable = {
            "input",     "identity",  "linear",    "scale",       "conv1d",       "conv2d", "sum_pool2d",
            "avg_pool2d", "flatten",  "delay",     "threshold",   "nir_i",        "nir_li", "nir_if",
            "nir_lif",   "nir_cuba_li", "nir_cuba_lif"};
    if (const auto it = reasons.find(kind); it != reasons.end()) return it->second;
    if (exportable.count(kind) == 0) return "NIR has no node for this kind";
    return std::nullopt;
}

tensor int_scalar(std::int64_t v) { return tensor{{}, {static_cast<double>(v)}}; }

tensor int_vector(const std::vector<std::int64_t>& values) {
    tensor t{{static_cast<std::int64_t>(values.size())}, {}};
    for (const std::int64_t v : values) t.values.push_back(static_cast<double>(v));
    return t;
}

std::vector<std::int64_t> dims_of(const tensor_shape& shape) { return {shape.dims.begin(), shape.dims.end()}; }

void put_int(nir_node& node, const std::string& field, tensor t) {
    node.arrays[field] = std::move(t);
    node.integers.insert(field);
}

// The neuron kinds and the NIR fields each writes; a fallback is the kind's default for a
// field it does not require.
struct neuron_field {
    const char* name;
    std::optional<double> fallback;
};
struct neuron_type {
    const char* kind;
    const char* type;
    std::vector<neuron_field> fields;
    bool spiking;
};
const std::vector<neuron_type>& neuron_types() {
    static const std::vector<neuron_type> types = {
            {"nir_i", "I", {{"r", 1.0}}, false},
            {"nir_li", "LI", {{"tau", std::nullopt}, {"r", 1.0}, {"v_leak", 0.0}}, false},
            {"nir_if", "IF", {{"r", 1.0}, {"v_threshold", std::nullopt}, {"v_reset", 0.0}}, true},
            {"nir_lif",
             "LIF",
             {{"tau", std::nullopt}, {"r", 1.0}, {"v_leak", 0.0}, {"v_threshold", std::nullopt}, {"v_reset", 0.0}},
             true},
            {"nir_cuba_li",
             "CubaLI",
             {{"tau_syn", std::nullopt}, {"tau_mem", std::nullopt}, {"r", 1.0}, {"v_leak", 0.0}, {"w_in", 1.0}},
             false},
            {"nir_cuba_lif",
             "CubaLIF",
             {{"tau_syn", std::nullopt},
              {"tau_mem", std::nullopt},
              {"r", 1.0},
              {"v_leak", 0.0},
              {"v_threshold", std::nullopt},
              {"v_reset", 0.0},
              {"w_in", 1.0}},
             true},
    };
    return types;
}

// The specs to build: an input layer without data gets one step of zeros of its given shape,
// which is all the build needs to learn the shapes.
std::vector<net::layer_spec> with_data(const std::vector<net::layer_spec>& layers, const nir_export_options& options) {
    std::vector<net::layer_spec> out = layers;
    for (net::layer_spec& l : out) {
        if (l.kind != "input" || l.arrays.count("data") != 0) continue;
        const auto it = options.input_shapes.find(l.name);
        if (it == options.input_shapes.end()) {
            throw config_error(fmt::format("input layer '{}' has no data, so its shape is unknown; give it data "
                                           "[steps, *shape]",
                                           l.name),
                               layer_site(l, "data"));
        }
        tensor data;
        data.shape = {1};
        data.shape.insert(data.shape.end(), it->second.begin(), it->second.end());
        const std::int64_t size =
                std::accumulate(it->second.begin(), it->second.end(), std::int64_t{1}, std::multiplies<>());
        data.values.assign(static_cast<std::size_t>(std::max<std::int64_t>(size, 0)), 0.0);
        l.arrays["data"] = std::move(data);
    }
    return out;
}

class exporter {
public:
    exporter(const std::vector<net::layer_spec>& specs, const layer_registry& kinds, const layer_network& built)
        : specs_(specs), kinds_(kinds), built_(built) {
        for (const net::layer_spec& s : specs_) {
            by_name_[s.name] = &s;
            taken_.insert(s.name);
            for (const std::string& in : s.inputs) consumers_[in].push_back(s.name);
        }
    }

    nir_graph run() {
        std::vector<std::string> leaves;
        for (const net::layer_spec& s : specs_) {
            const bool leaf = consumers_.count(s.name) == 0;
            if (s.kind == "identity" && !leaf) continue;  // an inner tap: its consumers take its inputs
            add_layer(s);
            if (leaf && s.kind != "identity") leaves.push_back(s.name);
        }
        for (const std::string& name : leaves) {
            nir_node out;
            out.name = unique_name("output_" + name);
            out.type = "Output";
            put_int(out, "shape", int_vector(dims_of(layer(name).shape)));
            graph_.edges.emplace_back(name, out.name);
            graph_.nodes.push_back(std::move(out));
        }
        return std::move(graph_);
    }

private:
    const built_layer& layer(const std::string& name) const {
        return built_.layers()[static_cast<std::size_t>(built_.find(name))];
    }

    // Every input of a layer has its shape (the build checked): the first one, delayed or not.
    const tensor_shape& input_shape(const std::string& name) const {
        const built_layer& b = layer(name);
        const std::size_t from = b.inputs.empty() ? b.previous_inputs.front() : b.inputs.front();
        return built_.layers()[from].shape;
    }

    std::string unique_name(const std::string& base) {
        std::string name = base;
        for (int k = 1; taken_.count(name) != 0; ++k) name = fmt::format("{}_{}", base, k);
        taken_.insert(name);
        return name;
    }

    // The nodes whose outputs reach a layer through `name`: an identity that layers take is
    // left out, so its own inputs stand for it (edges into a node are summed, as its inputs).
    void sources(const std::string& name, std::vector<std::string>& out, std::vector<std::string>& path) const {
        const net::layer_spec& s = *by_name_.at(name);
        if (s.kind != "identity") {
            out.push_back(name);
            return;
        }
        if (std::find(path.begin(), path.end(), name) != path.end()) {
            throw network_error(fmt::format("the identity layers {} take each other in a cycle with nothing else: "
                                            "no NIR node computes in it",
                                            fmt::join(path, ", ")),
                                layer_site(s, "input"));
        }
        path.push_back(name);
        for (const std::string& in : s.inputs) sources(in, out, path);
        path.pop_back();
    }

    void connect(const net::layer_spec& s, const std::string& target) {
        std::vector<std::string> from, path;
        for (const std::string& in : s.inputs) sources(in, from, path);
        for (const std::string& f : from) graph_.edges.emplace_back(f, target);
    }

    // `name` of `spec` spread over the layer's input shape, as the kind reads it.
    tensor full(const net::layer_spec& spec, const std::string& name, std::optional<double> fallback) const {
        layer_context ctx;
        ctx.name = spec.name;
        ctx.input = input_shape(spec.name);
        ctx.arrays = &spec.arrays;
        ctx.site = layer_site(spec);
        return tensor{dims_of(ctx.input), per_entry(ctx, name, fallback)};
    }

    void add_layer(const net::layer_spec& s) {
        const validated_params params = validate_params(kinds_.get(s.kind, layer_site(s, "kind")).schema(), s.params,
                                                        layer_site(s));
        nir_node node;
        node.name = s.name;
        node.path = layer_site(s).key;
        const std::string& k = s.kind;
        if (k == "input") {
            node.type = "Input";
            put_int(node, "shape", int_vector(dims_of(layer(s.name).shape)));
        } else if (k == "identity") {  // one no layer takes (run() leaves the others out)
            node.type = "Output";
            put_int(node, "shape", int_vector(dims_of(layer(s.name).shape)));
        } else if (k == "linear") {
            linear(s, node);
            return;
        } else if (k == "scale") {
            node.type = "Scale";
            node.arrays["scale"] = full(s, "scale", std::nullopt);
        } else if (k == "delay") {
            node.type = "Delay";
            node.arrays["delay"] = full(s, "delay", std::nullopt);
        } else if (k == "threshold") {
            if (params.get("strict") != 1.0) {
                refuse(s, "strict",
                       "it fires where x >= threshold (strict = 0), NIR's Threshold where x > threshold; set "
                       "strict = 1 if that is what is meant");
            }
            node.type = "Threshold";
            node.arrays["threshold"] = full(s, "threshold", std::nullopt);
        } else if (k == "conv1d" || k == "conv2d") {
            conv(s, params, node);
        } else if (k == "sum_pool2d" || k == "avg_pool2d") {
            node.type = k == "sum_pool2d" ? "SumPool2d" : "AvgPool2d";
            const auto kernel = static_cast<std::int64_t>(params.get("kernel_size"));
            const auto stride = static_cast<std::int64_t>(params.get("stride"));
            const auto padding = static_cast<std::int64_t>(params.get("padding"));
            // fluxon's stride 0 means "the kernel's size"; NIR has no such convention.
            put_int(node, "kernel_size", int_vector({kernel, kernel}));
            put_int(node, "stride", int_vector({stride == 0 ? kernel : stride, stride == 0 ? kernel : stride}));
            put_int(node, "padding", int_vector({padding, padding}));
        } else if (k == "flatten") {
            flatten(s.name, node);
        } else {
            neuron(s, params, node);
        }
        connect(s, node.name);
        graph_.nodes.push_back(std::move(node));
    }

    // NIR's Affine takes a vector; fluxon's linear layer takes any shape as its flat vector.
    void linear(const net::layer_spec& s, nir_node& node) {
        node.type = s.arrays.count("bias") != 0 ? "Affine" : "Linear";
        node.arrays["weight"] = s.arrays.at("weight");
        if (s.arrays.count("bias") != 0) node.arrays["bias"] = s.arrays.at("bias");
        if (input_shape(s.name).dims.size() > 1) {
            nir_node flat;
            flat.name = unique_name(s.name + "_flatten");
            flatten(s.name, flat);
            connect(s, flat.name);
            graph_.edges.emplace_back(flat.name, node.name);
            graph_.nodes.push_back(std::move(flat));
        } else {
            connect(s, node.name);
        }
        graph_.nodes.push_back(std::move(node));
    }

    // Flattens the input of `layer_name` (its own, or the linear layer's it is inserted for).
    void flatten(const std::string& layer_name, nir_node& node) const {
        node.type = "Flatten";
        put_int(node, "start_dim", int_scalar(0));
        put_int(node, "end_dim", int_scalar(-1));
        put_int(node, "input_type", int_vector(dims_of(input_shape(layer_name))));
    }

    void conv(const net::layer_spec& s, const validated_params& params, nir_node& node) const {
        const bool two_d = s.kind == "conv2d";
        node.type = two_d ? "Conv2d" : "Conv1d";
        const tensor& weight = s.arrays.at("weight");
        node.arrays["weight"] = weight;
        // NIR's Conv always has a bias; fluxon's default is none, which is a zero bias.
        node.arrays["bias"] = s.arrays.count("bias") != 0
                                      ? s.arrays.at("bias")
                                      : tensor{{weight.shape.front()}, std::vector<double>(weight.shape.front(), 0.0)};
        const std::vector<std::int64_t> in = dims_of(input_shape(s.name));
        for (const char* field : {"stride", "padding", "dilation"}) {
            const auto v = static_cast<std::int64_t>(params.get(field));
            put_int(node, field, two_d ? int_vector({v, v}) : int_scalar(v));  // NIR's Conv1d takes ints
        }
        put_int(node, "groups", int_scalar(static_cast<std::int64_t>(params.get("groups"))));
        // The spatial shape of the input, without its channels.
        put_int(node, "input_shape", two_d ? int_vector({in[1], in[2]}) : int_scalar(in[1]));
    }

    void neuron(const net::layer_spec& s, const validated_params& params, nir_node& node) const {
        const auto it = std::find_if(neuron_types().begin(), neuron_types().end(),
                                     [&](const neuron_type& n) { return s.kind == n.kind; });
        if (it == neuron_types().end()) throw internal_error("NIR export: an exportable kind without a mapping");
        if (it->spiking && params.get("reset") == 1.0) {
            refuse(s, "reset",
                   "it resets by subtracting v_threshold (reset = \"subtract\"), and NIR neurons reset to v_reset; "
                   "a step-wise subtractive reset has no NIR equivalent");
        }
        node.type = it->type;
        for (const neuron_field& f : it->fields) node.arrays[f.name] = full(s, f.name, f.fallback);
    }

    const std::vector<net::layer_spec>& specs_;
    const layer_registry& kinds_;
    const layer_network& built_;
    std::map<std::string, const net::layer_spec*> by_name_;
    std::map<std::string, std::vector<std::string>> consumers_;
    std::set<std::string> taken_;
    nir_graph graph_;
};

}  // namespace

nir_document export_nir(const std::vector<net::layer_spec>& layers, const layer_registry& kinds,
                        const nir_export_options& options) {
    // Refused before the build, which would take its time on a large network only to refuse it.
    for (const net::layer_spec& l : layers) {
        if (kinds.find(l.kind) == nullptr) continue;  // the build names the known kinds
        if (const auto why = inexpressible(l.kind)) refuse(l, "kind", *why);
    }
    if (layers.empty()) throw network_error("nothing to export to NIR: the network has no layers", {});
    const std::vector<net::layer_spec> specs = with_data(layers, options);
    const layer_network built(specs, kinds, options.dt, 1);
    nir_document doc;
    doc.version = nir_written_version;
    doc.graph = exporter(specs, kinds, built).run();
    return doc;
}

nir_document export_nir(const net::experiment_spec& spec, const layer_registry& kinds) {
    const net::network_spec& n = spec.network;
    const auto not_layered = [](const std::string& what, const std::string& name, const error_site& site) {
        error_site at = site;
        if (at.node.empty()) at.node = name;
        throw network_error(fmt::format("NIR export covers layered networks ([layers.*], [nir]); the {} '{}' is not "
                                        "a layer and NIR has no node for it",
                                        what, name),
                            at);
    };
    if (!n.populations.empty()) not_layered("population", n.populations.front().name, n.populations.front().site);
    if (!n.projections.empty()) not_layered("projection", n.projections.front().name, n.projections.front().site);
    if (!n.currents.empty()) not_layered("current", n.currents.front().name, n.currents.front().site);
    nir_export_options options;
    options.dt = resolve_quantity(spec.run.dt, dimension::time, "run.dt");
    return export_nir(n.layers, kinds, options);
}

}  // namespace fluxon::io
