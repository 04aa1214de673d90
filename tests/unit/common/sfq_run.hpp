#pragma once
// Runs an SFQ circuit alone through the one pipeline (a config of [run] and [sfq] with no
// populations and no duration: the circuit runs on its own input trains to its last pulse),
// and gives back what the device reported in plain fields for tests.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "tests/unit/common/devices.hpp"

namespace fluxon::test {

struct sfq_trace {
    std::string name;
    std::vector<tick_t> times;  // fs
};

struct sfq_violation_row {
    std::string instance, cell, kind, port, other_port;
    tick_t time = 0, other_time = 0;  // fs
};

struct sfq_outcome {
    std::uint64_t cells = 0, junctions = 0, events = 0, firings = 0;
    tick_t end = 0;                            // fs: the last pulse
    std::vector<sfq_trace> outputs, recorded;  // in the circuit file's order
    std::vector<sfq_violation_row> violations;
    ledger_columns ledger;
    double dynamic_energy = 0, bias_energy = 0, chip_energy = 0, wall_plug_energy = 0;  // J
};

// The config text of a circuit alone: `circuit` is "circuit = <path>" or "circuit_text = ...".
inline std::string sfq_alone_config(const std::string& circuit_key) {
    return "[run]\ntime_base = \"fs\"\ndt = \"1 fs\"\n[sfq]\n" + circuit_key + "\ninputs = {}\n";
}

inline std::vector<sfq_trace> sfq_traces(const device_report& d, const std::string& table) {
    const auto pins = column<std::string>(d, table, "pin");
    const auto times = column<std::int64_t>(d, table, "time_fs");
    std::vector<sfq_trace> out;
    for (std::size_t i = 0; i < pins.size(); ++i) {
        if (out.empty() || out.back().name != pins[i]) out.push_back({pins[i], {}});
        out.back().times.push_back(times[i]);
    }
    return out;
}

inline sfq_outcome run_sfq_config(const std::string& config_text) {
    simulation sim = simulate(io::parse_config_text(config_text, "test.toml"));
    const run_result r = sim.run();
    const device_report& d = device(r, "sfq");
    sfq_outcome o;
    o.cells = static_cast<std::uint64_t>(count(d, "cells"));
    o.junctions = static_cast<std::uint64_t>(count(d, "junctions"));
    o.events = static_cast<std::uint64_t>(count(d, "events"));
    o.firings = static_cast<std::uint64_t>(count(d, "firings"));
    o.end = std::llround(stat(d, "end_time") * 1e15);
    // Every output, those that never pulsed too (the report counts each one's pulses).
    const std::vector<sfq_trace> pulsed = sfq_traces(d, "outputs");
    for (const stat_entry& e : d.stats.entries()) {
        if (e.path != "pulses") continue;
        o.outputs.push_back({e.name, {}});
        for (const sfq_trace& t : pulsed) {
            if (t.name == e.name) o.outputs.back().times = t.times;
        }
    }
    o.recorded = sfq_traces(d, "recorded");
    const auto instance = column<std::string>(d, "violations", "instance");
    const auto cell = column<std::string>(d, "violations", "cell");
    const auto kind = column<std::string>(d, "violations", "kind");
    const auto port = column<std::string>(d, "violations", "port");
    const auto other_port = column<std::string>(d, "violations", "other_port");
    const auto time = column<std::int64_t>(d, "violations", "time_fs");
    const auto other_time = column<std::int64_t>(d, "violations", "other_time_fs");
    for (std::size_t i = 0; i < instance.size(); ++i) {
        o.violations.push_back({instance[i], cell[i], kind[i], port[i], other_port[i], time[i], other_time[i]});
    }
    o.ledger = d.ledger;
    for (std::size_t i = 0; i < d.ledger.action.size(); ++i) {
        if (d.ledger.action[i] == "fire") o.dynamic_energy += d.ledger.energy[i];
        if (d.ledger.component[i] == "sfq/bias") o.bias_energy += d.ledger.energy[i];
    }
    o.chip_energy = stat(d, "energy_4k");
    o.wall_plug_energy = stat(d, "energy_wall_plug");
    return o;
}

// A circuit given as text (the [circuit] table and any subcircuits).
inline sfq_outcome run_sfq(const std::string& text) {
    return run_sfq_config(sfq_alone_config("circuit_text = '''\n" + text + "\n'''"));
}

// A circuit file.
inline sfq_outcome run_sfq_file(const std::string& path) {
    return run_sfq_config(sfq_alone_config("circuit = \"" + path + "\""));
}

// The pulse times (fs) of circuit output `name`.
inline std::vector<tick_t> output(const sfq_outcome& r, const std::string& name) {
    for (const sfq_trace& t : r.outputs) {
        if (t.name == name) return t.times;
    }
    return {{-1}};
}

}  // namespace fluxon::test
