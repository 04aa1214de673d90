#pragma once
// The pulse-level discrete-event simulator of SFQ circuits. A netlist is lowered once into
// plain arrays (per-instance state, transition tables, output edges); the hot loop then pops
// pulses from its own binary heap keyed by (time in fs, instance, port, sequence), so the
// same circuit and seed give the same pulses in the same order, and no pulse allocates or
// looks up a name. Pulses that reach one cell at one femtosecond come off the heap together
// and are handled in the sim_options' simultaneous_order.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "devices/sfq/sfq_netlist.hpp"

namespace fluxon::sfq {

enum class violation_kind : std::uint8_t { setup, hold };

std::string_view violation_name(violation_kind k);

// Two pulses too close at one cell: `port` at `time` arrived less than the cell's setup time
// before (setup) or hold time after (hold) the trigger `other_port` at `other_time`.
struct violation {
    std::uint32_t instance = 0;
    violation_kind kind = violation_kind::setup;
    tick_t time = 0;        // when the violation is detected: the later of the two pulses
    std::uint8_t port = 0;  // input port of the pulse at `time`
    tick_t other_time = 0;
    std::uint8_t other_port = 0;
};

// The order in which pulses that reach one cell at the same femtosecond are handled. Either is
// deterministic: the same circuit gives the same pulses.
enum class simultaneous_order : std::uint8_t {
    // PyLSE's: by the priority of their transitions out of the cell's state when the pulses
    // arrive (the order the library lists them in). The default.
    priority,
    // By input port (the cell's inputs in the library's order), whatever the state.
    port,
};

std::string_view simultaneous_order_name(simultaneous_order o);

struct sim_options {
    std::uint64_t seed = 0;
    bool jitter = false;      // Gaussian delay variability, PyLSE style
    bool stop_on_violation = false;
    tick_t stop = -1;         // pulses at or after this are not delivered; -1: run until none are left
    simultaneous_order order = simultaneous_order::priority;
};

struct sim_result {
    std::vector<std::vector<tick_t>> outputs;   // per netlist output, emission times
    std::vector<std::vector<tick_t>> recorded;  // per netlist recorded wire
    std::vector<violation> violations;
    std::vector<std::uint64_t> firings;         // per instance
    std::uint64_t events = 0;                   // pulses delivered to cell inputs
    tick_t end = 0;                             // time of the last pulse delivered or emitted
    bool stopped_on_violation = false;
};

class pulse_engine;

// The simulator driven step by step, for a circuit that runs beside other devices in the one
// engine: pulses from outside are injected as they become known, and the circuit is advanced
// to each window's end. Delivery order is the same (time, instance, port, sequence) order
// whatever the steps, so advancing in many steps gives the pulses of one advance.
class pulse_simulator {
public:
    // `n` (validated) and `lib` must outlive the simulator. The library's technology gives
    // the jitter clip.
    pulse_simulator(const netlist& n, const library& lib, const sim_options& options);
    ~pulse_simulator();
    pulse_simulator(pulse_simulator&&) noexcept;
    pulse_simulator& operator=(pulse_simulator&&) noexcept;

    // One pulse from outside into input `port` of `instance` at `time_fs`, which must not be
    // before the time advanced to (internal_error otherwise: the past is delivered already).
    // Injections take their sequence from a counter of their own, so two at one tick into one
    // port keep the order they were injected in.
    void inject(tick_t time_fs, std::uint32_t instance, std::uint8_t port);
    // Delivers every pulse before `until_fs` (the netlist's own input trains included) and
    // keeps later ones queued. Stops early at the options' stop time or on a violation when
    // stop_on_violation is set.
    void advance_to(tick_t until_fs);
    // The time advanced to: pulses before it are delivered.
    tick_t now() const;
    // What happened so far (firings up to date).
    const sim_result& result();
    // The result, moved out; the simulator is spent.
    sim_result take();

private:
    std::unique_ptr<pulse_engine> impl_;
};

// Runs `n` (validated) to completion. The library's technology gives the jitter clip.
sim_result simulate(const netlist& n, const library& lib, const sim_options& options);

}  // namespace fluxon::sfq
