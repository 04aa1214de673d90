#pragma once
// The subcommands of the `fluxon` executable. Each returns the process exit code; user errors
// propagate as fluxon::user_error and are turned into exit code 2 by main().
#include <cstdint>
#include <string>
#include <vector>

#include "networks/spec.hpp"

namespace fluxon::cli {

enum exit_code : int {
    exit_ok = 0,
    exit_user_error = 2,
    exit_internal_error = 3,
    exit_interrupted = 130,  // 128 + SIGINT, what shells report for a Ctrl-C
};

struct run_args {
    std::string config, output;
    std::vector<std::string> overrides;  // --set key=value, in order
    int threads = 0;                     // 0: as the config says
    bool seed_given = false;
    std::uint64_t seed = 0;
    bool quiet = false;
    bool force = false;  // --force: replace an existing run file
};

struct sweep_args {
    std::string config, outdir;
    std::vector<std::string> axes;   // --set key=v1,v2,...
    std::vector<std::string> links;  // --link key1,key2,...: swept keys that step together
    int jobs = 0;                   // 0: cores / threads per run
    int threads = 0;                // 0: as the config says
    bool quiet = false;
    bool force = false;             // --force: sweep into a non-empty directory, replacing an earlier sweep
};

struct dram_args {
    std::string trace, output;
    std::string preset = "ddr4_3200";
    bool quiet = false;
    bool force = false;
};

struct sfq_args {
    std::string circuit, output;
    bool quiet = false;
    bool force = false;
};

struct nir_args {
    std::string model, input, dt, output;
    std::string integration = "euler", reset = "hard";
    bool quiet = false;
    bool force = false;
};

struct export_nir_args {
    std::string config, output;
    std::vector<std::string> overrides;  // --set key=value, in order
    bool quiet = false;
};

struct report_args {
    std::string source;  // a run file, or a sweep's index.json or directory
    std::string output;  // "": fluxon.report's default
};

int run_command(const run_args& args);
// Runs `spec` as `fluxon run` does: a run file at `output` (none when empty) and a summary.
// An existing `output` is refused (io_error) unless `force`.
int run_experiment(const net::experiment_spec& spec, const std::string& output, bool quiet, bool force);
int dram_command(const dram_args& args);
int sweep_command(const sweep_args& args);
int sfq_command(const sfq_args& args);
int nir_command(const nir_args& args);
int export_nir_command(const export_nir_args& args);
int inspect_command(const std::string& path);
// Runs fluxon.report on Python (io/cli/report_command.cpp); returns only on failure.
int report_command(const report_args& args);
// Every model and layer kind, or the one called `name`.
int models_command(const std::string& name);
int presets_command(const std::string& name);
// The help line of `fluxon presets`: every device family with its config section.
std::string presets_description();

}  // namespace fluxon::cli
