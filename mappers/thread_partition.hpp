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

// Slices per population, in neuron order. A population is cut into as many equal slices as
// there are shards, but none smaller than `min_slice` neurons; a population that is not cut
// goes whole to the shard with the fewest neurons so far (the lowest-numbered of equals), after
// the cut ones are placed.
std::vector<std::vector<slice_plan>> partition_for_threads(const std::vector<std::uint32_t>& sizes,
                                                           int shards, std::uint32_t min_slice);

}  // namespace fluxon
