#include <iostream>

#include <fmt/format.h>

#include <algorithm>

#include "devices/neuromorphic/chip_preset.hpp"
#include "devices/crossbar/crossbar_preset.hpp"
#include "devices/sfq/sfq_library_preset.hpp"
#include "devices/dram/dram_preset.hpp"
#include "io/cli/commands.hpp"

namespace fluxon::cli {

// Without a name: one line per shipped preset. With a name (or a preset file): its text, which
// a user copies to start a preset of their own.
int presets_command(const std::string& name) {
    if (!name.empty()) {
        const auto dram = dram_preset_names();
        const auto crossbar = crossbar_preset_names();
        const bool is_dram = std::find(dram.begin(), dram.end(), name) != dram.end();
        const auto sfq = sfq_library_names();
        const bool is_crossbar = std::find(crossbar.begin(), crossbar.end(), name) != crossbar.end();
        const bool is_sfq = std::find(sfq.begin(), sfq.end(), name) != sfq.end();
        std::cout << (is_dram       ? load_dram_preset(name, {.key = "presets"}).text
                      : is_crossbar ? load_crossbar_preset(name, {.key = "presets"}).text
                      : is_sfq      ? load_sfq_library(name, {.key = "presets"}).text
                                    : load_chip_preset(name, {.key = "presets"}).text)
                  << std::flush;
        return exit_ok;
    }
    std::cout << "chips ([hardware] preset):\n";
    for (const std::string& preset : chip_preset_names()) {
        const chip_params& c = load_chip_preset(preset, {}).params;
        std::cout << fmt::format("  {:<12} {} cores x {} neurons, {}; {}\n", preset, c.cores(),
                                 c.neurons_per_core.value, c.noc.topology == noc_topology_kind::mesh ? "mesh" : "tree",
                                 c.description);
    }
    std::cout << "memories (fluxon dram --preset):\n";
    for (const std::string& preset : dram_preset_names()) {
        const dram_params& d = load_dram_preset(preset, {}).params;
        std::cout << fmt::format("  {:<12} {} GiB, {:.4g} GB/s peak; {}\n", preset,
                                 static_cast<double>(d.org.capacity_bytes()) / (1u << 30),
                                 d.org.burst_bytes * d.org.channels / (d.timing.burst * d.timing.tck) / 1e9,
                                 d.description);
    }
    std::cout << "crossbars ([crossbar] preset):\n";
    for (const std::string& preset : crossbar_preset_names()) {
        const crossbar_params& x = load_crossbar_preset(preset, {}).params;
        std::cout << fmt::format("  {:<16} {}x{} cells, {}; {}\n", preset, x.geometry.rows, x.geometry.columns,
                                 x.periphery.weight_bits > 0 ? fmt::format("{}-bit weights", x.periphery.weight_bits)
                                                             : std::string("analog weights"),
                                 x.description);
    }
    std::cout << "SFQ cell libraries (fluxon sfq, circuit library):\n";
    for (const std::string& preset : sfq_library_names()) {
        const sfq::library& l = load_sfq_library(preset, {}).params;
        std::cout << fmt::format("  {:<16} {} cells; {}\n", preset, l.cells.size(), l.description);
    }
    std::cout << "fluxon presets NAME prints a preset file; docs/hardware.md, docs/dram.md, docs/crossbar.md and docs/sfq.md describe the formats.\n";
    return exit_ok;
}

}  // namespace fluxon::cli
