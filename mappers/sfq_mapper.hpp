#pragma once
// Maps a small spiking network (the common network description) onto an SFQ neuromorphic
// circuit, rate coded as in Krylov et al. (arXiv 2311.10721): every neuron becomes an
// integrate-and-fire SFQ neuron, every synapse a stochastic synapse whose pass probability is
// |weight| / full_weight (negative weights inhibit), fan-out is a splitter tree and fan-in a
// merger tree, and spike_times sources become input pulse trains with their times scaled to
// the circuit's. The result is a circuit file's text (docs/sfq.md), so it can be read, edited
// and run like any other; the membrane dynamics of the original models are not carried over
// (an SFQ neuron counts pulses to its threshold, without leak).
#include <cstdint>
#include <string>
#include <vector>

#include "networks/spec.hpp"

namespace fluxon {

struct sfq_map_options {
    double full_weight = 0;        // |weight| (SI) passing every pulse; 0: the largest |weight|
    std::uint32_t threshold = 1;   // pulses an SFQ neuron integrates before it fires
    std::uint32_t inh_weight = 1;  // counts an inhibitory pulse removes
    double time_scale = 1e-7;      // circuit seconds per network second (1 ms -> 100 ps)
    std::string technology = "rsfq";
    std::uint64_t seed = 0;        // 0: the network's seed
    std::uint64_t max_cells = 1'000'000;  // the circuit budget; beyond it the mapping fails
};

struct sfq_mapping {
    std::string circuit_text;
    // Utilization: cells by kind (mergers and splitters are counted as the trees need them).
    std::uint64_t neurons = 0, inputs = 0, synapses = 0, mergers = 0, splitters = 0, cells = 0;
    std::vector<std::string> recorded;  // one per mapped neuron: "<population>_<index>.q"
};

// Throws network_error naming the population (node) for what cannot be mapped: a source other
// than spike_times, a weight beyond full_weight, no weights at all; and naming the resource
// ("cells") when the circuit would exceed max_cells.
sfq_mapping map_network_to_sfq(const net::experiment_spec& spec, const sfq_map_options& options);

}  // namespace fluxon
