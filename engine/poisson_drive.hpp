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

// Binomial counts by inversion of their CDF, with a guide table: the unit interval cut into
// `buckets` parts, each knowing the fewest and the most counts a u in it can give. Nearly every
// u lands in a part where the two agree, and its count is read without a search (a search's
// branches are unpredictable and cost more than the draw). The count is the one the search
// would give: the number of CDF values at or below u.
class binomial_counts {
public:
    binomial_counts() = default;
    binomial_counts(std::uint64_t n, double p);

    std::uint32_t count(double u) const {
        const auto b = static_cast<std::size_t>(u * buckets);
        std::uint32_t c = lowest_[b];
        if (c == highest_[b]) return c;
        while (c < cdf_.size() && u >= cdf_[c]) ++c;
        return c;
    }
    const std::vector<double>& cdf() const { return cdf_; }

    static constexpr std::size_t buckets = 4096;

private:
    std::vector<double> cdf_;
    std::vector<std::uint32_t> lowest_, highest_;  // per bucket
};

struct poisson_drive {
    std::uint32_t receptor = 0;
    float weight = 0;                  // SI, the receptor's weight unit; rounded as synapses' are
    std::vector<std::uint64_t> keys;   // per neuron of the slice, its draws' hash key
    binomial_counts counts;            // Binomial(inputs, rate dt)

    // `touched` (or null) marks the neurons that got input, for a device counting active updates.
    template <class T>
    void add(std::int64_t step, T* input, std::uint8_t* touched) const {
        for (std::size_t i = 0; i < keys.size(); ++i) {
            const std::uint32_t count =
                    counts.count(counter_uniform_keyed(keys[i], static_cast<std::uint64_t>(step)));
            if (count == 0) continue;
            input[i] += static_cast<T>(weight) * static_cast<T>(count);
            if (touched != nullptr) touched[i] = 1;
        }
    }
};

}  // namespace fluxon
