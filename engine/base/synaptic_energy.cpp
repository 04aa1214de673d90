#include "engine/base/synaptic_energy.hpp"

#include <limits>

namespace fluxon {

void add_synaptic_energy(stats_tree& stats, std::int64_t events, double energy) {
    stats.add("", "synaptic_events", events);
    stats.add("", "synaptic_energy", energy, "J");
    const double per_event = events > 0 ? energy / static_cast<double>(events) : std::numeric_limits<double>::quiet_NaN();
    stats.add("", "energy_per_synaptic_event", per_event, "J");
}

}  // namespace fluxon
