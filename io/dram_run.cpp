#include "io/dram_run.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "devices/dram/dram_controller.hpp"
#include "devices/dram/dram_energy.hpp"
#include "fluxon_version.hpp"
#include "devices/dram/dram_preset.hpp"
#include "io/dram_trace.hpp"
#include "io/run_writer.hpp"

namespace fluxon {
namespace {

io::dram_record record_of(const dram_run_result& r, const dram_preset& preset) {
    io::dram_record d;
    d.preset = r.preset;
    d.preset_origin = r.preset_origin;
    d.preset_text = preset.text;
    d.trace = r.trace;
    d.tck = r.tck;
    d.burst_bytes = preset.params.org.burst_bytes;
    d.simulated_time = r.simulated_time;
    d.bandwidth = r.bandwidth;
    d.peak_bandwidth = r.peak_bandwidth;
    d.requests = r.requests;
    d.reads = r.reads;
    d.writes = r.writes;
    d.row_hits = r.row_hits;
    d.row_misses = r.row_misses;
    d.row_conflicts = r.row_conflicts;
    for (const auto& [name, count] : r.commands) {
        d.command.push_back(name);
        d.command_count.push_back(count);
    }
    d.latency = r.latency;
    return d;
}

// A DRAM run file is a run file without a network: its config is the preset, its duration
// the simulated time, and /dram and /ledger hold the results.
void write_run_file(const dram_run_options& options, const dram_run_result& r, const dram_preset& preset) {
    io::run_layout layout;
    layout.meta = io::run_metadata{fluxon::version, 0, 1'000'000'000'000, r.tck, r.simulated_time, 1,
                                   preset.text, preset.origin, "toml"};
    io::run_writer writer(options.output, layout);
    writer.progress(r.simulated_time);
    writer.write_ledger(r.ledger, r.static_energy, r.dynamic_energy);
    writer.write_dram(record_of(r, preset));
    writer.finish(io::run_counters{0, 0, 0, static_cast<std::int64_t>(r.requests), r.wall_time, 0, {}}, "complete");
}

}  // namespace

dram_run_result run_dram_trace(const dram_run_options& options) {
    const dram_preset preset = load_dram_preset(options.preset, {.key = "preset"});
    const dram_params& p = preset.params;
    const std::vector<dram_request> requests = io::read_dram_trace(options.trace, p.org.capacity_bytes());

    const auto t0 = std::chrono::steady_clock::now();
    dram_system memory(p);
    const std::vector<dram_clock> done = memory.run(requests);
    dram_run_result r;
    r.wall_time = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    const dram_stats& s = memory.stats();
    r.preset = p.name;
    r.preset_origin = preset.origin;
    r.trace = options.trace;
    r.requests = requests.size();
    r.reads = s.reads;
    r.writes = s.writes;
    r.row_hits = s.outcomes[static_cast<std::size_t>(dram_row_outcome::hit)];
    r.row_misses = s.outcomes[static_cast<std::size_t>(dram_row_outcome::miss)];
    r.row_conflicts = s.outcomes[static_cast<std::size_t>(dram_row_outcome::conflict)];
    for (std::size_t c = 0; c < dram_command_count; ++c) {
        r.commands.emplace_back(dram_command_name(static_cast<dram_command>(c)), s.commands[c]);
    }
    r.tck = p.timing.tck;
    r.simulated_time = static_cast<double>(s.end) * r.tck;
    const double bytes = static_cast<double>(requests.size()) * p.org.burst_bytes;
    r.bandwidth = r.simulated_time > 0 ? bytes / r.simulated_time : 0;
    r.peak_bandwidth = static_cast<double>(p.org.burst_bytes) * p.org.channels / (p.timing.burst * p.timing.tck);
    r.latency.reserve(requests.size());
    for (std::size_t i = 0; i < requests.size(); ++i) {
        r.latency.push_back(static_cast<double>(done[i] - requests[i].arrival) * r.tck);
    }

    ledger book;
    charge_dram(book, p, s);
    r.ledger = book.columns();
    // Background standby is charged in clocks under the action "static" (dram_energy.hpp).
    for (std::size_t i = 0; i < r.ledger.action.size(); ++i) {
        (r.ledger.action[i] == "static" ? r.static_energy : r.dynamic_energy) += r.ledger.energy[i];
    }
    r.energy_per_bit = bytes > 0 ? (r.static_energy + r.dynamic_energy) / (8 * bytes) : 0;
    if (!options.output.empty()) write_run_file(options, r, preset);
    return r;
}

}  // namespace fluxon
