#pragma once
// Draws the synapses of a projection from its connector (seeded, reproducible) and gives each
// its weight and delay.
#include <cstdint>
#include <vector>

#include "engine/rng.hpp"
#include "networks/spec.hpp"

namespace fluxon::net {

struct synapse_list {
    std::vector<std::uint32_t> pre, post;
    std::vector<float> weight;          // SI
    std::vector<std::uint16_t> delay;   // steps, one per synapse
    std::uint16_t min_delay = 0, max_delay = 0;

    std::size_t size() const { return pre.size(); }
};

struct projection_context {
    std::uint32_t pre_size = 0, post_size = 0;
    bool same_population = false;
    dimension weight_dim = dimension::dimensionless;
    double dt = 0;
    std::uint64_t seed = 0;
    std::uint32_t index = 0;  // projection index: picks the random streams
};

// The (pre, post) pairs of a connector, in a fixed order that depends only on the seed.
void connect(const connector_spec& c, const projection_context& ctx, synapse_list& out);

// Connectivity plus weights and delays. Throws config/network errors at the projection's site.
synapse_list build_synapses(const projection_spec& spec, const projection_context& ctx);

}  // namespace fluxon::net
