#include <iostream>

#include <fmt/format.h>

#include "io/chip_preset.hpp"
#include "io/cli/commands.hpp"

namespace fluxon::cli {

// Without a name: one line per shipped preset. With a name (or a preset file): its text, which
// a user copies to start a preset of their own.
int presets_command(const std::string& name) {
    if (!name.empty()) {
        std::cout << io::load_chip_preset(name, {.key = "presets"}).text << std::flush;
        return exit_ok;
    }
    for (const std::string& preset : io::chip_preset_names()) {
        const chip_params& c = io::load_chip_preset(preset, {}).params;
        std::cout << fmt::format("{:<12} {} cores x {} neurons, {}; {}\n", preset, c.cores(), c.neurons_per_core.value,
                                 c.noc.topology == noc_topology_kind::mesh ? "mesh" : "tree", c.description);
    }
    std::cout << "fluxon presets NAME prints a preset file; docs/hardware.md describes the format.\n";
    return exit_ok;
}

}  // namespace fluxon::cli
