#include "devices/builtin_families.hpp"

#include "devices/crossbar/plugin/crossbar_family.hpp"
#include "devices/dram/plugin/dram_family.hpp"
#include "devices/neuromorphic/plugin/neuromorphic_family.hpp"
#include "devices/sfq/plugin/sfq_family.hpp"

namespace fluxon {

// Devices attach in this order: families that compute projections before families that host
// neurons, which then map only the synapses left to them; families that only listen (rows
// read from DRAM, SFQ circuits fed by spikes) last.
device_registry builtin_families() {
    device_registry registry;
    registry.add(make_crossbar_family());
    registry.add(make_neuromorphic_family());
    registry.add(make_dram_family());
    registry.add(make_sfq_family());
    return registry;
}

}  // namespace fluxon
