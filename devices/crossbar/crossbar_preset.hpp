#pragma once
// Crossbar presets: TOML data files (devices/crossbar/presets/*.toml, compiled into fluxon)
// that give a compute-in-memory array family, every number with its source. The format:
//
//   name = "reram_neurosim"            # letters, digits, '_', '-', '.'
//   description = "what it models and its main source"
//   [array]       rows, columns, parallel_rows (rows driven in one read): whole numbers
//   [cell]        g_min, g_max (conductances, "10 uS"), bits_per_cell (1 to 8), v_read (a
//                 voltage), t_read (a time), read_energy (an energy per cell read; "0 J":
//                 V² × G × t from the programmed conductances, V = conduction_voltage and
//                 t = conduction_time, optional, defaulting to v_read and t_read)
//   [variation]   d2d_sigma, programming_sigma, stuck_on, stuck_off, read_sigma (fractions);
//                 pcm_programming, pcm_read_noise (true/false: aihwkit's PCM models);
//                 pcm_t_read (a time); drift ("none", "constant" or "pcm"), drift_nu_mean,
//                 drift_nu_std (numbers), drift_t0 (a time); wire_resistance (Ω per cell, "0 Ohm")
//   [periphery]   weight_bits (0: analog), encoding ("differential" or "offset"), input_bits,
//                 inputs ("bit_serial" or "levels"), adc_bits (0: ideal), adc_full_scale (a
//                 fraction of the largest column signal), adc_range (optional, "binary" or
//                 "symmetric": crossbar_params.hpp), columns_per_adc, t_adc (a time)
//   [costs]       read, row_drive, adc_conversion, shift_add, partial_sum, buffer,
//                 program_pulse: { energy = "...", latency = "...", source = "..." }
//   [chip]        max_arrays, program_pulses, endurance: whole numbers
//
// Every [array], [cell], [variation], [periphery] and [chip] entry is a table { value = ...,
// source = "..." } whose source is not blank: a paper, a simulator's code, or "estimate: <how
// derived>". The sources land in crossbar_params::sources under the dotted key.
#include <string>
#include <string_view>
#include <vector>

#include "devices/crossbar/crossbar_params.hpp"
#include "engine/base/errors.hpp"
#include "engine/base/loaded_preset.hpp"

namespace fluxon {

using crossbar_preset = preset::loaded<crossbar_params>;

// Names of the crossbar presets shipped with fluxon, sorted.
std::vector<std::string> crossbar_preset_names();

// A shipped preset by name, or a TOML file by path. Throws config_error at `where` for an
// unknown name, io_error for an unreadable file, config_error naming the file, line and key
// for a malformed preset.
crossbar_preset load_crossbar_preset(const std::string& name_or_path, const error_site& where);

crossbar_preset parse_crossbar_preset(std::string_view text, const std::string& origin);

}  // namespace fluxon
