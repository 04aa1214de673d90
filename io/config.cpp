#include "io/config.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>

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

net::experiment_spec convert(const config_context& ctx, const toml::table& doc) {
    const config_node root = config_node::root(ctx, doc);
    root.allow_only(schema_children(""));
    net::experiment_spec spec;
    spec.run = read_run(root.child("run"));
    spec.network.populations = read_populations(root.child("populations"));
    spec.network.projections = read_projections(root.child("projections"), spec.network.populations);
    spec.network.currents = read_currents(root.child("currents"));
    read_record(root.child("record"), spec.network.populations, spec);
    return spec;
}

std::string serialize(const toml::table& doc) {
    std::ostringstream out;
    out << doc << "\n";
    return out.str();
}

}  // namespace

net::experiment_spec parse_config_text(const std::string& text, const std::string& source_name,
                                       const std::vector<std::string>& overrides) {
    toml::table doc = parse_document(text, source_name);
    config_context ctx{source_name, std::filesystem::path(source_name).parent_path(), {}, builtin_models()};
    ctx.overrides = apply_overrides(doc, overrides, source_name);
    net::experiment_spec spec = convert(ctx, doc);
    // The run file must hold the text the run was really built from.
    spec.config_text = overrides.empty() ? text : serialize(doc);
    spec.config_source = source_name;
    spec.config_format = "toml";
    return spec;
}

net::experiment_spec load_config(const std::string& path, const std::vector<std::string>& overrides) {
    error_site site;
    site.file = path;
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw io_error("the config path is a directory", site);
    std::ifstream in(path, std::ios::binary);
    if (!in) throw io_error("cannot open the config file", site);
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw io_error("cannot read the config file", site);
    return parse_config_text(text.str(), path, overrides);
}

}  // namespace fluxon::io
