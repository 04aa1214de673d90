// [layers.<name>] sections: a layered network's nodes (docs/layers.md). The reader takes the
// form of each value (an input name or list, a single value, an array); which keys a kind
// takes, their ranges and the arrays' shapes are the kind's to check when the network is built.
#include <fmt/format.h>

#include "engine/base/config_scalars.hpp"
#include "io/config_sections.hpp"
#include "io/config_values.hpp"

namespace fluxon::io {
namespace {

constexpr std::string_view array_expectation =
    "a number, a (nested) list of numbers, { file = \"w.npy\" } or { events = \"rec.bin\" }";

// A nested list of numbers, rectangular: its shape is the lengths at each depth.
void read_nested(const config_node& at, std::size_t depth, tensor& out) {
    if (!at.node().is_array()) {
        if (depth != out.shape.size()) at.fail("the nested lists are not rectangular: a number where a list was expected");
        out.values.push_back(read_number(at, "a number"));
        return;
    }
    const std::vector<config_node> items = at.items(std::string(array_expectation));
    if (depth == out.shape.size()) {
        if (!out.values.empty()) at.fail("the nested lists are not rectangular: a list where a number was expected");
        out.shape.push_back(static_cast<std::int64_t>(items.size()));
    } else if (out.shape[depth] != static_cast<std::int64_t>(items.size())) {
        at.fail(fmt::format("the nested lists are not rectangular: {} entries where the first list at this depth "
                            "has {}",
                            items.size(), out.shape[depth]));
    }
    for (const config_node& item : items) read_nested(item, depth + 1, out);
}

}  // namespace

tensor read_layer_array(const config_node& at, const net::run_spec& run) {
    if (at.node().is_table()) {
        if (at.child("events").present()) return read_event_frames(at, run);
        return read_tensor_file(at);
    }
    tensor t;
    read_nested(at, 0, t);
    if (t.values.empty()) at.fail("an empty array");
    return t;
}

namespace {

std::vector<std::string> read_inputs(const config_node& at, std::vector<error_site>& sites) {
    std::vector<std::string> inputs;
    if (at.node().is_string()) {
        inputs.push_back(read_string(at, "a layer name"));
        sites.push_back(at.site());
        return inputs;
    }
    for (const config_node& item : at.items("a layer name or a list of layer names (summed)")) {
        inputs.push_back(read_string(item, "a layer name"));
        sites.push_back(item.site());
    }
    return inputs;
}

}  // namespace

std::vector<net::layer_spec> read_layers(const config_node& section, const net::run_spec& run) {
    std::vector<net::layer_spec> layers;
    if (!section.present()) return layers;
    for (const auto& [name, at] : section.entries("a table of layers, [layers.<name>]")) {
        check_entry_name(at, name, "layer");
        at.table("a table with kind and input, e.g. [layers." + name + "]");
        net::layer_spec layer;
        layer.name = name;
        layer.site = at.with_owner(name).site();
        layer.kind = read_string(at.require("kind", "a layer kind such as \"linear\" (docs/layers.md)"), "a layer kind");
        for (const auto& [key, value] : at.entries("a table")) {
            if (key == "kind") continue;
            if (key == "input") {
                layer.inputs = read_inputs(value, layer.input_sites);
            } else if (value.node().is_array() || value.node().is_table()) {
                layer.arrays[key] = read_layer_array(value, run);
            } else {
                layer.params.emplace(key, read_quantity(value, std::nullopt));
            }
        }
        layers.push_back(std::move(layer));
    }
    return layers;
}

}  // namespace fluxon::io
