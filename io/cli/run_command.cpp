#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <optional>

#include <fmt/format.h>

#include "devices/builtin_families.hpp"
#include "engine/simulation.hpp"
#include "io/cli/commands.hpp"
#include "io/cli/interrupt.hpp"
#include "io/cli/progress.hpp"
#include "io/config.hpp"
#include "io/run_file_output.hpp"
#include "io/run_reader.hpp"
#include "io/run_writer.hpp"

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

int run_experiment(const net::experiment_spec& spec, const std::string& output, bool quiet, bool force) {
    if (!output.empty()) io::refuse_existing_output(output, force, "--force");
    // The network refers to its models and devices to their families for the whole run, so
    // the registries outlive it.
    const model_registry models = builtin_models();
    const device_registry families = builtin_families();
    simulation sim(spec, models, families);

    progress_bar bar(stderr);
    std::optional<io::run_file_output> file;
    if (!output.empty()) file.emplace(output, sim);
    run_options options;
    options.output = file ? &*file : nullptr;
    options.keep_in_memory = false;
    options.stop = &interrupt_flag();
    if (!quiet && isatty(STDERR_FILENO)) {
        options.progress = [&bar](double t_reached, double t_end) { bar.update(t_reached, t_end); };
    }
    catch_interrupts();
    const run_result result = sim.run(options);
    bar.finish();

    if (!quiet) {
        if (file) {
            std::cout << io::summarize_run(output) << std::flush;
        } else {
            for (const device_report& d : result.devices) {
                std::cout << io::format_device_summary(io::summarize_device(d));
            }
            std::cout << std::flush;
        }
    }
    if (result.status == "interrupted") {
        std::cerr << fmt::format("fluxon: interrupted at t = {:g} s{}\n", result.time_reached,
                                 file ? fmt::format("; {} holds the run up to there", output) : "");
        return exit_interrupted;
    }
    return exit_ok;
}

int run_command(const run_args& args) {
    return run_experiment(io::load_config(args.config, all_overrides(args)), args.output, args.quiet, args.force);
}

int inspect_command(const std::string& path) {
    std::cout << io::summarize_run(path) << std::flush;
    return exit_ok;
}

}  // namespace fluxon::cli
