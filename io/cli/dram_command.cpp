#include <iostream>

#include "io/dram_run.hpp"
#include "io/cli/commands.hpp"
#include "io/run_reader.hpp"

namespace fluxon::cli {

int dram_command(const dram_args& args) {
    dram_run_options options;
    options.trace = args.trace;
    options.preset = args.preset;
    options.output = args.output;
    run_dram_trace(options);
    if (!args.quiet) std::cout << io::summarize_run(args.output) << std::flush;
    return exit_ok;
}

}  // namespace fluxon::cli
