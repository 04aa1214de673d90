// `fluxon export-nir CONFIG -o model.nir`: the layers of a config file ([layers.*] and [nir])
// as a NIR graph (io/nir_export.hpp, docs/nir.md "Export").
#include <iostream>

#include <fmt/format.h>

#include "io/cli/commands.hpp"
#include "io/config.hpp"
#include "io/nir_export.hpp"

namespace fluxon::cli {

int export_nir_command(const export_nir_args& args) {
    const net::experiment_spec spec = io::load_config(args.config, args.overrides);
    const layer_registry kinds = builtin_layers();
    const io::nir_document doc = io::export_nir(spec, kinds);
    io::write_nir(doc, args.output);
    if (!args.quiet) {
        std::cout << fmt::format("{}: NIR {}, {} nodes, {} edges\n", args.output, doc.version, doc.graph.nodes.size(),
                                 doc.graph.edges.size())
                  << std::flush;
    }
    return exit_ok;
}

}  // namespace fluxon::cli
