#pragma once
// A flattened SFQ circuit: cell instances, the wires between their ports, the pulse trains
// that drive its inputs, and what to record. Subcircuits and clock trees are already expanded
// (devices/sfq/plugin/sfq_circuit.hpp builds it from a circuit file; the Python builder goes the same way).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "devices/sfq/sfq_library.hpp"
#include "engine/base/errors.hpp"
#include "engine/base/time.hpp"

namespace fluxon::sfq {

// How a timing violation is handled: stop the run with an error, report it and go on, or
// only keep it in the results.
enum class violation_policy : std::uint8_t { error, warn, record };

enum class technology : std::uint8_t { rsfq, ersfq };

struct instance {
    std::string name;  // "fa0/x1" inside subcircuits
    const cell_type* type = nullptr;
    std::optional<double> delay;   // s; overrides the library's
    // s; override the library's hold window (PyLSE's transition_time) and setup time on the
    // transitions that have one, as PyLSE's transition_time and past_constraints overrides do.
    std::optional<double> hold, setup;
    double pass_probability = 1;   // stochastic transitions fire with this probability
    std::uint32_t threshold = 1;   // integrate_and_fire
    std::uint32_t inh_weight = 1;  // integrate_and_fire
    error_site site;
};

// An instance's port: port indexes the instance type's inputs or outputs.
struct port_ref {
    std::uint32_t instance = 0;
    std::uint8_t port = 0;
    bool operator==(const port_ref&) const = default;
};

struct wire {
    port_ref from;  // an output port
    port_ref to;    // an input port
    error_site site;
};

// A pulse train entering the circuit at an input port; times sorted, in ticks (fs).
struct input_train {
    std::string name;
    port_ref to;
    std::vector<tick_t> times;
    error_site site;
};

// An output port whose pulses leave the circuit (a circuit output) or are recorded.
struct probe {
    std::string name;
    port_ref from;
    error_site site;  // of the wire that drives a circuit output
};

struct netlist {
    std::vector<instance> instances;
    std::vector<wire> wires;
    std::vector<input_train> inputs;
    std::vector<probe> outputs;   // circuit outputs: unconnected by design, always recorded
    std::vector<probe> recorded;  // wires recorded by their driving port
    std::vector<port_ref> open_inputs, open_outputs;  // left unconnected on purpose
    std::vector<error_site> open_sites;  // parallel to open_inputs then open_outputs
};

// "x.q" for messages.
std::string input_name(const netlist& n, port_ref p);
std::string output_name(const netlist& n, port_ref p);

// Refuses what cannot be built: an input or output port connected nowhere (and not declared
// open), an output driving two inputs (fan-out needs a splitter), an input driven twice
// (fan-in needs a merger), a loop of cells without delay. Throws network_error naming the
// instance and port (and the wire's file, line and key where known).
void validate(const netlist& n);

// True when the cell graph has a cycle (pulses could circulate forever).
bool has_feedback(const netlist& n);

}  // namespace fluxon::sfq
