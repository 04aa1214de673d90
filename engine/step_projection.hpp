#pragma once
// A projection that turns each step's presynaptic spikes into its targets' inputs as a whole
// rather than synapse by synapse: a crossbar drives the spiking rows at once and converts the
// column sums, so what a target receives depends on every spike of the step together. Owned by
// the slice it delivers to and run on that slice's thread.
#include <cstdint>
#include <span>

#include "engine/synapse_table.hpp"

namespace fluxon {

class step_projection {
public:
    virtual ~step_projection() = default;
    // The projection's synapses into the slice: receptor, delay (uniform), presynaptic spike
    // logs, and rows to count synaptic events.
    virtual const synapse_table& table() const = 0;
    // Adds what the spikes `pre` (ascending ids in the presynaptic population) of `step`
    // produce to `inputs` (one value per neuron of the slice).
    virtual void deliver_step(std::int64_t step, std::span<const std::uint32_t> pre, std::span<double> inputs) = 0;
};

}  // namespace fluxon
