#include "networks/connectivity.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <unordered_set>

#include <boost/random/uniform_01.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <fmt/format.h>

#include "networks/values.hpp"

namespace fluxon::net {
namespace {

using kind = connector_spec::kind;

void connect_all_to_all(const connector_spec& c, const projection_context& ctx, const synapse_sink& emit) {
    const bool skip_self = ctx.same_population && !c.allow_autapses;
    for (std::uint32_t j = 0; j < ctx.pre_size; ++j) {
        for (std::uint32_t i = 0; i < ctx.post_size; ++i) {
            if (!(skip_self && i == j)) emit(j, i);
        }
    }
}

void connect_one_to_one(const connector_spec& c, const projection_context& ctx, const synapse_sink& emit) {
    if (ctx.pre_size != ctx.post_size) {
        throw network_error(fmt::format("one_to_one needs populations of equal size, got {} and {}",
                                        ctx.pre_size, ctx.post_size),
                            c.site);
    }
    for (std::uint32_t j = 0; j < ctx.pre_size; ++j) emit(j, j);
}

// Bernoulli(p) over every (pre, post) pair, drawn by geometric skips so that the cost is
// proportional to the synapses made, not to the pairs considered.
void connect_fixed_probability(const connector_spec& c, const projection_context& ctx,
                               sequential_rng& rng, const synapse_sink& emit) {
    if (!(c.p >= 0 && c.p <= 1)) {
        throw config_error(fmt::format("connection probability p = {} is not in [0, 1]", c.p), c.site);
    }
    if (c.p == 0) return;
    const bool skip_self = ctx.same_population && !c.allow_autapses;
    const double log_q = std::log1p(-c.p);
    boost::random::uniform_01<double> uniform;
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
            if (!(skip_self && i == j)) emit(j, static_cast<std::uint32_t>(i));
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
                          const synapse_sink& emit) {
    const bool in = c.k == kind::fixed_indegree;
    const std::uint32_t owners = in ? ctx.post_size : ctx.pre_size;
    const std::uint32_t partners = in ? ctx.pre_size : ctx.post_size;
    const bool exclude_self = ctx.same_population && !c.allow_autapses;
    std::vector<std::uint32_t> chosen;
    for (std::uint32_t o = 0; o < owners; ++o) {
        pick(c.n, partners, exclude_self ? std::int64_t{o} : -1, c.allow_multapses, rng, chosen, c.site);
        for (std::uint32_t p : chosen) in ? emit(p, o) : emit(o, p);
    }
}

void connect_explicit(const connector_spec& c, const projection_context& ctx, const synapse_sink& emit) {
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
        emit(static_cast<std::uint32_t>(j), static_cast<std::uint32_t>(i));
    }
}

const value_spec& delay_spec_of(const projection_spec& spec, const value_spec& default_delay) {
    return spec.delay_given ? spec.delay : default_delay;
}

}  // namespace

void connect(const connector_spec& c, const projection_context& ctx, const synapse_sink& emit) {
    sequential_rng rng(derive_seed(ctx.seed, stream_kind::connectivity, ctx.index));
    switch (c.k) {
        case kind::all_to_all: return connect_all_to_all(c, ctx, emit);
        case kind::one_to_one: return connect_one_to_one(c, ctx, emit);
        case kind::fixed_probability: return connect_fixed_probability(c, ctx, rng, emit);
        case kind::fixed_indegree:
        case kind::fixed_outdegree: return connect_fixed_degree(c, ctx, rng, emit);
        case kind::explicit_list: return connect_explicit(c, ctx, emit);
    }
}

synapse_values::synapse_values(const projection_spec& spec, const projection_context& ctx, std::size_t n)
    : spec_(spec),
      sign_(ctx.sign),
      weight_dim_(ctx.weight_dim),
      dt_(ctx.dt),
      default_delay_{value_spec::kind::constant, {ctx.dt, spec.site}, {}, {}, spec.site},
      delay_spec_(delay_spec_of(spec, default_delay_)),
      weight_rng_(derive_seed(ctx.seed, stream_kind::weights, ctx.index)),
      delay_rng_(derive_seed(ctx.seed, stream_kind::delays, ctx.index)),
      weights_(spec.weight, n, ctx.weight_dim, weight_rng_, "projection '" + spec.name + "' weight"),
      delays_(delay_spec_, n, dimension::time, delay_rng_, "projection '" + spec.name + "' delay"),
      round_(delay_spec_.k == value_spec::kind::uniform || delay_spec_.k == value_spec::kind::normal) {
    if (n >= std::numeric_limits<std::uint32_t>::max()) {
        throw network_error("a projection may have at most 2^32 - 1 synapses", spec.site);
    }
}

// The sign conventions differ between simulators: Brian2 and NEST write inhibitory current
// weights negative, PyNN writes them positive and lets the receptor flip them. fluxon's
// receptors never flip, so a weight of the wrong sign is refused rather than silently excite.
error_site synapse_values::weight_site() const {
    error_site site = spec_.weight.site.key.empty() ? spec_.site : spec_.weight.site;
    if (site.node.empty()) site.node = spec_.name;
    return site;
}

void synapse_values::refuse_sign(double w) const {
    const bool want_negative = sign_ == weight_sign::non_positive;
    const std::string unit(si_unit(weight_dim_));
    const std::string advice =
        want_negative
            ? fmt::format("inhibitory weights are written negative in fluxon, as in Brian2 and NEST "
                          "(the receptor does not flip the sign); a PyNN-style positive weight w is -w here, "
                          "e.g. {:.6g} {}",
                          -w, unit)
            : fmt::format("receptor '{}' takes conductances, which cannot be negative; inhibition comes from "
                          "the model's reversal potential",
                          spec_.receptor);
    throw config_error(fmt::format("projection '{}': weight #{} = {:.6g} {} onto receptor '{}' of population '{}' is {}; {}",
                                   spec_.name, weights_drawn_ - 1, w, unit, spec_.receptor, spec_.post,
                                   want_negative ? "positive and would excite" : "negative", advice),
                       weight_site());
}

// Brian2 users get here first: no delay is Brian2's default. The engine hands spikes over at
// window ends, so a spike cannot reach a target before that target's next step.
void synapse_values::refuse_zero_delay(double d) const {
    throw config_error(
        fmt::format("delay #{} = {} s: the smallest delay is one step (dt = {} s). Brian2's default of no delay "
                    "(a spike changes its targets before their next integration step) has no exact equivalent: "
                    "with delay = dt every spike acts one step later than in Brian2 (for CUBA the mean rate "
                    "moves by about 1 %); write delay = dt to accept that",
                    drawn_, d, dt_),
        delay_spec_.site);
}

// Given delays must lie on the dt grid; random ones (uniform/normal) are rounded to it.
std::uint16_t synapse_values::next_delay() {
    const double d = delays_.next();
    const double s = d / dt_;
    const double r = std::nearbyint(s);
    if (r == 0 && std::fabs(s) <= 1e-6) refuse_zero_delay(d);
    if ((!round_ && std::fabs(s - r) > 1e-6 * std::max(1.0, r)) || r < 1 || r > 65535) {
        throw config_error(fmt::format("delay #{} = {} s must be a whole number of steps of dt = {} s, "
                                       "from 1 to 65535 steps",
                                       drawn_, d, dt_),
                           delay_spec_.site);
    }
    ++drawn_;
    return static_cast<std::uint16_t>(r);
}

delay_range scan_delays(const projection_spec& spec, const projection_context& ctx, std::size_t n) {
    synapse_values values(spec, ctx, n);
    delay_range range{65535, 1};
    for (std::size_t k = 0; k < n; ++k) {
        const std::uint16_t d = values.next_delay();
        range.min = std::min(range.min, d);
        range.max = std::max(range.max, d);
    }
    if (n == 0) {
        // No synapse: a constant delay is still checked and still bounds the window.
        const value_spec& d = delay_spec_of(spec, values.default_delay());
        if (d.k == value_spec::kind::constant) {
            synapse_values one(spec, ctx, 1);
            range.min = range.max = one.next_delay();
        }
    }
    return range;
}

std::vector<float> distinct_weights(const projection_spec& spec, const projection_context& ctx, std::size_t n,
                                    std::size_t limit) {
    const auto kind = spec.weight.k;
    if (n == 0 || (kind != value_spec::kind::constant && kind != value_spec::kind::array)) return {};
    synapse_values values(spec, ctx, n);
    // A constant is one value: drawing it once checks it as drawing it n times would.
    const std::size_t draws = kind == value_spec::kind::constant ? 1 : n;
    std::vector<float> distinct;
    std::unordered_set<std::uint32_t> seen;
    for (std::size_t k = 0; k < draws; ++k) {
        const float w = values.next_weight();
        if (!seen.insert(std::bit_cast<std::uint32_t>(w)).second) continue;
        if (distinct.size() == limit) return {};
        distinct.push_back(w);
    }
    return distinct;
}

synapse_list build_synapses(const projection_spec& spec, const projection_context& ctx) {
    synapse_list out;
    connect(spec.connector, ctx, [&](std::uint32_t pre, std::uint32_t post) {
        out.pre.push_back(pre);
        out.post.push_back(post);
    });
    const auto range = scan_delays(spec, ctx, out.size());
    out.min_delay = range.min;
    out.max_delay = range.max;
    synapse_values values(spec, ctx, out.size());
    for (std::size_t k = 0; k < out.size(); ++k) {
        out.weight.push_back(values.next_weight());
        out.delay.push_back(values.next_delay());
    }
    return out;
}

}  // namespace fluxon::net
