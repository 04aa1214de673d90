#pragma once
// The DRAM family ([dram], docs/dram.md): the synaptic rows of chosen projections live in a
// modelled DRAM and are read whenever their presynaptic neuron spikes, as an accelerator that
// streams its weights from memory does. The memory is served window by window on the run's
// time base (FR-FCFS controller, every timing rule of the preset, IDD energy); the network runs
// as it would (annotated: rows late for their step are counted, not waited for).
// Registered in devices/builtin_families.cpp.
#include <memory>

#include "engine/device.hpp"

namespace fluxon {

std::unique_ptr<device_family> make_dram_family();

}  // namespace fluxon
