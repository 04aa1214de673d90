#pragma once
// Trace-driven DRAM runs: a DRAMSim3-format address trace served by a modelled memory system
// (devices/dram), with timing, row-buffer outcomes, latency distribution and an energy ledger,
// optionally written to a run file. The `fluxon dram` command and fluxon.dram_trace() use it.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/base/ledger.hpp"

namespace fluxon {

struct dram_run_options {
    std::string trace;                // DRAMSim3 text trace: "<address> <READ|WRITE> <cycle>" per line
    std::string preset = "ddr4_3200"; // shipped DRAM preset name or preset file path
    std::string output;               // run file to write; empty: none
};

struct dram_run_result {
    std::string preset, preset_origin, trace;
    std::uint64_t requests = 0, reads = 0, writes = 0;
    std::uint64_t row_hits = 0, row_misses = 0, row_conflicts = 0;
    std::vector<std::pair<std::string, std::uint64_t>> commands;  // "ACT" → count, ...
    double tck = 0;                 // s
    double simulated_time = 0;      // s: from clock 0 to the last completion
    double bandwidth = 0, peak_bandwidth = 0;  // bytes/s: achieved, and burst_bytes·channels / (burst·tCK)
    std::vector<double> latency;    // s, per request in trace order: completion − arrival
    ledger_columns ledger;
    double static_energy = 0, dynamic_energy = 0;  // J (static: background standby)
    double energy_per_bit = 0;      // J per bit moved
    double wall_time = 0;           // s spent simulating (not reading the trace)
};

// Throws user_error subclasses naming the trace line, the preset key or the file at fault.
dram_run_result run_dram_trace(const dram_run_options& options);

}  // namespace fluxon
