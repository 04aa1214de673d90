#pragma once
// DRAM presets: TOML data files (devices/dram/presets/*.toml, compiled into fluxon) that give a
// DRAM part and its controller, every number with its source. The format:
//
//   name = "ddr4_3200"                  # letters, digits, '_', '-', '.'
//   description = "what it models and its main source"
//   [organization]    channels, ranks, bankgroups, banks_per_group, rows, columns (per row, in
//                     bursts), burst_bytes, devices_per_rank: whole numbers; all but
//                     devices_per_rank powers of two
//   [timing]          tck (a time, "0.625 ns"); in clocks (whole numbers): cl, cwl, burst, rcd,
//                     rp, ras, rc, ccd_s, ccd_l, rrd_s, rrd_l, faw, wr, wtr_s, wtr_l, rtp, rtrs,
//                     refi, rfc; optional rcd_wr (ACT→WR where the standard separates it from
//                     ACT→RD = rcd, as HBM2's tRCDWR; default rcd), refi_pb and rfc_pb (per-bank
//                     refresh interval and duration, for controller.refresh = "bank")
//   [power]           vdd (a voltage, "1.2 V"); idd0, idd2n, idd3n, idd4r, idd4w, idd5ab (currents
//                     of one device, "57 mA"); io_energy_per_bit (an energy, "0 pJ"); optional
//                     idd5pb (during a per-bank refresh)
//   [controller]      address_mapping (DRAMSim3's notation, "rochrababgco"), page_policy ("open" or
//                     "closed"), read_queue, write_queue, write_high, write_low (whole numbers);
//                     optional booleans posted_writes (default false), write_buffer_reads,
//                     merge_reads, merge_writes (default true); command_delay (clocks) and
//                     write_idle_drain (writes), default 0; refresh ("rank", the default, or
//                     "bank"); see dram_params
//
// Every entry is a table { value = ..., source = "..." } whose source is not blank: a paper,
// datasheet or simulator config, or "estimate: <how derived>". The sources land in
// dram_params::sources under the dotted key ("timing.cl"). Quantities need their units. The
// reader checks what the model relies on: rc >= ras + rp, refi > rfc, the _l timings at least
// the _s ones, a mapping naming each of ro ch ra bg ba co once, and
// write_low < write_high <= write_queue.
#include <string>
#include <string_view>
#include <vector>

#include "devices/dram/dram_params.hpp"
#include "engine/base/errors.hpp"
#include "engine/base/loaded_preset.hpp"

namespace fluxon {

using dram_preset = preset::loaded<dram_params>;

// Names of the DRAM presets shipped with fluxon, sorted.
std::vector<std::string> dram_preset_names();

// A shipped preset by name, or a TOML file by path (anything containing '/' or ending in
// ".toml" is a path). Throws config_error at `where` for an unknown name (listing the shipped
// ones), io_error for an unreadable file, and config_error naming the file, line and key for
// a malformed preset.
dram_preset load_dram_preset(const std::string& name_or_path, const error_site& where);

// Parses preset text; `origin` is named in errors as the file.
dram_preset parse_dram_preset(std::string_view text, const std::string& origin);

}  // namespace fluxon
