#pragma once
// Per-neuron and per-synapse values from a value_spec: a constant, a seeded draw, or an array.
#include <string>
#include <vector>

#include "engine/rng.hpp"
#include "networks/spec.hpp"

namespace fluxon::net {

// `n` values in SI. Arrays must have exactly n entries (network_error at spec.site otherwise).
std::vector<double> draw_values(const value_spec& spec, std::size_t n, dimension dim,
                                sequential_rng& rng, const std::string& what);

// True when every value the spec can produce is the same (a constant).
bool is_constant(const value_spec& spec);

}  // namespace fluxon::net
