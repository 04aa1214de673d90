#pragma once
// Draws the synapses of a projection from its connector (seeded, reproducible) and gives each
// its weight and delay.
#include <cstdint>
#include <functional>
#include <vector>

#include "engine/base/rng.hpp"
#include "networks/spec.hpp"
#include "networks/values.hpp"
#include "neurons/model.hpp"

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
    weight_sign sign = weight_sign::any;  // what the target receptor accepts
};

using synapse_sink = std::function<void(std::uint32_t pre, std::uint32_t post)>;

// Emits the (pre, post) pairs of a connector, in a fixed order that depends only on the seed,
// so that a second call replays the same synapses (the builder counts, then fills, and never
// holds a list of them).
void connect(const connector_spec& c, const projection_context& ctx, const synapse_sink& emit);

// The weight and the delay of each synapse, in connection order, drawn from the projection's
// own streams. `n` is the number of synapses (arrays must have that many values).
class synapse_values {
public:
    synapse_values(const projection_spec& spec, const projection_context& ctx, std::size_t n);
    // The next weight; config_error when its sign is one the target receptor refuses.
    float next_weight() {
        const double w = weights_.next();
        ++weights_drawn_;
        if (sign_ != weight_sign::any && (sign_ == weight_sign::non_positive ? w > 0 : w < 0)) refuse_sign(w);
        return static_cast<float>(w);
    }
    // Delay in steps; config_error unless it is a whole number of steps from 1 to 65535.
    std::uint16_t next_delay();
    const value_spec& default_delay() const { return default_delay_; }

private:
    [[noreturn]] void refuse_sign(double w) const;
    error_site weight_site() const;
    [[noreturn]] void refuse_zero_delay(double d) const;

    const projection_spec& spec_;
    weight_sign sign_;
    dimension weight_dim_;
    std::size_t weights_drawn_ = 0;
    double dt_;
    value_spec default_delay_;
    const value_spec& delay_spec_;
    sequential_rng weight_rng_, delay_rng_;
    value_stream weights_, delays_;
    bool round_;
    std::size_t drawn_ = 0;
};

struct delay_range {
    std::uint16_t min, max;
};

// Checks every delay of the projection's n synapses and returns their range.
delay_range scan_delays(const projection_spec& spec, const projection_context& ctx, std::size_t n);

// The distinct weights (by bit pattern, in order of first appearance) of the projection's n
// synapses when they take at most `limit` values; empty when they take more, or are drawn
// from a distribution (then every synapse has its own). Checks each weight's sign.
std::vector<float> distinct_weights(const projection_spec& spec, const projection_context& ctx, std::size_t n,
                                    std::size_t limit);

// Connectivity plus weights and delays as lists (for inspection and tests). Throws
// config/network errors at the projection's site.
synapse_list build_synapses(const projection_spec& spec, const projection_context& ctx);

}  // namespace fluxon::net
