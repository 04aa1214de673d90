#pragma once
// The digital neuromorphic chip family ([hardware], docs/hardware.md): cores with their
// capacities and fixed-point weights on a network-on-chip, optionally with the synaptic rows
// that do not fit on chip in DRAM. Registered in devices/builtin_families.cpp.
#include <memory>

#include "engine/device.hpp"

namespace fluxon {

std::unique_ptr<device_family> make_neuromorphic_family();

}  // namespace fluxon
