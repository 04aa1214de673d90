#include "io/sfq_run.hpp"

#include <chrono>
#include <iostream>

#include <fmt/format.h>

#include "devices/sfq/sfq_energy.hpp"
#include "fluxon_version.hpp"
#include "devices/sfq/plugin/sfq_circuit.hpp"
#include "io/sfq_run_file.hpp"

namespace fluxon {
namespace {

std::string ps(tick_t fs_ticks) { return fmt::format("{:.3f} ps", static_cast<double>(fs_ticks) * 1e-3); }

sfq_violation_row row_of(const sfq::netlist& n, const sfq::violation& v) {
    const sfq::instance& inst = n.instances[v.instance];
    return {inst.name, inst.type->name, std::string(sfq::violation_name(v.kind)), inst.type->inputs[v.port],
            inst.type->inputs[v.other_port], v.time, v.other_time};
}

}  // namespace

sfq_violation_columns columns_of(const std::vector<sfq_violation_row>& rows) {
    sfq_violation_columns c;
    for (const sfq_violation_row& v : rows) {
        c.instance.push_back(v.instance);
        c.cell.push_back(v.cell);
        c.kind.push_back(v.kind);
        c.port.push_back(v.port);
        c.other_port.push_back(v.other_port);
        c.time.push_back(v.time);
        c.other_time.push_back(v.other_time);
    }
    return c;
}

std::string describe(const sfq_violation_row& v) {
    if (v.kind == "setup") {
        return fmt::format("setup violation at {} {} (t = {}): '{}' at {} arrived {} before '{}' at {}, less than the "
                           "setup time",
                           v.cell, v.instance, ps(v.time), v.other_port, ps(v.other_time), ps(v.time - v.other_time),
                           v.port, ps(v.time));
    }
    return fmt::format("hold violation at {} {} (t = {}): '{}' at {} arrived {} after '{}' at {}, inside the hold "
                       "window",
                       v.cell, v.instance, ps(v.time), v.port, ps(v.time), ps(v.time - v.other_time), v.other_port,
                       ps(v.other_time));
}

sfq_run_result run_sfq_circuit(const sfq_run_options& options) {
    const sfq_circuit c = options.text.empty()
                                  ? load_sfq_circuit(options.circuit)
                                  : parse_sfq_circuit(options.text, options.circuit.empty() ? "python" : options.circuit);
    sfq::sim_options so;
    so.seed = c.seed;
    so.jitter = c.jitter;
    so.stop = c.stop;
    so.stop_on_violation = c.policy == sfq::violation_policy::error;

    const auto t0 = std::chrono::steady_clock::now();
    const sfq::sim_result sim = sfq::simulate(c.net, c.library.params, so);
    sfq_run_result r;
    r.wall_time = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    r.library = c.library.params.name;
    r.library_origin = c.library.origin;
    r.technology = std::string(technology_name(c.tech));
    r.policy = std::string(policy_name(c.policy));
    r.origin = c.origin;
    r.seed = c.seed;
    r.jitter = c.jitter;
    r.cells = c.net.instances.size();
    r.events = sim.events;
    r.end = sim.end;
    for (const std::uint64_t f : sim.firings) r.firings += f;
    for (std::size_t k = 0; k < c.net.outputs.size(); ++k) r.outputs.push_back({c.net.outputs[k].name, sim.outputs[k]});
    for (std::size_t k = 0; k < c.net.recorded.size(); ++k) r.recorded.push_back({c.net.recorded[k].name, sim.recorded[k]});
    for (const sfq::violation& v : sim.violations) r.violations.push_back(row_of(c.net, v));

    ledger book;
    const double run_time = static_cast<double>(sim.end) * 1e-15;
    const sfq::energy_totals e = sfq::charge_sfq(book, c.net, c.library.params, c.tech, sim, run_time);
    r.junctions = e.junctions;
    r.ledger = book.columns();
    r.dynamic_energy = e.dynamic;
    r.bias_energy = e.bias;
    r.chip_energy = e.chip;
    r.cooling_energy = e.cooling;
    r.wall_plug_energy = e.wall_plug;
    r.cryo_factor = e.cryo_factor;

    if (!options.output.empty()) io::write_sfq_run_file(options.output, c, r);
    if (sim.stopped_on_violation) {
        const sfq::violation& v = sim.violations.back();
        error_site site = c.net.instances[v.instance].site;
        throw user_error(describe(r.violations.back()) +
                             " (policy \"error\"; set circuit.policy = \"warn\" or \"record\" to continue past it)",
                         site);
    }
    if (c.policy == sfq::violation_policy::warn) {
        // A margin study can violate on every clock; the run file and the result hold them all.
        constexpr std::size_t shown = 20;
        for (std::size_t i = 0; i < r.violations.size() && i < shown; ++i) {
            std::cerr << "fluxon: warning: " << describe(r.violations[i]) << "\n";
        }
        if (r.violations.size() > shown) {
            std::cerr << fmt::format("fluxon: warning: ... and {} more timing violations\n", r.violations.size() - shown);
        }
    }
    return r;
}

}  // namespace fluxon
