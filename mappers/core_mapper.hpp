#pragma once
// Places the neurons of a network onto the cores of a digital neuromorphic chip. Populations
// are cut into contiguous chunks; chunks are grouped onto cores under the chip's capacity
// limits (neurons, synapses stored at the target's core, distinct presynaptic neurons per
// core) while keeping spike traffic between cores low; cores are laid onto tiles in the
// topology's placement order. A network that does not fit fails with a user error naming
// the population and the limit.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "devices/neuromorphic/chip_params.hpp"
#include "devices/neuromorphic/placement.hpp"
#include "engine/base/errors.hpp"

namespace fluxon {

struct mapper_population {
    std::string name;
    std::uint32_t size = 0;
};

// Calls `synapse(pre_population, pre_neuron, post_population, post_neuron)` once per synapse.
// May be called more than once by the mapper (each call must visit the same synapses).
using synapse_visitor = std::function<void(std::uint32_t, std::uint32_t, std::uint32_t, std::uint32_t)>;
using connectivity_walk = std::function<void(const synapse_visitor&)>;

enum class mapper_strategy {
    sequential,  // fill cores in population order, as most chip toolchains do
    metis,       // METIS graph partitioning of the chunks, minimising messages between cores
};

struct mapper_options {
    mapper_strategy strategy = mapper_strategy::metis;
    // Largest chunk a population is cut into before chunks are grouped onto cores (smaller
    // chunks let the partitioner co-locate pieces of populations that talk to each other).
    // 0: a quarter of a core's neuron capacity.
    std::uint32_t chunk_neurons = 0;
    std::uint64_t seed = 1;  // METIS's random seed (the result is deterministic for a seed)
};

// A mapping as named columns, for run files and Python: chunks of neurons on cores, and the
// load of every core.
struct mapping_columns {
    std::vector<std::string> population;
    std::vector<std::uint32_t> first, size, core;
    std::vector<std::string> core_tile;  // per core
    std::vector<std::uint32_t> core_neurons, core_fan_in;
    std::vector<std::uint64_t> core_synapses, core_messages_in, core_synapses_off_chip;
};

// Throws network_error{node = population, resource = limit name} when the network does not fit
// (a neuron whose in-degree exceeds synapses_per_core, a neuron reaching more cores than
// fan_out_per_neuron, more cores needed than the chip has, a core whose fan-in cannot be met).
// `tile_order` lists the tiles cores are laid onto (cores_per_tile consecutive cores per tile).
core_mapping map_to_cores(const std::vector<mapper_population>& populations, const connectivity_walk& walk,
                          const chip_params& chip, const std::vector<std::uint32_t>& tile_order,
                          const mapper_options& options);

// The DRAM that holds the synaptic rows a core cannot.
struct dram_row_memory {
    std::string name;                    // for errors
    std::uint64_t capacity_bytes = 0;
    std::uint32_t burst_bytes = 64;      // rows take whole bursts
    std::uint32_t bytes_per_synapse = 4;
};

// Decides, after mapping, which synaptic rows stay on chip: per core, rows in (population,
// neuron) order stay while they still fit in `synapses_per_core` (0: unlimited, all stay);
// the others go to DRAM, laid out core by core and row by row from address 0, each row in
// whole bursts. Fills mapping.dram_rows and cores[c].synapses_off_chip. Throws network_error
// {node = population of the first row that does not fit, resource = "dram capacity"} when
// the DRAM is too small.
void place_rows_in_dram(core_mapping& mapping, const std::vector<mapper_population>& populations,
                        std::uint64_t synapses_per_core, const dram_row_memory& memory);

}  // namespace fluxon
