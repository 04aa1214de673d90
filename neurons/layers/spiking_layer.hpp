#pragma once
// What the spiking layer kinds (if, lif) share: the threshold and reset, their parameters and
// checks, and the pass over every neuron each step (a neuron with no input still decays, or
// fires again after a subtractive reset), counting activations and membrane updates as
// NeuroBench does. Each kind gives only its charge equation.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "neurons/layers/layer.hpp"

namespace fluxon {

struct spike_reset {
    double v_threshold = 1, v_reset = 0;
    bool subtract = false;
};

// Appends v_threshold, v_reset and reset ("hard" | "subtract") to `schema`.
void add_reset_params(param_schema& schema);
// Reads them, refusing a threshold at or below v_reset (a neuron would fire from rest) and a
// subtractive reset by a threshold <= 0 (v would grow without end); config_error names the layer.
spike_reset lower_reset(const validated_params& params, const layer_context& ctx);

// One step of every neuron: v = charge(v, x) with x the neuron's input (0 without an event),
// then a spike (1) and the reset where v >= v_threshold. `v` starts every sample at v_reset.
template <class Charge>
void spiking_pass(const layer_step& s, const spike_reset& r, std::vector<double>& v, Charge charge) {
    if (s.sample_start) std::fill(v.begin(), v.end(), r.v_reset);
    const event_batch& in = *s.input;
    const std::size_t n = v.size();
    std::uint64_t changed = 0, spikes = 0;
    std::size_t e = 0;
    for (std::size_t i = 0; i < n; ++i) {
        double x = 0.0;
        if (e < in.size() && in.index[e] == i) x = in.value[e++];
        const double before = v[i];
        double now = charge(before, x);
        if (now >= r.v_threshold) {
            now = r.subtract ? now - r.v_threshold : r.v_reset;
            s.output->push(static_cast<std::uint32_t>(i), 1.0);
            ++spikes;
        }
        changed += now != before;
        v[i] = now;
    }
    s.counts->membrane_updates += s.sample_start ? n : changed;
    s.counts->activations += n;
    s.counts->nonzero_activations += spikes;
}

}  // namespace fluxon
