#include <unistd.h>

#include <cstdio>
#include <iostream>

#include <fmt/format.h>

#include "devices/builtin_families.hpp"
#include "engine/simulation.hpp"
#include "io/cli/commands.hpp"
#include "io/cli/interrupt.hpp"
#include "io/cli/progress.hpp"
#include "io/config.hpp"
#include "io/run_file_output.hpp"
#include "io/run_reader.hpp"

namespace fluxon::cli {
namespace {

// --seed and --threads are overrides like any --set, so the stored config text says what ran.
std::vector<std::string> all_overrides(const run_args& args) {
    std::vector<std::string> overrides = args.overrides;
    if (args.seed_given) overrides.push_back(fmt::format("run.seed={}", args.seed));
    if (args.threads > 0) overrides.push_back(fmt::format("run.threads={}", args.threads));
    return overrides;
}

}  // namespace

int run_command(const run_args& args) {
    const net::experiment_spec spec = io::load_config(args.config, all_overrides(args));
    // The network refers to its models and devices to their families for the whole run, so
    // the registries outlive it.
    const model_registry models = builtin_models();
    const device_registry families = builtin_families();
    simulation sim(spec, models, families);

    progress_bar bar(stderr);
    io::run_file_output file(args.output, sim);
    run_options options;
    options.output = &file;
    options.keep_in_memory = false;
    options.stop = &interrupt_flag();
    if (!args.quiet && isatty(STDERR_FILENO)) {
        options.progress = [&bar](double t_reached, double t_end) { bar.update(t_reached, t_end); };
    }
    catch_interrupts();
    const run_result result = sim.run(options);
    bar.finish();

    if (!args.quiet) std::cout << io::summarize_run(args.output) << std::flush;
    if (result.status == "interrupted") {
        std::cerr << fmt::format("fluxon: interrupted at t = {:g} s; {} holds the run up to there\n",
                                 result.time_reached, args.output);
        return exit_interrupted;
    }
    return exit_ok;
}

int inspect_command(const std::string& path) {
    std::cout << io::summarize_run(path) << std::flush;
    return exit_ok;
}

}  // namespace fluxon::cli
