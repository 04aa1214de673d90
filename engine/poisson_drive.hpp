#pragma once
// Independent Poisson inputs onto the neurons of one population slice (a [drives.NAME] of the
// network, Brian2's PoissonInput): `inputs` trains of `rate` per neuron, added to a receptor
// without spikes, synapses or delivery. Per neuron and step the count of input spikes is drawn
// from Binomial(inputs, rate dt), as Brian2 draws it, by inverting its CDF with a counter-based
// uniform keyed by the neuron's global id and the step: the same counts whatever the slicing
// or thread count. The neuron's receptor gets weight x count.
#include <cstdint>
#include <vector>

#include "engine/base/rng.hpp"

namespace fluxon {

// Binomial(n, p)'s CDF at 0, 1, ... until the terms past the mean fall below 1e-17 (or at n).
std::vector<double> binomial_cdf(std::uint64_t n, double p);

struct poisson_drive {
    std::uint32_t receptor = 0;
    float weight = 0;                  // SI, the receptor's weight unit; rounded as synapses' are
    std::vector<std::uint64_t> keys;   // per neuron of the slice, its draws' hash key
    std::vector<double> cdf;           // binomial_cdf(inputs, rate dt)

    // `touched` (or null) marks the neurons that got input, for a device counting active updates.
    template <class T>
    void add(std::int64_t step, T* input, std::uint8_t* touched) const {
        const double p0 = cdf.front();
        const auto n = cdf.size();
        for (std::size_t i = 0; i < keys.size(); ++i) {
            const double u = counter_uniform_keyed(keys[i], static_cast<std::uint64_t>(step));
            if (u < p0) continue;
            std::size_t count = 1;
            while (count < n && u >= cdf[count]) ++count;
            input[i] += static_cast<T>(weight) * static_cast<T>(count);
            if (touched != nullptr) touched[i] = 1;
        }
    }
};

}  // namespace fluxon
