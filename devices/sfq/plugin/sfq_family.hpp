#pragma once
// SFQ circuits as a device family of the one engine: a circuit file beside a spiking network,
// driven window by window. Spikes of listed network neurons enter circuit input pins through a
// modelled DC-to-SFQ converter; the circuit's pulses, violations and energy are reported and
// charged like any device's (docs/sfq.md, "Beside a network"). Section:
//   [run] time_base = "fs"                 # required: pulses are timed in femtoseconds
//   [sfq]
//   circuit = "adder.toml"                 # relative to the config file
//   inputs = { "stim[0]" = "a", "stim[1]" = "b" }   # neuron -> circuit input pin
//   converter_delay = "11.4 ps"            # default: an estimate from the cell library
#include <memory>

#include "engine/device.hpp"

namespace fluxon {

std::unique_ptr<device_family> make_sfq_family();

}  // namespace fluxon
