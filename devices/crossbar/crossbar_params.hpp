#pragma once
// A resistive (ReRAM, PCM) or SRAM compute-in-memory array family as the crossbar model sees
// it: geometry, cell conductances, weight and input encoding, device non-idealities, converters
// and the cost of every action. Lowered once from a preset file (crossbar_preset.cpp); every
// value keeps its source for reports.
#include <cstdint>
#include <map>
#include <string>

#include "engine/base/ledger.hpp"

namespace fluxon {

// How a signed weight becomes non-negative conductances.
enum class weight_encoding {
    differential,  // a pair of columns per weight: G+ holds positive, G- negative weights
    offset,        // one column per weight holding weight + offset; a reference column per
                   // array holds the offset, subtracted after conversion
};

// How a multi-bit input drives the rows.
enum class input_mode {
    bit_serial,  // one read per input bit, results shifted and added
    levels,      // a DAC drives all input bits at once as a voltage level: one read
};

enum class drift_model { none, constant, pcm };

// How an ADC's codes divide its full scale FS (b bits).
enum class adc_range {
    binary,     // LSB = FS / 2^(b-1) signed (codes -2^(b-1) ... 2^(b-1) - 1), FS / 2^b unsigned
                // (codes 0 ... 2^b - 1): the top code is one LSB below FS (NeuroSim's
                // LinearQuantizeOut step: range / 2^bits)
    symmetric,  // LSB = FS / (2^(b-1) - 1) signed, FS / (2^b - 1) unsigned: +-FS are codes
                // (aihwkit's out_res = 1 / (2^b - 2) of the range -out_bound ... out_bound)
};

struct crossbar_geometry {
    std::uint32_t rows = 128, columns = 128;  // cells of one array
    std::uint32_t parallel_rows = 128;        // rows driven together in one read
};

struct crossbar_cell {
    double g_min = 0, g_max = 0;   // S: the programmable range
    std::uint32_t bits_per_cell = 1;
    double v_read = 0;             // V on an active row
    double t_read = 0;             // s: read pulse width
    // J per cell per read; 0: computed as conduction_voltage² × G × conduction_time from the
    // programmed conductances.
    double read_energy = 0;
    // The voltage across a read cell and how long it conducts, for its read energy only (the
    // read cycle's latency keeps t_read). Default: v_read and t_read.
    double conduction_voltage = 0, conduction_time = 0;
};

// Non-idealities, all off (0) in an ideal device.
struct crossbar_variation {
    double d2d_sigma = 0;          // relative σ of G, device to device (drawn when programmed)
    double programming_sigma = 0;  // σ of G as a fraction of g_max (drawn when programmed)
    bool pcm_programming = false;  // aihwkit PCMLikeNoiseModel's σ(G) instead of programming_sigma
    double stuck_on = 0, stuck_off = 0;  // fractions of cells stuck at g_max / at g_min
    double read_sigma = 0;         // relative σ of G per read (cycle to cycle)
    bool pcm_read_noise = false;   // aihwkit's 1/f read noise, growing with the time since programming
    double pcm_t_read = 250e-9;    // s: the read duration in the 1/f noise formula
    drift_model drift = drift_model::none;
    double drift_nu_mean = 0, drift_nu_std = 0;  // constant drift: G(t) = G0 (t/t0)^-nu
    double drift_t0 = 20;          // s: first read after programming
    double wire_resistance = 0;    // Ω per cell of row and column wire (IR drop); 0: none
};

struct crossbar_periphery {
    std::uint32_t weight_bits = 8;     // magnitude bits of a weight; 0: analog (continuous) weights
    weight_encoding encoding = weight_encoding::differential;
    std::uint32_t input_bits = 1;      // bits of an input value (spikes: 1)
    input_mode inputs = input_mode::bit_serial;
    std::uint32_t adc_bits = 0;        // 0: ideal conversion
    double adc_full_scale = 1;         // fraction of the largest possible column signal
    adc_range adc_codes = adc_range::binary;
    std::uint32_t columns_per_adc = 1; // columns converted one after the other by one ADC
    double t_adc = 0;                  // s per conversion
};

// The cost of every action of one array, and its limits.
struct crossbar_costs {
    action_cost read;             // one read cycle (latency: the array's read cycle; energy: fixed part)
    action_cost row_drive;        // one row driven for one read (DAC / driver)
    action_cost adc_conversion;   // one column conversion
    action_cost shift_add;        // one conversion shifted and added into its output
    action_cost partial_sum;      // one output accumulated across arrays (digital)
    action_cost buffer;           // one output word written to the output buffer
    action_cost program_pulse;    // one programming pulse of one cell
    std::string cell_read_source; // of read_energy, or of the computed cell energy
};

struct crossbar_params {
    std::string name, description;
    crossbar_geometry geometry;
    crossbar_cell cell;
    crossbar_variation variation;
    crossbar_periphery periphery;
    crossbar_costs costs;
    std::uint32_t max_arrays = 1;        // arrays of the modelled chip
    std::uint32_t program_pulses = 1;    // pulses to program one cell (program and verify)
    std::uint64_t endurance = 0;         // programming pulses a cell survives
    std::map<std::string, std::string> sources;  // dotted preset key → source
};

}  // namespace fluxon
