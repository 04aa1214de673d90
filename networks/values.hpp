#pragma once
// Per-neuron and per-synapse values from a value_spec: a constant, a seeded draw, or an array.
#include <string>
#include <vector>

#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>

#include "engine/base/rng.hpp"
#include "networks/spec.hpp"

namespace fluxon::net {

// Yields the values of a spec one at a time, so that per-synapse values need no temporary
// array. The spec is resolved and checked on construction (arrays must hold exactly n values:
// network_error; bad quantities and ranges: config_error at the spec's site).
class value_stream {
public:
    value_stream(const value_spec& spec, std::size_t n, dimension dim, sequential_rng& rng, const std::string& what);
    double next();

private:
    const value_spec& spec_;
    sequential_rng& rng_;
    double a_ = 0, b_ = 0;
    std::size_t index_ = 0;
    boost::random::uniform_real_distribution<double> uniform_;
    boost::random::normal_distribution<double> normal_;
};

// `n` values in SI.
std::vector<double> draw_values(const value_spec& spec, std::size_t n, dimension dim,
                                sequential_rng& rng, const std::string& what);

}  // namespace fluxon::net
