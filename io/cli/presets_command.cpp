#include <algorithm>
#include <iostream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "devices/builtin_families.hpp"
#include "devices/sfq/sfq_library_preset.hpp"
#include "io/cli/commands.hpp"

namespace fluxon::cli {
namespace {

bool listed(const std::vector<std::string>& names, const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

// Without a name: one line per shipped preset, family by family. With a name (or a preset
// file): its text, which a user copies to start a preset of their own.
int presets_command(const std::string& name) {
    const device_registry families = builtin_families();
    if (!name.empty()) {
        for (const device_family* f : families.all()) {
            if (listed(f->preset_names(), name)) {
                std::cout << f->preset_text(name) << std::flush;
                return exit_ok;
            }
        }
        // SFQ circuits are not a device family yet (docs/architecture.md).
        if (listed(sfq_library_names(), name)) {
            std::cout << load_sfq_library(name, {}).text << std::flush;
            return exit_ok;
        }
        std::vector<std::string> all = sfq_library_names();
        for (const device_family* f : families.all()) {
            for (const std::string& n : f->preset_names()) all.push_back(n);
        }
        std::sort(all.begin(), all.end());
        throw config_error(fmt::format("'{}' is not a shipped preset; they are: {} (a preset file is read where a "
                                       "config names it)",
                                       name, fmt::join(all, ", ")),
                           {.key = "presets"});
    }
    for (const device_family* f : families.all()) {
        std::cout << fmt::format("{} ([{}] preset):\n", f->name(), f->section());
        for (const std::string& preset : f->preset_names()) {
            std::cout << fmt::format("  {:<16} {}\n", preset, f->preset_summary(preset));
        }
    }
    std::cout << "sfq cell libraries (fluxon sfq, circuit library):\n";
    for (const std::string& preset : sfq_library_names()) {
        const sfq::library& l = load_sfq_library(preset, {}).params;
        std::cout << fmt::format("  {:<16} {} cells; {}\n", preset, l.cells.size(), l.description);
    }
    std::cout << "fluxon presets NAME prints a preset file; docs/hardware.md, docs/dram.md, docs/crossbar.md and "
                 "docs/sfq.md describe the formats.\n";
    return exit_ok;
}

}  // namespace fluxon::cli
