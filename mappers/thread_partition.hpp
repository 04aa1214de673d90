#pragma once
// Maps the populations of a network onto the shards that threads advance: each population is
// cut into contiguous slices, one per shard, so that neuron updates and synaptic deliveries
// are shared evenly. (Hardware mappers place the same populations onto cores instead.)
#include <cstdint>
#include <vector>

namespace fluxon {

struct slice_plan {
    std::uint32_t first = 0;  // first neuron of the slice
    std::uint32_t size = 0;
    int shard = 0;
};

// Slices per population, in neuron order. Populations smaller than `min_slice` are not cut;
// they go whole to shards in turn.
std::vector<std::vector<slice_plan>> partition_for_threads(const std::vector<std::uint32_t>& sizes,
                                                           int shards, std::uint32_t min_slice = 256);

}  // namespace fluxon
