// `fluxon dram`, `fluxon sfq` and `fluxon nir`: shorthands that write the config a user would
// write (a device run alone: [run] and one device section; a NIR graph: [run] and [nir]; no
// populations, no duration) and run it as `fluxon run` does.
#include <filesystem>
#include <sstream>

#include <toml++/toml.h>

#include "io/cli/commands.hpp"
#include "io/config.hpp"

namespace fluxon::cli {
namespace {

// Paths from the command line are the working directory's; the config names them absolutely.
std::string absolute_if_file(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return path;
    return std::filesystem::absolute(path, ec).lexically_normal().string();
}

int run_config(const toml::table& config, const std::string& command, const std::string& output, bool quiet,
               bool force) {
    std::ostringstream text;
    text << config << "\n";
    return run_experiment(io::parse_config_text(text.str(), "fluxon " + command), output, quiet, force);
}

}  // namespace

int dram_command(const dram_args& args) {
    // Clock times are whole picoseconds only in some presets: dt = 1 ps rounds the run's end up
    // to the next picosecond; the device reports its exact busy_until.
    const toml::table config{
            {"run", toml::table{{"dt", "1 ps"}}},
            {"dram", toml::table{{"preset", absolute_if_file(args.preset)}, {"trace", absolute_if_file(args.trace)}}},
    };
    return run_config(config, "dram", args.output, args.quiet, args.force);
}

int sfq_command(const sfq_args& args) {
    const toml::table config{
            {"run", toml::table{{"time_base", "fs"}, {"dt", "1 fs"}}},
            {"sfq", toml::table{{"circuit", absolute_if_file(args.circuit)}, {"inputs", toml::table{}}}},
    };
    return run_config(config, "sfq", args.output, args.quiet, args.force);
}

int nir_command(const nir_args& args) {
    const toml::table config{
            {"run", toml::table{{"dt", args.dt}}},
            {"nir", toml::table{{"file", absolute_if_file(args.model)},
                                {"input", toml::table{{"file", absolute_if_file(args.input)}}},
                                {"integration", args.integration},
                                {"reset", args.reset}}},
    };
    return run_config(config, "nir", args.output, args.quiet, args.force);
}

}  // namespace fluxon::cli
