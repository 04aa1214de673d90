#include "networks/connectivity.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <boost/random/uniform_01.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <fmt/format.h>

#include "networks/values.hpp"

namespace fluxon::net {
namespace {

using kind = connector_spec::kind;

void add(synapse_list& out, std::uint32_t pre, std::uint32_t post) {
    out.pre.push_back(pre);
    out.post.push_back(post);
}

void connect_all_to_all(const connector_spec& c, const projection_context& ctx, synapse_list& out) {
    const bool skip_self = ctx.same_population && !c.allow_autapses;
    for (std::uint32_t j = 0; j < ctx.pre_size; ++j) {
        for (std::uint32_t i = 0; i < ctx.post_size; ++i) {
            if (!(skip_self && i == j)) add(out, j, i);
        }
    }
}

void connect_one_to_one(const connector_spec& c, const projection_context& ctx, synapse_list& out) {
    if (ctx.pre_size != ctx.post_size) {
        throw network_error(fmt::format("one_to_one needs populations of equal size, got {} and {}",
                                        ctx.pre_size, ctx.post_size),
                            c.site);
    }
    for (std::uint32_t j = 0; j < ctx.pre_size; ++j) add(out, j, j);
}

// Bernoulli(p) over every (pre, post) pair, drawn by geometric skips so that the cost is
// proportional to the synapses made, not to the pairs considered.
void connect_fixed_probability(const connector_spec& c, const projection_context& ctx,
                               sequential_rng& rng, synapse_list& out) {
    if (!(c.p >= 0 && c.p <= 1)) {
        throw config_error(fmt::format("connection probability p = {} is not in [0, 1]", c.p), c.site);
    }
    if (c.p == 0) return;
    const bool skip_self = ctx.same_population && !c.allow_autapses;
    const double log_q = std::log1p(-c.p);
    boost::random::uniform_01<double> uniform;
    out.pre.reserve(static_cast<std::size_t>(1.05 * c.p * ctx.pre_size * ctx.post_size) + 16);
    out.post.reserve(out.pre.capacity());
    for (std::uint32_t j = 0; j < ctx.pre_size; ++j) {
        std::int64_t i = -1;
        while (true) {
            if (c.p < 1) {
                const double gap = std::floor(std::log1p(-uniform(rng)) / log_q);
                i += 1 + static_cast<std::int64_t>(std::min(gap, 4e18));
            } else {
                ++i;
            }
            if (i >= ctx.post_size) break;
            if (!(skip_self && i == j)) add(out, j, static_cast<std::uint32_t>(i));
        }
    }
}

// `n` distinct or repeated picks from [0, size), excluding `self` when asked.
void pick(std::uint64_t n, std::uint32_t size, std::int64_t self, bool multapses, sequential_rng& rng,
          std::vector<std::uint32_t>& chosen, const error_site& site) {
    const std::uint64_t available = size - (self >= 0 ? 1 : 0);
    if (!multapses && n > available) {
        throw network_error(fmt::format("cannot pick {} distinct partners out of {} without multapses",
                                        n, available),
                            site);
    }
    if (available == 0 && n > 0) throw network_error("no partner is available to connect to", site);
    boost::random::uniform_int_distribution<std::uint32_t> dist(0, size - 1);
    chosen.clear();
    std::vector<bool> taken(multapses ? 0 : size, false);
    while (chosen.size() < n) {
        const std::uint32_t k = dist(rng);
        if (static_cast<std::int64_t>(k) == self) continue;
        if (!multapses) {
            if (taken[k]) continue;
            taken[k] = true;
        }
        chosen.push_back(k);
    }
}

void connect_fixed_degree(const connector_spec& c, const projection_context& ctx, sequential_rng& rng,
                          synapse_list& out) {
    const bool in = c.k == kind::fixed_indegree;
    const std::uint32_t owners = in ? ctx.post_size : ctx.pre_size;
    const std::uint32_t partners = in ? ctx.pre_size : ctx.post_size;
    const bool exclude_self = ctx.same_population && !c.allow_autapses;
    std::vector<std::uint32_t> chosen;
    for (std::uint32_t o = 0; o < owners; ++o) {
        pick(c.n, partners, exclude_self ? std::int64_t{o} : -1, c.allow_multapses, rng, chosen, c.site);
        for (std::uint32_t p : chosen) in ? add(out, p, o) : add(out, o, p);
    }
}

void connect_explicit(const connector_spec& c, const projection_context& ctx, synapse_list& out) {
    if (c.pre_ids.size() != c.post_ids.size()) {
        throw network_error(fmt::format("explicit connector: {} pre ids but {} post ids", c.pre_ids.size(),
                                        c.post_ids.size()),
                            c.site);
    }
    for (std::size_t k = 0; k < c.pre_ids.size(); ++k) {
        const auto j = c.pre_ids[k], i = c.post_ids[k];
        if (j < 0 || j >= ctx.pre_size || i < 0 || i >= ctx.post_size) {
            throw network_error(fmt::format("explicit connector: synapse #{} ({} -> {}) is out of range: "
                                            "pre ids must be in [0, {}), post ids in [0, {})",
                                            k, j, i, ctx.pre_size, ctx.post_size),
                                c.site);
        }
        add(out, static_cast<std::uint32_t>(j), static_cast<std::uint32_t>(i));
    }
}

// Given delays must lie on the dt grid; random ones (uniform/normal) are rounded to it.
std::vector<std::uint16_t> to_delay_steps(const std::vector<double>& delays, double dt, bool round,
                                          const error_site& site) {
    std::vector<std::uint16_t> steps(delays.size());
    for (std::size_t k = 0; k < delays.size(); ++k) {
        const double s = delays[k] / dt;
        const double r = std::nearbyint(s);
        if ((!round && std::fabs(s - r) > 1e-6 * std::max(1.0, r)) || r < 1 || r > 65535) {
            throw config_error(fmt::format("delay #{} = {} s must be a whole number of steps of dt = {} s, "
                                           "from 1 to 65535 steps",
                                           k, delays[k], dt),
                               site);
        }
        steps[k] = static_cast<std::uint16_t>(r);
    }
    return steps;
}

}  // namespace

void connect(const connector_spec& c, const projection_context& ctx, synapse_list& out) {
    sequential_rng rng(derive_seed(ctx.seed, stream_kind::connectivity, ctx.index));
    switch (c.k) {
        case kind::all_to_all: return connect_all_to_all(c, ctx, out);
        case kind::one_to_one: return connect_one_to_one(c, ctx, out);
        case kind::fixed_probability: return connect_fixed_probability(c, ctx, rng, out);
        case kind::fixed_indegree:
        case kind::fixed_outdegree: return connect_fixed_degree(c, ctx, rng, out);
        case kind::explicit_list: return connect_explicit(c, ctx, out);
    }
}

synapse_list build_synapses(const projection_spec& spec, const projection_context& ctx) {
    synapse_list out;
    connect(spec.connector, ctx, out);
    if (out.size() >= std::numeric_limits<std::uint32_t>::max()) {
        throw network_error("a projection may have at most 2^32 - 1 synapses", spec.site);
    }
    sequential_rng weight_rng(derive_seed(ctx.seed, stream_kind::weights, ctx.index));
    const auto w = draw_values(spec.weight, out.size(), ctx.weight_dim, weight_rng,
                               "projection '" + spec.name + "' weight");
    out.weight.assign(w.begin(), w.end());
    sequential_rng delay_rng(derive_seed(ctx.seed, stream_kind::delays, ctx.index));
    const value_spec default_delay{value_spec::kind::constant, {ctx.dt, spec.site}, {}, {}, spec.site};
    const value_spec& delay_spec = spec.delay_given ? spec.delay : default_delay;
    const bool round = delay_spec.k == value_spec::kind::uniform || delay_spec.k == value_spec::kind::normal;
    out.delay = to_delay_steps(draw_values(delay_spec, out.size(), dimension::time, delay_rng,
                                           "projection '" + spec.name + "' delay"),
                               ctx.dt, round, delay_spec.site);
    if (out.delay.empty()) {
        // No synapse: the delay still bounds the window, so resolve the configured value.
        const value_spec& bound = delay_spec.k == value_spec::kind::array ? default_delay : delay_spec;
        out.delay = to_delay_steps(draw_values(bound, 1, dimension::time, delay_rng, "delay"), ctx.dt, true,
                                   delay_spec.site);
        out.min_delay = out.max_delay = out.delay[0];
        out.delay.clear();
    } else {
        const auto [lo, hi] = std::minmax_element(out.delay.begin(), out.delay.end());
        out.min_delay = *lo;
        out.max_delay = *hi;
    }
    return out;
}

}  // namespace fluxon::net
