#pragma once
// The crossbar family ([crossbar], docs/crossbar.md): projections computed in resistive or SRAM
// compute-in-memory arrays, with device variation, noise, drift and converter resolution.
// Registered in devices/builtin_families.cpp.
#include <memory>

#include "engine/device.hpp"

namespace fluxon {

std::unique_ptr<device_family> make_crossbar_family();

}  // namespace fluxon
