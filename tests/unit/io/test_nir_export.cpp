#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/unit/common/temp_file.hpp"
#include "engine/base/errors.hpp"
#include "io/hdf5.hpp"
#include "io/nir_export.hpp"
#include "io/nir_file.hpp"
#include "io/nir_import.hpp"

using namespace fluxon;
using namespace fluxon::io;

TEST_SUITE_BEGIN("io");

namespace {

const std::string shared_nir = std::string(FLUXON_SHARED_DIR) + "/data/nir/";

nir_network import_file(const std::string& path) { return import_nir(read_nir(path), nir_import_options{}); }

nir_export_options shapes_of(const nir_network& net) {
    nir_export_options options;
    for (const nir_input& in : net.inputs) options.input_shapes[in.name] = in.shape;
    return options;
}

// export -> write -> read -> import, through a file like any user's.
nir_network through_file(const nir_network& net, const std::string& tag) {
    const layer_registry kinds = builtin_layers();
    const nir_document doc = export_nir(net.layers, kinds, shapes_of(net));
    const test::temp_file file(tag, "", ".nir");
    write_nir(doc, file.name());
    return import_file(file.name());
}

// The layers an export keeps: an identity that other layers take is left out and they take its
// inputs instead (a nested graph's Input and Output nodes, inlined as identities).
std::vector<net::layer_spec> without_inner_identities(std::vector<net::layer_spec> layers) {
    std::set<std::string> taken;
    for (const net::layer_spec& l : layers) taken.insert(l.inputs.begin(), l.inputs.end());
    std::map<std::string, std::vector<std::string>> inner;
    for (const net::layer_spec& l : layers) {
        if (l.kind == "identity" && taken.count(l.name) != 0) inner[l.name] = l.inputs;
    }
    std::vector<net::layer_spec> out;
    for (net::layer_spec& l : layers) {
        if (inner.count(l.name) != 0) continue;
        std::vector<std::string> inputs = l.inputs;
        // Until no input is a left-out identity (they may follow each other).
        for (bool again = true; again;) {
            again = false;
            std::vector<std::string> next;
            for (const std::string& in : inputs) {
                const auto it = inner.find(in);
                if (it == inner.end()) {
                    next.push_back(in);
                } else {
                    next.insert(next.end(), it->second.begin(), it->second.end());
                    again = true;
                }
            }
            inputs = next;
        }
        l.inputs = inputs;
        out.push_back(std::move(l));
    }
    return out;
}

// The value a kind uses for an array it was not given, which export writes out.
double kind_default(const std::string& array) {
    static const std::map<std::string, double> defaults = {
            {"r", 1.0}, {"v_leak", 0.0}, {"v_reset", 0.0}, {"w_in", 1.0}, {"bias", 0.0}};
    const auto it = defaults.find(array);
    REQUIRE_MESSAGE(it != defaults.end(), "an exported array '" << array << "' that was not given");
    return it->second;
}

void check_same_values(const tensor& a, const tensor& b, const std::string& what) {
    INFO(what);
    CHECK(a.shape == b.shape);
    CHECK(a.values == b.values);  // bit for bit: the doubles are written and read as float64
}

// `after` holds `before`'s arrays exactly, with [1] and [C] forms spread over the full shape and
// the defaults of arrays `before` did not give written out.
void check_arrays(const net::layer_spec& before, const net::layer_spec& after) {
    // Entries rather than structured bindings: INFO captures in a lambda, which clang 14 refuses
    // for bindings.
    for (const auto& entry : before.arrays) {
        const std::string& name = entry.first;
        const tensor& given = entry.second;
        INFO("layer ", before.name, " array ", name);
        REQUIRE(after.arrays.count(name) == 1);
        const tensor& full = after.arrays.at(name);
        if (given.shape == full.shape) {
            check_same_values(given, full, before.name + "." + name);
            continue;
        }
        REQUIRE(given.shape.size() == 1);
        REQUIRE(full.size() % given.size() == 0);
        const std::size_t run = full.size() / given.size();
        for (std::size_t i = 0; i < full.size(); ++i) CHECK(full.values[i] == given.values[i / run]);
    }
    for (const auto& entry : after.arrays) {
        const std::string& name = entry.first;
        const tensor& written = entry.second;
        if (before.arrays.count(name) != 0) continue;
        INFO("layer ", before.name, " array ", name, " (not given before)");
        const double expected = kind_default(name);
        CHECK(std::all_of(written.values.begin(), written.values.end(), [&](double v) { return v == expected; }));
    }
}

void check_params(const net::layer_spec& before, const net::layer_spec& after) {
    INFO("layer ", before.name);
    REQUIRE(before.params.size() == after.params.size());
    for (const auto& [name, value] : before.params) {
        REQUIRE(after.params.count(name) == 1);
        CHECK(after.params.at(name).value == value.value);
    }
}

void check_round_trip(const std::string& file, const std::string& tag) {
    INFO("file ", file);
    const nir_network before = import_file(shared_nir + file);
    const nir_network after = through_file(before, tag);
    const std::vector<net::layer_spec> expected = without_inner_identities(before.layers);
    REQUIRE(after.layers.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const net::layer_spec& b = expected[i];
        const net::layer_spec& a = after.layers[i];
        INFO("layer ", b.name);
        CHECK(a.name == b.name);
        CHECK(a.kind == b.kind);
        CHECK(a.inputs == b.inputs);  // in order: edges are written per layer in its inputs' order
        check_params(b, a);
        check_arrays(b, a);
    }
    REQUIRE(after.inputs.size() == before.inputs.size());
    for (std::size_t i = 0; i < before.inputs.size(); ++i) {
        CHECK(after.inputs[i].name == before.inputs[i].name);
        CHECK(after.inputs[i].shape == before.inputs[i].shape);
    }
    CHECK(after.outputs == before.outputs);

    // Once written, a graph is a fixed point: a second round trip changes nothing at all.
    const nir_network again = through_file(after, tag + "_again");
    REQUIRE(again.layers.size() == after.layers.size());
    for (std::size_t i = 0; i < after.layers.size(); ++i) {
        const net::layer_spec& a = after.layers[i];
        const net::layer_spec& b = again.layers[i];
        CHECK(a.name == b.name);
        CHECK(a.kind == b.kind);
        CHECK(a.inputs == b.inputs);
        check_params(a, b);
        REQUIRE(a.arrays.size() == b.arrays.size());
        for (const auto& [name, t] : a.arrays) check_same_values(t, b.arrays.at(name), a.name + "." + name);
    }
}

tensor make(std::vector<std::int64_t> shape, std::vector<double> values) { return tensor{std::move(shape), std::move(values)}; }

net::layer_spec make_layer(const std::string& name, const std::string& kind, std::vector<std::string> inputs) {
    net::layer_spec l;
    l.name = name;
    l.kind = kind;
    l.inputs = std::move(inputs);
    return l;
}

net::layer_spec input_layer(const std::string& name, std::vector<std::int64_t> shape) {
    net::layer_spec l = make_layer(name, "input", {});
    std::size_t size = 1;
    for (const std::int64_t d : shape) size *= static_cast<std::size_t>(d);
    shape.insert(shape.begin(), 2);
    l.arrays["data"] = make(shape, std::vector<double>(2 * size, 0.5));
    return l;
}

const nir_node& node_named(const nir_graph& g, const std::string& name) {
    const auto it = std::find_if(g.nodes.begin(), g.nodes.end(), [&](const nir_node& n) { return n.name == name; });
    REQUIRE_MESSAGE(it != g.nodes.end(), "no node " << name);
    return *it;
}

std::string export_error(const std::vector<net::layer_spec>& layers) {
    const layer_registry kinds = builtin_layers();
    try {
        export_nir(layers, kinds);
    } catch (const network_error& e) {
        return e.what();
    }
    return "no network_error";
}

}  // namespace

TEST_CASE("NIR export: the LIF sample files come back as they were imported") {
    check_round_trip("01_lif/lif_norse.nir", "nirx_norse");
    check_round_trip("01_lif/lif_rockpool.nir", "nirx_rockpool");
    check_round_trip("01_lif/two_lif_neurons.nir", "nirx_two_lif");
}

TEST_CASE("NIR export: the Sinabs CNN comes back as it was imported") {
    check_round_trip("02_cnn/cnn_sinabs.nir", "nirx_cnn");
}

TEST_CASE("NIR export: the recurrent Braille networks come back, the subgraph files flat") {
    check_round_trip("03_rnn/braille_noDelay_bias_zero.nir", "nirx_braille_a");
    check_round_trip("03_rnn/braille_noDelay_noBias_subtract.nir", "nirx_braille_b");
    check_round_trip("03_rnn/braille_noDelay_bias_zero_subgraph.nir", "nirx_braille_c");
    check_round_trip("03_rnn/braille_noDelay_noBias_subtract_subgraph.nir", "nirx_braille_d");
}

TEST_CASE("NIR export: the file has NIR's layout") {
    const nir_network net = import_file(shared_nir + "02_cnn/cnn_sinabs.nir");
    const layer_registry kinds = builtin_layers();
    const test::temp_file file("nirx_layout", "", ".nir");
    write_nir(export_nir(net.layers, kinds, shapes_of(net)), file.name());
    const h5::file f = h5::file::open_read_only(file.name());
    const h5::group root = f.root();
    CHECK(root.read_string("version") == "1.0.7");
    CHECK(root.open_dataset("version").dims().empty());  // a scalar, not an attribute
    CHECK(root.read_string("node/type") == "NIRGraph");
    const h5::dataset edges = root.open_dataset("node/edges");
    CHECK(edges.dims() == std::vector<hsize_t>{14, 2});
    CHECK(edges.type().type_class == H5T_STRING);
    const h5::group conv = root.open_group("node/nodes/0");
    CHECK(conv.read_string("type") == "Conv2d");
    CHECK(conv.open_dataset("stride").type().type_class == H5T_INTEGER);
    CHECK(conv.open_dataset("stride").dims() == std::vector<hsize_t>{2});
    CHECK(conv.open_dataset("groups").dims().empty());
    CHECK(conv.read_vector<std::int64_t>("input_shape") == std::vector<std::int64_t>{34, 34});
    CHECK(conv.open_dataset("weight").dims() == std::vector<hsize_t>{16, 2, 5, 5});
    CHECK(conv.open_dataset("weight").type().type_class == H5T_FLOAT);
    const h5::group neuron = root.open_group("node/nodes/1");
    CHECK(neuron.read_string("type") == "IF");
    CHECK(neuron.open_dataset("v_reset").dims() == std::vector<hsize_t>{16, 16, 16});
    const h5::group flat = root.open_group("node/nodes/8");
    CHECK(flat.read_scalar<std::int64_t>("start_dim") == 0);
    CHECK(flat.read_scalar<std::int64_t>("end_dim") == -1);
    CHECK(flat.read_vector<std::int64_t>("input_type") == std::vector<std::int64_t>{8, 4, 4});
    CHECK(root.read_vector<std::int64_t>("node/nodes/input/shape") == std::vector<std::int64_t>{2, 34, 34});
    CHECK(root.read_vector<std::int64_t>("node/nodes/4/kernel_size") == std::vector<std::int64_t>{2, 2});
}

TEST_CASE("NIR export: taps are left out, leaves get Outputs, [1] and [C] arrays are spread") {
    std::vector<net::layer_spec> layers;
    layers.push_back(input_layer("x", {2, 3, 3}));
    net::layer_spec conv = make_layer("conv", "conv2d", {"x"});
    conv.arrays["weight"] = make({2, 2, 1, 1}, {1, 0, 0, 1});
    layers.push_back(conv);
    layers.push_back(make_layer("tap", "identity", {"conv"}));
    net::layer_spec scale = make_layer("scale", "scale", {"tap"});
    scale.arrays["scale"] = make({2}, {2, 3});
    layers.push_back(scale);
    net::layer_spec fc = make_layer("fc", "linear", {"scale"});
    fc.arrays["weight"] = make({2, 18}, std::vector<double>(36, 0.25));
    layers.push_back(fc);
    net::layer_spec lif = make_layer("lif", "nir_lif", {"fc"});
    lif.arrays["tau"] = make({1}, {0.01});
    lif.arrays["v_threshold"] = make({2}, {1.0, 2.0});
    layers.push_back(lif);

    const layer_registry kinds = builtin_layers();
    const nir_document doc = export_nir(layers, kinds);
    const nir_graph& g = doc.graph;
    std::vector<std::string> names;
    for (const nir_node& n : g.nodes) names.push_back(n.name);
    CHECK(names == std::vector<std::string>{"x", "conv", "scale", "fc_flatten", "fc", "lif", "output_lif"});
    const std::vector<std::pair<std::string, std::string>> edges = {{"x", "conv"},         {"conv", "scale"},
                                                                    {"scale", "fc_flatten"}, {"fc_flatten", "fc"},
                                                                    {"fc", "lif"},         {"lif", "output_lif"}};
    CHECK(g.edges == edges);
    CHECK(node_named(g, "x").arrays.at("shape").values == std::vector<double>{2, 3, 3});
    const nir_node& c = node_named(g, "conv");
    CHECK(c.arrays.at("bias").values == std::vector<double>{0, 0});
    CHECK(c.arrays.at("input_shape").values == std::vector<double>{3, 3});
    const tensor& s = node_named(g, "scale").arrays.at("scale");
    CHECK(s.shape == std::vector<std::int64_t>{2, 3, 3});
    CHECK(s.values[8] == 2.0);
    CHECK(s.values[9] == 3.0);
    CHECK(node_named(g, "fc_flatten").arrays.at("input_type").values == std::vector<double>{2, 3, 3});
    CHECK(node_named(g, "fc").type == "Linear");
    const nir_node& l = node_named(g, "lif");
    CHECK(l.type == "LIF");
    CHECK(l.arrays.at("tau").values == std::vector<double>{0.01, 0.01});
    CHECK(l.arrays.at("v_threshold").values == std::vector<double>{1.0, 2.0});
    CHECK(l.arrays.at("r").values == std::vector<double>{1.0, 1.0});
    CHECK(l.arrays.at("v_reset").values == std::vector<double>{0.0, 0.0});
    CHECK(node_named(g, "output_lif").type == "Output");
    CHECK(node_named(g, "output_lif").arrays.at("shape").values == std::vector<double>{2});
}

TEST_CASE("NIR export: kinds NIR cannot express are refused, naming the layer") {
    const auto network = [](net::layer_spec last) {
        std::vector<net::layer_spec> layers;
        layers.push_back(input_layer("x", {4}));
        layers.push_back(std::move(last));
        return layers;
    };
    CHECK(export_error(network(make_layer("act", "relu", {"x"}))).find("layer 'act' (kind relu) cannot be exported") !=
          std::string::npos);
    CHECK(export_error(network(make_layer("sgn", "sign", {"x"}))).find("'sgn' (kind sign)") != std::string::npos);
    std::vector<net::layer_spec> pooled;
    pooled.push_back(input_layer("img", {1, 4, 4}));
    net::layer_spec pool = make_layer("pool", "max_pool2d", {"img"});
    pool.params["kernel_size"] = quantity_input{2.0, {}};
    pooled.push_back(pool);
    const std::string max_pool = export_error(pooled);
    CHECK(max_pool.find("layer 'pool' (kind max_pool2d)") != std::string::npos);
    CHECK(max_pool.find("maximum") != std::string::npos);
    CHECK(export_error(network(make_layer("spk", "if", {"x"}))).find("v >= v_threshold") != std::string::npos);

    net::layer_spec loose = make_layer("th", "threshold", {"x"});
    loose.arrays["threshold"] = make({1}, {0.5});
    CHECK(export_error(network(loose)).find("strict = 0") != std::string::npos);
    loose.params["strict"] = quantity_input{1.0, {}};
    const layer_registry kinds = builtin_layers();
    CHECK(node_named(export_nir(network(loose), kinds).graph, "th").type == "Threshold");

    net::layer_spec sub = make_layer("n", "nir_if", {"x"});
    sub.arrays["v_threshold"] = make({1}, {1.0});
    sub.params["reset"] = quantity_input{std::string("subtract"), {}};
    const std::string subtract = export_error(network(sub));
    CHECK(subtract.find("layer 'n' (kind nir_if)") != std::string::npos);
    CHECK(subtract.find("subtract") != std::string::npos);
    sub.params["reset"] = quantity_input{std::string("hard"), {}};
    sub.params["integration"] = quantity_input{std::string("exact"), {}};  // the ODE is the same
    CHECK(node_named(export_nir(network(sub), kinds).graph, "n").type == "IF");
}

TEST_CASE("NIR export: an experiment with populations is refused, an input without data needs a shape") {
    net::experiment_spec spec;
    net::population_spec pop;
    pop.name = "exc";
    pop.size = 3;
    pop.model = "lif";
    spec.network.populations.push_back(pop);
    spec.network.layers.push_back(input_layer("x", {4}));
    const layer_registry kinds = builtin_layers();
    CHECK_THROWS_AS(export_nir(spec, kinds), network_error);

    std::vector<net::layer_spec> layers = {make_layer("x", "input", {}), make_layer("out", "identity", {"x"})};
    CHECK_THROWS_AS(export_nir(layers, kinds), config_error);
    nir_export_options options;
    options.input_shapes["x"] = {5};
    const nir_document doc = export_nir(layers, kinds, options);
    CHECK(node_named(doc.graph, "out").arrays.at("shape").values == std::vector<double>{5});
}

TEST_SUITE_END();
