#pragma once
// A device family that lives only in the tests, to prove what adding a family costs (one
// folder and one registry line, docs/architecture.md): a counter that charges a fixed energy
// per spike of the populations it watches. Section:
//   [spike_counter]
//   energy_per_spike = "2 pJ"        # required
//   populations = ["exc"]            # default: every population
#include <memory>

#include "engine/device.hpp"

namespace fluxon::test {

std::unique_ptr<device_family> make_spike_counter_family();

}  // namespace fluxon::test
