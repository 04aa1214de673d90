#pragma once
// Where a network sits on a digital neuromorphic chip: chunks of neurons on cores, each core's
// load, where every neuron's spikes go, and which synaptic rows live in DRAM. The core mapper
// (mappers/core_mapper) produces it; the chip model reads it.
#include <cstdint>
#include <vector>

namespace fluxon {

struct core_chunk {
    std::uint32_t population = 0, first = 0, size = 0;
    std::uint32_t core = 0;
};

struct core_load {
    std::uint32_t tile = 0;                 // topology tile index
    std::uint32_t neurons = 0;
    std::uint64_t synapses = 0;             // synapses whose target is on this core
    std::uint32_t fan_in = 0;               // distinct presynaptic neurons reaching this core
    std::uint64_t messages_in = 0;          // (pre neuron, this core) pairs with pre on another core
    std::uint64_t synapses_off_chip = 0;    // of `synapses`, those whose rows live in DRAM
};

// Where one neuron's spikes go: one message per destination core, carrying `synapses` synaptic
// events there.
struct core_destination {
    std::uint32_t core = 0;
    std::uint32_t synapses = 0;
};

// A synaptic row (one presynaptic neuron's synapses onto one core) kept in DRAM: `bursts`
// consecutive bursts from `address`. bursts == 0: the row is on chip.
struct dram_row {
    std::uint64_t address = 0;
    std::uint64_t bursts = 0;
};

struct core_mapping {
    std::vector<core_chunk> chunks;           // sorted by (population, first)
    std::vector<core_load> cores;             // the cores used, indexed by core id
    // Per population, per neuron: its core.
    std::vector<std::vector<std::uint32_t>> core_of;
    // Per population, CSR over neurons: destinations[p][dest_begin[p][i] .. dest_begin[p][i+1])
    // are neuron i's destination cores in increasing core order.
    std::vector<std::vector<std::uint64_t>> dest_begin;
    std::vector<std::vector<core_destination>> destinations;
    std::uint64_t messages_between_cores = 0;  // Σ over neurons of destination cores ≠ own core
    std::uint64_t messages_within_cores = 0;   // destinations equal to the neuron's own core
    // With synaptic rows in DRAM: per population, parallel to destinations, where each row
    // lives. Empty when every synapse is on chip.
    std::vector<std::vector<dram_row>> dram_rows;
};

}  // namespace fluxon
