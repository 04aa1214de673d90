#pragma once
#include <memory>

#include "neurons/model.hpp"

namespace fluxon {

// Independent Poisson spike trains at a fixed rate; the count in each step of dt is drawn
// exactly from Poisson(rate * dt), from a counter-based stream per (neuron, step).
std::unique_ptr<neuron_model> make_poisson_source_model();

// Spikes at given times: arrays "times" (s) and "ids" (neuron indices), same length. A time
// that is not on the dt grid is emitted at the next grid point.
std::unique_ptr<neuron_model> make_spike_times_source_model();

}  // namespace fluxon
