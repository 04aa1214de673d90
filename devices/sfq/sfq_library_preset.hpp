#pragma once
// SFQ cell libraries: TOML data files (devices/sfq/presets/*.toml, compiled into fluxon) that
// describe each cell as a timed state machine with its sourced junction count and timing.
// The format (devices/sfq/presets/sfq_default.toml is the reference):
//
//   name, description
//   [technology]     critical_current (a current), bias_fraction, ersfq_dynamic_factor,
//                    cryo_factor, jitter_clip (numbers as strings, "0.7"), bias_voltage
//   [synapse_bias]   i50, width (currents): a stochastic synapse biased at I passes a fluxon
//                    with probability Phi((I - i50) / width)
//   [converter]      optional: jjs (a whole number), delay (a time) of the DC-to-SFQ converter
//                    that feeds network spikes into a circuit ([sfq] beside a network)
//   [cells.<name>]   description; inputs, outputs, states (lists of names; states[0] is the
//                    initial one); transitions = [{ from, on, to, fire = [...], setup, hold,
//                    stochastic }], one for every (state, input), those out of one state in
//                    their priority order (simultaneous inputs); jjs (a whole number), delay,
//                    setup, hold (times; setup and hold default to none), energy (optional
//                    calibrated energy per firing); kind = "integrate_and_fire" for the
//                    parametric neuron (no states or transitions)
//
// Every number is { value = ..., source = "..." }; mistakes are config_errors naming the
// file, line and dotted key.
#include <string>
#include <string_view>
#include <vector>

#include "devices/sfq/sfq_library.hpp"
#include "engine/base/errors.hpp"
#include "engine/base/loaded_preset.hpp"

namespace fluxon {

using sfq_library_preset = preset::loaded<sfq::library>;

std::vector<std::string> sfq_library_names();

// A shipped library by name, or a TOML file by path; errors as load_dram_preset's.
sfq_library_preset load_sfq_library(const std::string& name_or_path, const error_site& where);

sfq_library_preset parse_sfq_library(std::string_view text, const std::string& origin);

}  // namespace fluxon
