#pragma once
// Exact one-step propagators of linear dynamics, shared by the models that integrate them.
#include <cmath>
#include <cstdint>

#include "engine/base/errors.hpp"
#include "neurons/params.hpp"

namespace fluxon {

// Contribution to v(t+dt) of a synaptic variable x(t) that decays with tau_s while driving
// tau_m dv/dt = -v + x:  tau_s/(tau_s - tau_m) (e^{-dt/tau_s} - e^{-dt/tau_m}).
// At tau_s == tau_m the limit dt/tau_m e^{-dt/tau_m} is used (and near it, to avoid cancellation).
inline double exp_synapse_to_membrane(double dt, double tau_m, double tau_s) {
    if (std::fabs(tau_s - tau_m) <= 1e-9 * tau_m) return dt / tau_m * std::exp(-dt / tau_m);
    return tau_s / (tau_s - tau_m) * (std::exp(-dt / tau_s) - std::exp(-dt / tau_m));
}

// Refractory period as the number of steps the membrane is held after the step at whose start
// the neuron spiked; refuses periods that are not on the dt grid. Under Brian2's convention the
// spike is stamped one step before that start and the hold ends at stamp + t_ref, one step
// sooner (Brian2 integrates again once timestep(t - lastspike) >= timestep(refractory)).
inline std::int32_t refractory_steps(double t_ref, double dt, timing_convention convention, const error_site& site) {
    const double steps = t_ref / dt;
    const double rounded = std::nearbyint(steps);
    if (std::fabs(steps - rounded) > 1e-6 * std::max(1.0, rounded)) {
        throw config_error("t_ref = " + std::to_string(t_ref) + " s is not a multiple of dt = " +
                               std::to_string(dt) + " s",
                           site);
    }
    const auto steps_held = static_cast<std::int32_t>(rounded);
    if (convention == timing_convention::brian2) return steps_held > 0 ? steps_held - 1 : 0;
    return steps_held;
}

}  // namespace fluxon
