#pragma once
// Energy per synaptic event, per device. A run's network may spread its projections over
// several devices (some on a chip's cores, some in crossbar arrays, some in software), so the
// run-wide ratio of all energy to all synaptic events describes none of them. Each device that
// processes synaptic events reports its own: the energy of its synaptic actions (the actions
// that deliver synaptic events, as its family defines them) over the synaptic events it
// processed. io, `fluxon inspect` and Python read these statistics without knowing the family.
#include <cstdint>

#include "engine/base/stats.hpp"

namespace fluxon {

// Adds the statistics `synaptic_events` (count), `synaptic_energy` (J) and
// `energy_per_synaptic_event` (J; NaN without events) at the device's top level.
void add_synaptic_energy(stats_tree& stats, std::int64_t events, double energy);

}  // namespace fluxon
