// `fluxon`: batch runs, sweeps, inspection and reports of run files from the command line.
// Exit codes: 0 success, 2 user error, 3 internal error, 130 interrupted (Ctrl-C).
#include <exception>
#include <iostream>
#include <new>

#include <CLI/CLI.hpp>
#include <hdf5.h>

#include "engine/base/errors.hpp"
#include "fluxon_version.hpp"
#include "io/cli/commands.hpp"

namespace {

using namespace fluxon::cli;

void add_run(CLI::App& app, run_args& args) {
    CLI::App* cmd = app.add_subcommand("run", "Run one experiment from a config file");
    cmd->add_option("config", args.config, "Config file (TOML, see docs/config.md)")->required();
    cmd->add_option("-o,--output", args.output, "Run file to write (HDF5, see docs/run_file.md)")->required();
    cmd->add_option("--threads", args.threads, "Threads for the run (overrides run.threads)")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--seed", args.seed, "Random seed (overrides run.seed)")
        ->each([&args](const std::string&) { args.seed_given = true; });
    cmd->add_option("--set", args.overrides, "Override a config value: key=value, e.g. run.seed=3 (repeatable)")
        ->allow_extra_args(false);
    cmd->add_flag("-q,--quiet", args.quiet, "No progress bar and no summary");
    cmd->add_flag("--force", args.force, "Replace the run file if it exists");
}

void add_sweep(CLI::App& app, sweep_args& args) {
    CLI::App* cmd = app.add_subcommand("sweep", "Run the grid of --set values (linked keys step together), one run file each");
    cmd->add_option("config", args.config, "Config file (TOML, see docs/config.md)")->required();
    cmd->add_option("--set", args.axes, "A swept key and its values: key=v1,v2,... (repeatable)")
        ->allow_extra_args(false)
        ->required();
    cmd->add_option("--link", args.links,
                    "Swept keys that step together instead of spanning a grid: key1,key2,... (repeatable)")
        ->allow_extra_args(false);
    cmd->add_option("-d,--dir", args.outdir, "Output directory for run_NNNN.h5, index.json and index.h5")->required();
    cmd->add_option("-j,--jobs", args.jobs, "Runs at once (default: cores / threads per run)")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--threads", args.threads, "Threads per run (overrides run.threads)")
        ->check(CLI::PositiveNumber);
    cmd->add_flag("-q,--quiet", args.quiet, "No per-run progress lines");
    cmd->add_flag("--force", args.force,
                  "Sweep into a directory that is not empty, removing an earlier sweep's index, run files and report");
}

void add_dram(CLI::App& app, dram_args& args) {
    CLI::App* cmd = app.add_subcommand("dram", "Serve a DRAM address trace (DRAMSim3 format) on a modelled memory");
    cmd->add_option("trace", args.trace, "Trace file: '<address> <READ|WRITE> <cycle>' per line")->required();
    cmd->add_option("-o,--output", args.output, "Run file to write (HDF5, see docs/run_file.md)")->required();
    cmd->add_option("--preset", args.preset, "DRAM preset name or preset file (see fluxon presets)");
    cmd->add_flag("-q,--quiet", args.quiet, "No summary");
    cmd->add_flag("--force", args.force, "Replace the run file if it exists");
}

void add_sfq(CLI::App& app, sfq_args& args) {
    CLI::App* cmd = app.add_subcommand("sfq", "Simulate an SFQ circuit at pulse level (see docs/sfq.md)");
    cmd->add_option("circuit", args.circuit, "Circuit file (TOML, see docs/sfq.md)")->required();
    cmd->add_option("-o,--output", args.output, "Run file to write (HDF5, see docs/run_file.md)");
    cmd->add_flag("-q,--quiet", args.quiet, "No summary");
    cmd->add_flag("--force", args.force, "Replace the run file if it exists");
}

void add_nir(CLI::App& app, nir_args& args) {
    CLI::App* cmd = app.add_subcommand("nir", "Run a NIR graph on an input array (see docs/nir.md)");
    cmd->add_option("model", args.model, "NIR file (.nir, HDF5)")->required();
    cmd->add_option("--input", args.input,
                    "Input array [steps, *shape]: a .npy file, FILE.npz:name or FILE.h5:/dataset")->required();
    cmd->add_option("--dt", args.dt, "Time step, e.g. \"0.1 ms\" (NIR files do not store it)")->required();
    cmd->add_option("--integration", args.integration, "euler (default) or exact");
    cmd->add_option("--reset", args.reset, "hard (NIR's, default) or subtract (snnTorch's default)");
    cmd->add_option("-o,--output", args.output, "Run file to write (HDF5, see docs/run_file.md)");
    cmd->add_flag("-q,--quiet", args.quiet, "No summary");
    cmd->add_flag("--force", args.force, "Replace the run file if it exists");
}

void add_export_nir(CLI::App& app, export_nir_args& args) {
    CLI::App* cmd = app.add_subcommand("export-nir", "Write the layers of a config file as a NIR graph (see docs/nir.md)");
    cmd->add_option("config", args.config, "Config file (TOML) with [layers.*] or [nir] sections")->required();
    cmd->add_option("-o,--output", args.output, "NIR file to write (.nir, HDF5)")->required();
    cmd->add_option("--set", args.overrides, "Override a config value: key=value (repeatable)")->allow_extra_args(false);
    cmd->add_flag("-q,--quiet", args.quiet, "No summary");
}

void add_report(CLI::App& app, report_args& args) {
    CLI::App* cmd = app.add_subcommand("report", "Figures and an index.html of a run file or a sweep (see docs/analysis.md)");
    cmd->add_option("source", args.source, "Run file (HDF5), or a sweep's index.json or directory")->required();
    cmd->add_option("-o,--output", args.output,
                    "Directory to write (default: RUN_report/ beside a run file, report/ in a sweep's directory)");
}

int dispatch(int argc, char** argv) {
    CLI::App app{"fluxon: event-driven simulation of spiking and neuromorphic systems"};
    app.set_version_flag("--version", fluxon::version);
    app.require_subcommand(1);
    run_args run;
    sweep_args sweep;
    std::string inspect_path;
    add_run(app, run);
    add_sweep(app, sweep);
    dram_args dram;
    add_dram(app, dram);
    sfq_args sfq;
    add_sfq(app, sfq);
    nir_args nir;
    add_nir(app, nir);
    export_nir_args export_nir;
    add_export_nir(app, export_nir);
    report_args report;
    add_report(app, report);
    app.add_subcommand("inspect", "Summarize a run file")
        ->add_option("run_file", inspect_path, "Run file (HDF5)")->required();
    std::string model_name;
    app.add_subcommand("models", "List the neuron models and layer kinds with their parameters, or show one")
        ->add_option("name", model_name, "A model or layer kind to show");
    std::string preset_name;
    app.add_subcommand("presets", presets_description())
        ->add_option("name", preset_name, "A preset name or preset file to print");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? exit_ok : exit_user_error;
    }
    if (app.got_subcommand("run")) return run_command(run);
    if (app.got_subcommand("sweep")) return sweep_command(sweep);
    if (app.got_subcommand("dram")) return dram_command(dram);
    if (app.got_subcommand("sfq")) return sfq_command(sfq);
    if (app.got_subcommand("nir")) return nir_command(nir);
    if (app.got_subcommand("export-nir")) return export_nir_command(export_nir);
    if (app.got_subcommand("inspect")) return inspect_command(inspect_path);
    if (app.got_subcommand("report")) return report_command(report);
    if (app.got_subcommand("presets")) return presets_command(preset_name);
    return models_command(model_name);
}

}  // namespace

int main(int argc, char** argv) {
    // HDF5 1.10 crashes at exit closing a file whose flush failed (a full disk the writers did
    // not see coming; they let such a file go, h5::file::close); fluxon closes its files itself.
    H5dont_atexit();
    try {
        return dispatch(argc, argv);
    } catch (const fluxon::user_error& e) {
        std::cerr << "fluxon: error: " << e.what() << std::endl;
        return exit_user_error;
    } catch (const std::bad_alloc&) {
        // Not a bug: the run needed more memory than the machine gave it.
        std::cerr << "fluxon: error: out of memory: the run needs more memory than this machine has available; "
                     "make the network or the recordings smaller"
                  << std::endl;
        return exit_user_error;
    } catch (const std::exception& e) {
        std::cerr << "fluxon: internal error: " << e.what() << std::endl;
        return exit_internal_error;
    } catch (...) {
        std::cerr << "fluxon: internal error: unknown exception" << std::endl;
        return exit_internal_error;
    }
}
