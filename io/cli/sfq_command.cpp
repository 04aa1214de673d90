#include <iostream>

#include <fmt/format.h>

#include "io/sfq_run.hpp"
#include "io/cli/commands.hpp"

namespace fluxon::cli {
namespace {

std::string si(double v, const char* unit) {
    const char* prefixes[] = {"z", "a", "f", "p", "n", "u", "m", "", "k", "M"};
    int i = 7;
    double x = v;
    while (x != 0 && std::abs(x) < 1 && i > 0) {
        x *= 1000;
        --i;
    }
    while (std::abs(x) >= 1000 && i < 9) {
        x /= 1000;
        ++i;
    }
    return fmt::format("{:.4g} {}{}", x, prefixes[i], unit);
}

}  // namespace

int sfq_command(const sfq_args& args) {
    sfq_run_options options;
    options.circuit = args.circuit;
    options.output = args.output;
    const sfq_run_result r = run_sfq_circuit(options);
    if (args.quiet) return exit_ok;
    std::string out;
    out += fmt::format("circuit:        {} ({} cells, {} JJs), library {}, {}\n", r.origin, r.cells, r.junctions,
                       r.library, r.technology);
    out += fmt::format("pulses:         {} events, {} firings, last at {:.3f} ps; {:.3g} events/s\n", r.events,
                       r.firings, static_cast<double>(r.end) * 1e-3,
                       r.wall_time > 0 ? static_cast<double>(r.events) / r.wall_time : 0.0);
    for (const sfq_trace& t : r.outputs) {
        out += fmt::format("  output {:<12} {} pulses", t.name, t.times.size());
        if (!t.times.empty()) out += fmt::format(", first at {:.3f} ps", static_cast<double>(t.times.front()) * 1e-3);
        out += "\n";
    }
    out += fmt::format("violations:     {} (policy {})\n", r.violations.size(), r.policy);
    for (std::size_t i = 0; i < r.violations.size() && i < 5; ++i) out += "  " + describe(r.violations[i]) + "\n";
    out += fmt::format("energy at 4 K:  {} (firings {}, bias {})\n", si(r.chip_energy, "J"), si(r.dynamic_energy, "J"),
                       si(r.bias_energy, "J"));
    out += fmt::format("wall plug:      {} (cryocooler {:g} W/W)\n", si(r.wall_plug_energy, "J"), r.cryo_factor);
    if (!args.output.empty()) out += fmt::format("run file:       {}\n", args.output);
    std::cout << out << std::flush;
    return exit_ok;
}

}  // namespace fluxon::cli
