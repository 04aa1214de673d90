#pragma once
#include <cstdint>
#include <memory>

#include "neurons/model.hpp"

namespace fluxon {

// Independent Poisson spike trains at a fixed rate; the count in each step of dt is drawn
// exactly from Poisson(rate * dt), from a counter-based stream per (neuron, step).
std::unique_ptr<neuron_model> make_poisson_source_model();

// Spikes at given times: arrays "times" (s) and "ids" (neuron indices), same length. A time
// that is not on the dt grid is emitted at the next grid point.
std::unique_ptr<neuron_model> make_spike_times_source_model();

// The step at which spike_times emits a spike at time t (s): the next grid point at or after
// t, tolerant of decimal round-off (0.3 ms on a 0.1 ms grid is step 3). Event recordings use it
// to find the spikes that would fall in one step.
std::int64_t spike_step(double t, double dt);

}  // namespace fluxon
