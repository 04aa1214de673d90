#pragma once
// An SFQ cell library as data: every cell a PyLSE-style timed state machine with its junction
// count, firing delay, setup and hold times, and the technology numbers energy needs. Every
// number carries its source, which travels into ledgers and run files.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace fluxon::sfq {

// One edge of a cell's state machine: taken when `trigger` arrives in `source`.
struct transition {
    std::uint16_t dest = 0;
    std::uint8_t fire = 0;    // bit i set: output i fires after the cell's delay
    bool setup = false;       // an input less than the cell's setup time before is a violation
    bool hold = false;        // an input less than the cell's hold time after is a violation
    bool stochastic = false;  // fires only with the instance's pass probability
    // Rank among the transitions out of the same state, 0 first: the order in which inputs
    // that arrive at one femtosecond are handled (PyLSE's rule: the order the transitions
    // from a state are listed in).
    std::uint8_t priority = 0;
};

enum class cell_kind : std::uint8_t { fsm, integrate_and_fire };

struct sourced_number {
    double value = 0;
    std::string source;
};

struct cell_type {
    std::string name, description;
    cell_kind kind = cell_kind::fsm;
    std::vector<std::string> inputs, outputs, states;  // states[0] is the initial state
    // [state * inputs.size() + input]; complete (the reader refuses gaps). Empty for
    // integrate_and_fire, whose states depend on the instance's threshold.
    std::vector<transition> table;
    std::uint32_t jjs = 0;
    std::string jjs_source;
    sourced_number delay, setup, hold;  // s
    // J per firing when calibrated; 0: junctions x I_c x Phi0.
    sourced_number energy_per_firing;

    int input_index(const std::string& port) const;   // -1 when absent
    int output_index(const std::string& port) const;  // -1 when absent
};

struct technology_params {
    sourced_number critical_current;      // A
    sourced_number bias_fraction;         // I_b / I_c
    sourced_number bias_voltage;          // V
    sourced_number ersfq_dynamic_factor;  // ERSFQ dynamic energy / RSFQ dynamic energy
    sourced_number cryo_factor;           // wall-plug W per W removed at 4 K
    sourced_number jitter_clip;           // delay variability clipped to +-clip·d, sigma = clip·d/3
    sourced_number synapse_i50, synapse_width;  // A: p_pass(I_b) = Phi((I_b - i50) / width)
};

// The DC-to-SFQ converter that turns a current step (a network spike) into one flux pulse,
// for circuits fed by a network ([sfq], devices/sfq/plugin/sfq_family).
struct converter_params {
    std::uint32_t jjs = 0;   // junctions switched per conversion: energy = jjs x I_c x Phi0
    std::string jjs_source;
    sourced_number delay;    // s from the current step to the pulse at the pin
};

struct library {
    std::string name, description;
    technology_params tech;
    std::optional<converter_params> converter;  // absent: the library models none
    std::map<std::string, cell_type> cells;

    // nullptr when the library has no such cell.
    const cell_type* find(const std::string& name) const;
};

// The magnetic flux quantum h/2e in Wb: exact since the 2019 SI redefinition (CODATA 2018).
constexpr double flux_quantum = 2.067833848e-15;

// The probability that a stochastic synapse biased at `bias` (A) passes a fluxon.
double synapse_pass_probability(const technology_params& tech, double bias);

}  // namespace fluxon::sfq
