#pragma once
// The synapses of one projection that end in one population slice, stored by presynaptic
// neuron (CSR) so that a spike's row is one contiguous read, and a 2-byte delay only when the
// projection's delays differ. Built once; read on the hot path.
//
// Rows take one of two layouts, chosen when the table is built:
// - shared weights (the projection's weights take at most 256 distinct values, as a constant
//   weight or a binary/ternary array does): 4 bytes per synapse, the slice-local target with
//   the index of its weight in `shared` in the top `class_bits` bits (none for one value);
// - per-synapse weights: 4-byte target + 4-byte weight side by side, 8 bytes per synapse.
// Either way a synapse adds the same float to the same target in the same order, so results
// do not depend on the layout.
#include <cstdint>
#include <span>
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
    std::vector<synapse> synapses;         // per-synapse weights (empty when shared)
    std::vector<std::uint32_t> packed;     // shared weights: target | class << (32 - class_bits)
    std::vector<float> shared;             // the distinct weights, by class (empty: per synapse)
    std::uint32_t class_bits = 0;          // 0: one shared weight, packed entries are targets
    std::vector<std::uint16_t> delay;      // steps; empty when all equal uniform_delay
    std::uint16_t uniform_delay = 1;
    std::vector<const spike_log*> sources; // the pre population's slices, in id order

    bool weights_shared() const { return !shared.empty(); }
    std::size_t size() const { return weights_shared() ? packed.size() : synapses.size(); }
    std::size_t bytes_per_synapse() const { return weights_shared() ? sizeof(std::uint32_t) : sizeof(synapse); }
    std::uint32_t target_mask() const { return class_bits == 0 ? ~0u : (1u << (32 - class_bits)) - 1; }

    std::uint32_t target(std::size_t k) const {
        return weights_shared() ? packed[k] & target_mask() : synapses[k].target;
    }
    float weight(std::size_t k) const {
        if (!weights_shared()) return synapses[k].weight;
        return class_bits == 0 ? shared[0] : shared[packed[k] >> (32 - class_bits)];
    }
    // Applies f to every weight (a chip's fixed point): to each distinct value once when shared.
    template <class F>
    void transform_weights(F&& f) {
        for (float& w : shared) w = f(w);
        for (synapse& s : synapses) s.weight = f(s.weight);
    }
};

// The layout a table of a projection takes: `values` are its weights' distinct values (at most
// 257 are looked at; more than 256 means per synapse), `slice_size` the largest target slice.
struct weight_layout {
    std::vector<float> shared;  // empty: per-synapse weights
    std::uint32_t class_bits = 0;
};
weight_layout choose_weight_layout(std::span<const float> distinct, std::uint32_t slice_size);

}  // namespace fluxon
