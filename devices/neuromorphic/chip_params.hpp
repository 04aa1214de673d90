#pragma once
// A digital neuromorphic chip as the core model, the network-on-chip and the core mapper see
// it: capacities, precision, the cost of every action, static power and topology. Lowered
// once from a preset file (chip_preset.cpp) and plain from then on. Every value keeps the
// source it came with, so that the ledger and the run file can cite it.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "engine/base/ledger.hpp"

namespace fluxon {

enum class noc_topology_kind { mesh, tree };

struct noc_params {
    noc_topology_kind topology = noc_topology_kind::mesh;
    std::uint32_t mesh_width = 1, mesh_height = 1;  // tiles (mesh), tile t at (t % width, t / width)
    std::uint32_t tree_arity = 4;                   // children per router (tree)
    std::uint32_t cores_per_tile = 1;
    // A link carries one spike message per link_cycle (the inverse of its bandwidth); 0 means
    // no serialisation (infinite bandwidth).
    double link_cycle = 0;  // s
    std::string link_cycle_source;
    action_cost hop_east_west, hop_north_south;  // one mesh link crossed, by direction
    action_cost hop_tree;                        // one tree link crossed, up or down
};

// A capacity limit with its source; 0 means unlimited.
struct capacity_limit {
    std::uint64_t value = 0;
    std::string source;
};

struct chip_params {
    std::string name, description;
    std::uint32_t tiles() const {
        return noc.topology == noc_topology_kind::mesh ? noc.mesh_width * noc.mesh_height : tree_tiles;
    }
    std::uint32_t cores() const { return tiles() * noc.cores_per_tile; }
    std::uint32_t tree_tiles = 1;  // tiles when the topology is a tree (the mesh has width × height)

    capacity_limit neurons_per_core;    // neurons (compartments) one core holds
    capacity_limit synapses_per_core;   // synapses stored at the core that holds their target
    capacity_limit fan_in_per_core;     // distinct presynaptic neurons (input axons) per core
    capacity_limit fan_out_per_neuron;  // distinct destination cores per neuron

    // Fixed-point weights: signed `weight_bits`-bit mantissas with a power-of-two scale per
    // projection. 0 keeps the weights exact (single precision).
    int weight_bits = 0;
    std::string weight_bits_source;

    action_cost synapse_op;       // one synaptic event processed at the target core
    action_cost update_active;    // one neuron update in a step where the neuron received input
    action_cost update_inactive;  // one neuron update without input
    action_cost message_out;      // a spike message leaves its core (one per destination core)
    action_cost message_in;       // a spike message enters its destination core

    double core_static_power = 0;  // W per used core, drawn for the whole hardware run time
    std::string core_static_source;

    // Barrier synchronisation at the end of every step, by the number of tiles that hold used
    // cores: piecewise linear between the points (tiles, seconds), flat beyond them.
    std::vector<std::pair<std::uint32_t, double>> barrier_sync;
    std::string barrier_sync_source;

    noc_params noc;
};

}  // namespace fluxon
