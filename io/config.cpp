#include "io/config.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "devices/builtin_families.hpp"
#include "io/config_overrides.hpp"
#include "io/config_schema.hpp"
#include "io/config_sections.hpp"

namespace fluxon::io {
namespace {

toml::table parse_document(const std::string& text, const std::string& source_name) {
    try {
        return toml::parse(text, source_name);
    } catch (const toml::parse_error& e) {
        const auto& where = e.source().begin;
        error_site site;
        site.file = source_name;
        site.line = static_cast<int>(where.line);
        throw config_error(fmt::format("TOML syntax error at line {}, column {}: {}", where.line,
                                       where.column, e.description()),
                           site);
    }
}

// Each device family reads its own section; a device takes the family's default instance name.
void read_devices(const config_node& root, const device_registry& families, net::experiment_spec& spec) {
    for (const device_family* family : families.all()) {
        const config_node section = root.child(family->section());
        if (!section.present()) continue;
        section.table(fmt::format("a table [{}]", family->section()));
        section.allow_only(family->keys());
        spec.devices.push_back({std::string(family->name()), std::string(family->default_instance()),
                                family->read(section), section.site()});
    }
}

net::experiment_spec convert(const config_context& ctx, const toml::table& doc, const model_registry& models,
                             const device_registry& families) {
    const config_node root = config_node::root(ctx, doc);
    root.allow_only(schema_children("", families));
    net::experiment_spec spec;
    spec.run = read_run(root.child("run"));
    spec.network.populations = read_populations(root.child("populations"), models, spec.run);
    spec.network.projections = read_projections(root.child("projections"), spec.network.populations, models);
    spec.network.currents = read_currents(root.child("currents"));
    spec.network.drives = read_drives(root.child("drives"));
    spec.network.layers = read_layers(root.child("layers"), spec.run);
    const std::vector<std::string> nir_outputs = read_nir_section(root.child("nir"), spec.run, spec.network);
    read_record(root.child("record"), spec.network.populations, spec);
    for (const std::string& output : nir_outputs) {
        const bool listed = std::any_of(spec.layer_records.begin(), spec.layer_records.end(),
                                        [&](const net::layer_record_spec& r) { return r.layer == output; });
        if (!listed) spec.layer_records.push_back({output, root.child("nir").site()});
    }
    read_devices(root, families, spec);
    return spec;
}

std::string serialize(const toml::table& doc) {
    std::ostringstream out;
    out << doc << "\n";
    return out.str();
}

// The document as a config file: bare numbers taken as SI values are written "<value> <SI
// unit>" (the number printed exactly, the unit's scale 1: the same double), whole floats taken
// as neuron indices as integers.
toml::table as_config_file(toml::table doc, const std::vector<lenient_value>& values) {
    for (const lenient_value& v : values) {
        const double number = *doc.at_path(v.key).value<double>();
        const auto put = [&](auto&& replace) {
            if (v.unit) return replace(fmt::format("{} {}", number, si_unit(*v.unit)));
            replace(static_cast<std::int64_t>(number));
        };
        if (v.key.back() == ']') {
            const std::size_t bracket = v.key.rfind('[');
            toml::array& array = *doc.at_path(v.key.substr(0, bracket)).as_array();
            const auto index = static_cast<std::ptrdiff_t>(std::stoul(v.key.substr(bracket + 1)));
            put([&](auto&& value) { array.replace(array.cbegin() + index, std::forward<decltype(value)>(value)); });
        } else {
            const std::size_t dot = v.key.rfind('.');
            toml::table& parent = dot == std::string::npos ? doc : *doc.at_path(v.key.substr(0, dot)).as_table();
            const std::string name = v.key.substr(dot == std::string::npos ? 0 : dot + 1);
            put([&](auto&& value) { parent.insert_or_assign(name, std::forward<decltype(value)>(value)); });
        }
    }
    return doc;
}

// The one path from a document to a spec, for files, in-memory text and built tables alike.
// `overrides` have already been applied to `doc`; `text` is the original text, if any.
net::experiment_spec convert_document(const toml::table& doc, const std::string& source_name,
                                      const config_options& options, std::vector<applied_override> overrides,
                                      const std::string* text) {
    const auto& parsed_from = doc.source().path;
    config_context ctx{parsed_from ? *parsed_from : std::string(), options.base_dir, std::move(overrides),
                       options.numbers_are_si, options.whole_float_ids};
    std::vector<lenient_value> lenient;
    ctx.lenient = &lenient;
    const device_registry builtin = options.families ? device_registry{} : builtin_families();
    net::experiment_spec spec = convert(ctx, doc, builtin_models(), options.families ? *options.families : builtin);
    // The run file must hold the text the run was really built from, as a config file.
    spec.config_text = text && ctx.overrides.empty() ? *text
                       : lenient.empty()             ? serialize(doc)
                                                     : serialize(as_config_file(doc, lenient));
    spec.config_source = source_name;
    spec.config_format = "toml";
    return spec;
}

}  // namespace

net::experiment_spec convert_config_table(const toml::table& doc, const std::string& source_name,
                                          const config_options& options) {
    return convert_document(doc, source_name, options, {}, nullptr);
}

net::experiment_spec parse_config_text(const std::string& text, const std::string& source_name,
                                       const std::vector<std::string>& overrides, const device_registry* families) {
    toml::table doc = parse_document(text, source_name);
    const device_registry builtin = families ? device_registry{} : builtin_families();
    std::vector<applied_override> applied =
        apply_overrides(doc, overrides, source_name, families ? *families : builtin);
    config_options options;
    options.families = families;
    options.base_dir = std::filesystem::path(source_name).parent_path();
    return convert_document(doc, source_name, options, std::move(applied), &text);
}

net::experiment_spec load_config(const std::string& path, const std::vector<std::string>& overrides,
                                 const device_registry* families) {
    error_site site;
    site.file = path;
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw io_error("the config path is a directory", site);
    std::ifstream in(path, std::ios::binary);
    if (!in) throw io_error("cannot open the config file", site);
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw io_error("cannot read the config file", site);
    return parse_config_text(text.str(), path, overrides, families);
}

}  // namespace fluxon::io
