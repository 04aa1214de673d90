// [nir]: a NIR graph (docs/nir.md) read from its file, mapped onto layers (io/nir_import.hpp)
// and appended to the network's layers; the data of its Input nodes comes from `input`.
#include <algorithm>
#include <filesystem>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "engine/base/config_scalars.hpp"
#include "io/config_schema.hpp"
#include "io/config_sections.hpp"
#include "io/nir_import.hpp"

namespace fluxon::io {
namespace {

std::string read_word(const config_node& at, std::initializer_list<std::string_view> words) {
    const std::string value = read_string(at, fmt::format("one of {}", fmt::join(words, ", ")));
    for (const std::string_view w : words) {
        if (value == w) return value;
    }
    at.fail(fmt::format("\"{}\" is not one of {}", value, fmt::join(words, ", ")));
}

// The data of one Input node: [steps, *shape] where shape is the node's. NIR 0.x exporters wrote
// [1] when they did not know the input's shape (formats.md §1.6): for those files the data's
// own shape is the only one there is, and the layers after the input check it.
void give_data(const config_node& at, const net::run_spec& run, const nir_input& input, const std::string& version,
               net::layer_spec& layer) {
    tensor data = read_layer_array(at, run);
    const std::vector<std::int64_t> per_step(data.shape.begin() + (data.shape.empty() ? 0 : 1), data.shape.end());
    const bool shape_unknown = version.starts_with("0.") && input.shape == std::vector<std::int64_t>{1};
    if (!shape_unknown && per_step != input.shape) {
        at.fail(fmt::format("the data has shape {}; the NIR Input node '{}' takes [steps, {}]", to_string(data),
                            input.name, fmt::join(input.shape, ", ")));
    }
    layer.arrays["data"] = std::move(data);
}

}  // namespace

std::vector<std::string> read_nir_section(const config_node& section, const net::run_spec& run,
                                          net::network_spec& network) {
    if (!section.present()) return {};
    section.table("a table [nir] with file and input");
    section.allow_only(schema_children("nir"));
    const config_node file_at = section.require("file", "the path of a NIR file (.nir)");
    std::filesystem::path path(read_string(file_at, "a path string like \"model.nir\""));
    if (path.is_relative()) path = section.context().base_dir / path;
    nir_import_options options;
    if (const config_node at = section.child("integration"); at.present()) {
        options.integration = read_word(at, {"euler", "exact"});
    }
    if (const config_node at = section.child("reset"); at.present()) options.reset = read_word(at, {"hard", "subtract"});
    nir_document doc;
    nir_network imported;
    try {
        doc = read_nir(path.string());
        imported = import_nir(doc, options);
    } catch (const io_error& e) {
        error_site site = e.site();
        if (site.file.empty()) site.file = path.string();
        throw io_error(e.detail(), site);
    }
    const auto layer_of = [&](const std::string& name) -> net::layer_spec& {
        for (net::layer_spec& l : imported.layers) {
            if (l.name == name) return l;
        }
        throw internal_error("an imported NIR input has no layer");
    };
    const config_node input = section.require("input", "the input data: [steps, *shape] for the graph's Input node");
    const bool one_array =
            !input.node().is_table() || input.child("file").present() || input.child("events").present();
    if (imported.inputs.size() == 1 && one_array) {
        give_data(input, run, imported.inputs.front(), doc.version, layer_of(imported.inputs.front().name));
    } else {
        std::vector<std::string> names;
        for (const nir_input& in : imported.inputs) names.push_back(in.name);
        input.table(fmt::format("a table with the data of each Input node: {}", fmt::join(names, ", ")));
        for (const auto& [name, value] : input.entries("a table")) {
            if (std::find(names.begin(), names.end(), name) == names.end()) {
                value.fail(fmt::format("the graph has no Input node '{}'; its Input nodes are: {}", name,
                                       fmt::join(names, ", ")));
            }
        }
        for (const nir_input& in : imported.inputs) {
            give_data(input.require(in.name, "the data [steps, *shape] of Input node '" + in.name + "'"), run, in,
                      doc.version, layer_of(in.name));
        }
    }
    if (const config_node at = section.child("steps_per_sample"); at.present()) {
        const std::int64_t steps = read_integer(at, "a whole number of steps >= 0");
        if (steps < 0) at.fail("steps_per_sample must be >= 0");
        for (const nir_input& in : imported.inputs) {
            layer_of(in.name).params["steps_per_sample"] = quantity_input{static_cast<double>(steps), at.site()};
        }
    }
    for (net::layer_spec& l : imported.layers) network.layers.push_back(std::move(l));
    return imported.outputs;
}

}  // namespace fluxon::io
