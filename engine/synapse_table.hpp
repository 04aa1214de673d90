#pragma once
// The synapses of one projection that end in one population slice, stored by presynaptic
// neuron (CSR): 4-byte target + 4-byte weight per synapse, side by side so that a spike's row
// is one contiguous read, and a 2-byte delay only when the projection's delays differ. Built
// once; read on the hot path.
#include <cstdint>
#include <vector>

namespace fluxon {

class spike_log;

struct synapse {
    std::uint32_t target;  // slice-local neuron index
    float weight;          // SI
};

struct synapse_table {
    std::uint32_t receptor = 0;
    std::uint32_t projection = 0;
    std::uint32_t pre_population = 0;
    std::vector<std::uint64_t> row_start;  // pre population size + 1
    std::vector<synapse> synapses;
    std::vector<std::uint16_t> delay;      // steps; empty when all equal uniform_delay
    std::uint16_t uniform_delay = 1;
    std::vector<const spike_log*> sources; // the pre population's slices, in id order

    std::size_t size() const { return synapses.size(); }
};

}  // namespace fluxon
