#pragma once
// SFQ circuit files: a TOML description of a circuit (instances, wires, input pulse trains,
// splitter trees, subcircuits, what to record, how to run it), flattened into a netlist.
// docs/sfq.md documents the format; in short:
//
//   [circuit]
//   library = "sfq_default"    technology = "rsfq" | "ersfq"    seed = 1
//   policy = "error" | "warn" | "record"    jitter = false    stop = "2 ns" (optional)
//   simultaneous = "priority" | "port"     # order of pulses at one cell in one fs
//   outputs = ["s0"]           record = ["x.q"]    open = ["d.rst"]
//   wires = ["a -> x.a", "x.q -> s0"]               # "inst.port" or a circuit pin
//   fanout = { clk = ["x.clk", "y.clk"] }           # a splitter tree from one source
//   fanin = { "n.exc" = ["s1.q", "s2.q"] }          # a merger tree into one input
//   [circuit.instances]   x = "xor" | { cell = "synapse", bias = "72 uA" } | { circuit = "fa" }
//                         | { cell = "and", delay = "9 ps", hold = "2 ps", setup = "1 ps" }
//   [circuit.inputs.a]    times = ["10 ps", ...] | period + count (+ start) | period + bits
//   [subcircuits.fa]      inputs, outputs, instances, wires, fanout, fanin, open
//
// Every mistake is a config_error (or network_error for connectivity) naming the file, line,
// key and instance.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "devices/sfq/pulse_sim.hpp"
#include "devices/sfq/sfq_netlist.hpp"
#include "devices/sfq/sfq_library_preset.hpp"

namespace fluxon {

struct sfq_circuit {
    sfq::netlist net;
    sfq_library_preset library;
    sfq::technology tech = sfq::technology::rsfq;
    sfq::violation_policy policy = sfq::violation_policy::error;
    std::uint64_t seed = 0;
    bool jitter = false;
    tick_t stop = -1;    // fs; -1: until no pulse is left
    sfq::simultaneous_order order = sfq::simultaneous_order::priority;
    std::string text;    // the circuit file's text
    std::string origin;  // its path, or "python"
};

// Reads and flattens a circuit file, and validates the netlist (sfq::validate).
sfq_circuit load_sfq_circuit(const std::string& path);
// The same from text; `origin` is named in errors as the file, and a library file it names is
// relative to `base_dir` (empty: the working directory).
sfq_circuit parse_sfq_circuit(std::string_view text, const std::string& origin,
                              const std::filesystem::path& base_dir = {});

std::string_view policy_name(sfq::violation_policy p);
std::string_view technology_name(sfq::technology t);

}  // namespace fluxon
