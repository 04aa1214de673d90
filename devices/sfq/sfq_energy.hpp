#pragma once
// What an SFQ run costs. At 4 K: each firing switches the cell's junctions once, E = N_JJ x
// I_c x Phi0 (or the cell's calibrated energy), doubled for ERSFQ whose bias junctions switch
// too; RSFQ also burns static bias power N_JJ x I_b x V_b for the whole run, ERSFQ none. At
// the wall plug, the cryocooler spends cryo_factor W per W removed at 4 K.
#include "devices/sfq/pulse_sim.hpp"
#include "engine/base/ledger.hpp"

namespace fluxon::sfq {

struct energy_totals {
    double dynamic = 0;    // J at 4 K: firings
    double bias = 0;       // J at 4 K: static bias power x run time
    double chip = 0;       // J at 4 K: dynamic + bias
    double cooling = 0;    // J drawn by the cryocooler to remove `chip`
    double wall_plug = 0;  // J: chip + cooling
    double cryo_factor = 0;
    std::uint64_t junctions = 0;
};

// Charges one "fire" row per cell type (component "sfq/<cell>"), the bias as a static row
// ("sfq/bias"), and the cryocooler as "sfq/cryocooler" / "cooling", and returns the totals.
// `run_time` is the simulated time in s.
energy_totals charge_sfq(ledger& book, const netlist& n, const library& lib, technology tech,
                         const sim_result& r, double run_time);

}  // namespace fluxon::sfq
