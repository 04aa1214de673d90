#pragma once
// Energy of DRAM commands and background from a part's IDD currents, with DRAMSim3's formulas
// (core energy; the interface's energy per bit is added when the preset gives one):
//   ACT+PRE pair  VDD · (IDD0·tRC − (IDD3N·tRAS + IDD2N·tRP)) · tCK · devices
//   RD burst      VDD · (IDD4R − IDD3N) · tBURST · tCK · devices   (+ io_energy_per_bit · bits)
//   WR burst      VDD · (IDD4W − IDD3N) · tBURST · tCK · devices   (+ io_energy_per_bit · bits)
//   REF           VDD · (IDD5AB − IDD3N) · tRFC · tCK · devices
//   REFB          VDD · (IDD5PB − IDD3N) · tRFCpb · tCK · devices   (per-bank refresh)
//   background    VDD · IDD3N (a bank open) or VDD · IDD2N (all closed) · devices, per rank
#include "devices/dram/dram_controller.hpp"
#include "engine/base/ledger.hpp"

namespace fluxon {

struct dram_energies {
    double act_pre = 0, read = 0, write = 0, refresh = 0, refresh_bank = 0;  // J per command (pair for ACT+PRE)
    double active_standby = 0, precharged_standby = 0;     // W per rank
};

dram_energies dram_energies_of(const dram_params& params);

// Charges what a run did into `book`: per channel "dram/channel[c]" actions act_pre (counted
// per ACT), read, write and refresh (refresh_bank with per-bank refresh), and its background (static) energy as components
// "dram/channel[c]/active_standby" and ".../precharged_standby" with action "static", counted
// in clocks. Sources name the preset's IDD values and the formula.
void charge_dram(ledger& book, const dram_params& params, const dram_stats& stats);

}  // namespace fluxon
