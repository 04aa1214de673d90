#pragma once
// snnTorch's Leaky neuron as L2MU and most snnTorch models run it (reset_mechanism "subtract",
// reset_delay true, its defaults): the reset of step t comes from the membrane of step t-1,
//   R[t] = U[t-1] > threshold;  U[t] = clamp(beta, 0, 1) U[t-1] + I[t] - R[t] threshold;
//   S[t] = U[t] > threshold     (snnTorch's Heaviside is strict),
// U starting every sample at 0. Unlike SpikingJelly's LIF (the `lif` kind), the subtracted
// threshold is not decayed, and the input is not divided by a time constant.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "neurons/layers/layer.hpp"

namespace fluxon {

struct leaky_population {
    double beta = 0, threshold = 1;
    std::vector<double> u;

    void reset() { std::fill(u.begin(), u.end(), 0.0); }

    // One step of every neuron with the dense input `current`; sets spikes[i] to 0 or 1 and
    // returns the neurons whose membrane changed (NeuroBench's membrane updates).
    std::uint64_t step(const std::vector<double>& current, std::vector<std::uint8_t>& spikes) {
        std::uint64_t changed = 0;
        for (std::size_t i = 0; i < u.size(); ++i) {
            const double before = u[i];
            const double now = beta * before + current[i] - (before > threshold ? threshold : 0.0);
            changed += now != before;
            u[i] = now;
            spikes[i] = now > threshold ? 1 : 0;
        }
        return changed;
    }
};

// Adds `beta<suffix>` (in [0, 1], snnTorch clamps it there) and `threshold<suffix>` (> 0) to
// `schema`; `who` names the neurons in the parameters' doc ("the memory neurons").
void add_leaky_params(param_schema& schema, const std::string& suffix, const std::string& who);
// A population of `size` neurons from those parameters.
leaky_population lower_leaky(const validated_params& params, const std::string& suffix, std::size_t size);

}  // namespace fluxon
