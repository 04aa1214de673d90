#pragma once
// SFQ circuit runs: a circuit file (or its text, from Python) flattened, validated, simulated
// at pulse level (devices/sfq/pulse_sim), costed (devices/sfq/sfq_energy) and optionally
// written to a run file. The `fluxon sfq` command and fluxon.sfq use it.
#include <cstdint>
#include <string>
#include <vector>

#include "devices/sfq/pulse_sim.hpp"
#include "engine/base/ledger.hpp"

namespace fluxon {

struct sfq_run_options {
    std::string circuit;  // circuit file path; or, with `text`, the origin named in errors
    std::string text;     // circuit text; empty: read `circuit`
    std::string output;   // run file to write; empty: none
};

struct sfq_trace {
    std::string name;           // "x.q" for recorded wires, the pin name for circuit outputs
    std::vector<tick_t> times;  // fs
};

struct sfq_violation_row {
    std::string instance, cell, kind, port, other_port;
    tick_t time = 0, other_time = 0;  // fs
};

// The violations as columns, as run files and numpy hold them.
struct sfq_violation_columns {
    std::vector<std::string> instance, cell, kind, port, other_port;
    std::vector<std::int64_t> time, other_time;  // fs
};
sfq_violation_columns columns_of(const std::vector<sfq_violation_row>& rows);

struct sfq_run_result {
    std::string library, library_origin, technology, policy, origin;
    std::uint64_t seed = 0;
    bool jitter = false;
    std::uint64_t cells = 0, junctions = 0, events = 0, firings = 0;
    tick_t end = 0;              // fs: the last pulse
    std::vector<sfq_trace> outputs, recorded;
    std::vector<sfq_violation_row> violations;
    ledger_columns ledger;
    double dynamic_energy = 0, bias_energy = 0, chip_energy = 0, cooling_energy = 0, wall_plug_energy = 0;  // J
    double cryo_factor = 0;
    double wall_time = 0;        // s spent simulating
};

// One line per violation: "setup violation at dro d1 (t = 12.300 ps): ...".
std::string describe(const sfq_violation_row& v);

// Throws user_error subclasses naming the file, line, key or instance at fault; with the
// policy "error", a timing violation is a user_error naming the instance (after the run file,
// if any, has been written with everything up to it).
sfq_run_result run_sfq_circuit(const sfq_run_options& options);

}  // namespace fluxon
