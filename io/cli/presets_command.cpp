#include <algorithm>
#include <iostream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "devices/builtin_families.hpp"
#include "io/cli/commands.hpp"

namespace fluxon::cli {

std::string presets_description() {
    const device_registry registry = builtin_families();
    std::vector<std::string> families;
    for (const device_family* f : registry.all()) {
        families.push_back(fmt::format("{} ([{}])", f->name(), f->section()));
    }
    return fmt::format("List the presets of every device family, or print one. Families: {}", fmt::join(families, ", "));
}

// Without a name: one line per shipped preset, family by family. With a name: its text, which
// a user copies to start a preset of their own.
int presets_command(const std::string& name) {
    const device_registry families = builtin_families();
    std::vector<std::string> all;
    for (const device_family* f : families.all()) {
        for (const std::string& preset : f->preset_names()) {
            if (preset == name) {
                std::cout << f->preset_text(name) << std::flush;
                return exit_ok;
            }
            all.push_back(preset);
        }
    }
    if (!name.empty()) {
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
    std::cout << "fluxon presets NAME prints a preset file; docs/<family>.md describes each format.\n";
    return exit_ok;
}

}  // namespace fluxon::cli
