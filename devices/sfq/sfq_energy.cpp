#include "devices/sfq/sfq_energy.hpp"

#include <map>

#include <fmt/format.h>

namespace fluxon::sfq {

energy_totals charge_sfq(ledger& book, const netlist& n, const library& lib, technology tech,
                         const sim_result& r, double run_time) {
    const technology_params& t = lib.tech;
    const double ic = t.critical_current.value;
    const bool ersfq = tech == technology::ersfq;
    const double factor = ersfq ? t.ersfq_dynamic_factor.value : 1.0;
    energy_totals e;
    e.cryo_factor = t.cryo_factor.value;

    // Firings and junctions per cell type, in the library's (sorted) order for stable ledgers.
    std::map<std::string, std::uint64_t> fired;
    for (std::size_t i = 0; i < n.instances.size(); ++i) {
        const cell_type& ct = *n.instances[i].type;
        fired[ct.name] += r.firings[i];
        e.junctions += ct.jjs;
    }
    book.set_run_time(run_time);
    for (const auto& [name, count] : fired) {
        const cell_type& ct = *lib.find(name);
        action_cost cost;
        if (ct.energy_per_firing.value > 0) {
            cost.energy = ct.energy_per_firing.value * factor;
            cost.source = ct.energy_per_firing.source;
        } else {
            cost.energy = ct.jjs * ic * flux_quantum * factor;
            cost.source = fmt::format("derived: {} JJs ({}) x I_c = {:g} uA ({}) x Phi0{}", ct.jjs, ct.jjs_source,
                                      ic * 1e6, t.critical_current.source,
                                      ersfq ? fmt::format(" x {:g} for ERSFQ ({})", factor,
                                                          t.ersfq_dynamic_factor.source)
                                            : "");
        }
        book.charge(book.add_action("sfq/" + name, "fire", cost), count);
        e.dynamic += cost.energy * static_cast<double>(count);
    }
    if (ersfq) {
        book.add_static("sfq/bias", 0.0,
                        "ERSFQ: bias through inductors and limiter junctions, no static dissipation (Mukhanov, "
                        "IEEE TAS 2011; hardware_models.md 3b [mem])");
    } else {
        const double power = static_cast<double>(e.junctions) * t.bias_fraction.value * ic * t.bias_voltage.value;
        book.add_static("sfq/bias", power,
                        fmt::format("derived: {} JJs x I_b = {:g} I_c ({}) x V_b = {:g} mV ({})", e.junctions,
                                    t.bias_fraction.value, t.bias_fraction.source, t.bias_voltage.value * 1e3,
                                    t.bias_voltage.source));
        e.bias = power * run_time;
    }
    e.chip = e.dynamic + e.bias;
    e.cooling = e.chip * e.cryo_factor;
    e.wall_plug = e.chip + e.cooling;
    book.charge(book.add_action("sfq/cryocooler", "cooling",
                                {e.cooling, 0,
                                 fmt::format("derived: {:g} W/W at 4 K ({}) x the chip's energy", e.cryo_factor,
                                             t.cryo_factor.source)}),
                1);
    return e;
}

}  // namespace fluxon::sfq
