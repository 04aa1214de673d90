#pragma once
// The device families fluxon ships, in a registry built anew for each caller (no singleton).
#include "engine/device.hpp"

namespace fluxon {

device_registry builtin_families();

}  // namespace fluxon
