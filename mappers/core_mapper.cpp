// Grouping chunks onto cores is multi-constraint balanced k-way graph partitioning: every part
// must stay within a core's neuron and synapse capacities (two vertex weights) while the edge
// cut, which here counts the spike messages that cross cores, is as small as possible. That is
// exactly the problem METIS solves; Boost.Graph has no balanced partitioner, and greedy
// placements leave recurrent networks with far larger cuts. Fan-in is not additive over
// vertices, so METIS cannot see it: every partition is checked against all hard limits and
// retried with more parts until it fits.
#include "mappers/core_mapper.hpp"

#include <metis.h>

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <limits>
#include <numeric>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace fluxon {
namespace {

constexpr std::uint64_t unlimited = std::numeric_limits<std::uint64_t>::max();

bool within(std::uint64_t amount, const capacity_limit& limit) {
    return limit.value == 0 || amount <= limit.value;
}

std::uint64_t capacity(const capacity_limit& limit) { return limit.value == 0 ? unlimited : limit.value; }

std::string limit_text(const capacity_limit& limit) {
    return limit.value == 0 ? std::string("unlimited") : std::to_string(limit.value);
}

std::string chip_name(const chip_params& chip) { return chip.name.empty() ? std::string("chip") : chip.name; }

[[noreturn]] void refuse(const std::string& population, const std::string& resource,
                         const std::string& what) {
    throw network_error(fmt::format("population '{}': {}", population, what),
                        error_site{.node = population, .resource = resource});
}

// The synapses as CSR over global neuron ids (population offset + index), by target: every
// question the mapper asks (in-degree, fan-in, messages, destinations) is about the
// presynaptic neurons of a set of targets. Nothing depends on the order within a list, so the
// mapping does not depend on the order the walk visits synapses in.
struct synapse_graph {
    std::vector<std::uint32_t> offset;  // first global id per population; back(): all neurons
    std::vector<std::uint64_t> in_begin;
    std::vector<std::uint32_t> in_pre;

    std::uint32_t neurons() const { return offset.back(); }
    std::uint64_t in_degree(std::uint32_t g) const { return in_begin[g + 1] - in_begin[g]; }

    template <class Fn>
    void each_pre(std::uint32_t post, Fn&& fn) const {
        for (auto k = in_begin[post]; k < in_begin[post + 1]; ++k) fn(in_pre[k]);
    }
};

// Two walks: one counts in-degrees, the other fills the incoming lists in place.
synapse_graph read_graph(const std::vector<mapper_population>& populations, const connectivity_walk& walk) {
    synapse_graph g;
    g.offset.assign(populations.size() + 1, 0);
    std::uint64_t total = 0;
    for (std::size_t p = 0; p < populations.size(); ++p) {
        g.offset[p] = static_cast<std::uint32_t>(total);
        total += populations[p].size;
        if (total >= std::numeric_limits<std::uint32_t>::max()) {
            refuse(populations[p].name, "neurons",
                   fmt::format("the network has {} or more neurons; the core mapper handles fewer than 2^32",
                               total));
        }
    }
    g.offset.back() = static_cast<std::uint32_t>(total);
    const auto global = [&](std::uint32_t pop, std::uint32_t neuron) {
        if (pop >= populations.size() || neuron >= g.offset[pop + 1] - g.offset[pop]) {
            throw internal_error(
                fmt::format("core mapper: the connectivity names neuron {} of population {}, "
                            "which does not exist",
                            neuron, pop));
        }
        return g.offset[pop] + neuron;
    };
    g.in_begin.assign(total + 1, 0);
    walk([&](std::uint32_t pp, std::uint32_t pi, std::uint32_t qp, std::uint32_t qi) {
        global(pp, pi);
        ++g.in_begin[global(qp, qi) + 1];
    });
    std::partial_sum(g.in_begin.begin(), g.in_begin.end(), g.in_begin.begin());
    g.in_pre.resize(g.in_begin.back());
    std::vector<std::uint64_t> cursor(g.in_begin.begin(), g.in_begin.end() - 1);
    const auto changed = [] {
        return internal_error("core mapper: the connectivity walk visited other synapses the second time");
    };
    walk([&](std::uint32_t pp, std::uint32_t pi, std::uint32_t qp, std::uint32_t qi) {
        const std::uint32_t post = global(qp, qi);
        if (cursor[post] == g.in_begin[post + 1]) throw changed();
        g.in_pre[cursor[post]++] = global(pp, pi);
    });
    for (std::uint32_t post = 0; post < total; ++post) {
        if (cursor[post] != g.in_begin[post + 1]) throw changed();
    }
    return g;
}

// Distinct ids over a sequence of sets without clearing between sets: each set is a new stamp.
class distinct_marker {
public:
    explicit distinct_marker(std::size_t ids) : mark_(ids, 0) {}
    void next_set() { ++stamp_; }
    bool seen(std::uint32_t id) const { return mark_[id] == stamp_; }
    // True when `id` is new to the current set.
    bool add(std::uint32_t id) {
        if (mark_[id] == stamp_) return false;
        mark_[id] = stamp_;
        return true;
    }

private:
    std::vector<std::uint64_t> mark_;
    std::uint64_t stamp_ = 0;
};

struct chunk {
    std::uint32_t population = 0, first = 0, size = 0;
    std::uint32_t global_first = 0;
    std::uint64_t synapses = 0;
    std::uint64_t fan_in = 0;  // distinct presynaptic neurons of the chunk alone
};

struct chunk_size {
    std::uint64_t neurons = unlimited, synapses = unlimited;
};

// By default a chunk is at most a quarter of a core in synapses as well as in neurons: with
// only the neuron quarter, synapse-heavy networks (80 synapses a neuron on Loihi) get chunks
// of which only two fit a core, and cores end up two-thirds full. A neuron heavier than the
// quarter still makes a chunk of its own. An explicit chunk size is kept up to a whole core.
chunk_size chunk_size_for(const chip_params& chip, const mapper_options& options) {
    const std::uint64_t neurons = chip.neurons_per_core.value, synapses = chip.synapses_per_core.value;
    chunk_size c;
    if (options.chunk_neurons != 0) {
        c.neurons = options.chunk_neurons;
        if (neurons != 0) c.neurons = std::min(c.neurons, neurons);
        c.synapses = capacity(chip.synapses_per_core);
    } else {
        if (neurons != 0) c.neurons = std::max<std::uint64_t>(1, neurons / 4);
        if (synapses != 0) c.synapses = std::max<std::uint64_t>(1, synapses / 4);
    }
    return c;
}

// Neurons that no core could hold are refused here, with their index.
void check_neuron(const mapper_population& pop, std::uint32_t i, std::uint64_t in_degree,
                  std::uint64_t fan_in, const chip_params& chip) {
    if (!within(in_degree, chip.synapses_per_core)) {
        refuse(pop.name, "synapses_per_core",
               fmt::format(
                   "neuron {} has {} incoming synapses but a {} core holds at most {} (synapses_per_core)", i,
                   in_degree, chip_name(chip), chip.synapses_per_core.value));
    }
    if (!within(fan_in, chip.fan_in_per_core)) {
        refuse(pop.name, "fan_in_per_core",
               fmt::format(
                   "neuron {} receives from {} distinct presynaptic neurons but a {} core accepts at most {} "
                   "(fan_in_per_core)",
                   i, fan_in, chip_name(chip), chip.fan_in_per_core.value));
    }
}

// Greedy in neuron order. Besides neurons and synapses, chunks also respect the fan-in limit,
// so that every chunk fits an empty core and no mapping fails for the way it was cut.
std::vector<chunk> cut_chunks(const std::vector<mapper_population>& populations, const synapse_graph& g,
                              const chip_params& chip, const mapper_options& options) {
    const chunk_size most = chunk_size_for(chip, options);
    std::vector<chunk> chunks;
    distinct_marker in_chunk(g.neurons()), in_neuron(g.neurons());
    for (std::uint32_t p = 0; p < populations.size(); ++p) {
        bool open = false;
        for (std::uint32_t i = 0; i < populations[p].size; ++i) {
            const std::uint32_t post = g.offset[p] + i;
            std::uint64_t own = 0, added = 0;
            in_neuron.next_set();
            g.each_pre(post, [&](std::uint32_t pre) {
                if (!in_neuron.add(pre)) return;
                ++own;
                if (!in_chunk.seen(pre)) ++added;
            });
            check_neuron(populations[p], i, g.in_degree(post), own, chip);
            const bool fits = open && chunks.back().size < most.neurons &&
                              chunks.back().synapses + g.in_degree(post) <= most.synapses &&
                              within(chunks.back().fan_in + added, chip.fan_in_per_core);
            if (!fits) {
                chunks.push_back({p, i, 0, post, 0, 0});
                in_chunk.next_set();
                open = true;
                added = own;
            }
            chunk& c = chunks.back();
            ++c.size;
            c.synapses += g.in_degree(post);
            c.fan_in += added;
            g.each_pre(post, [&](std::uint32_t pre) { in_chunk.add(pre); });
        }
    }
    return chunks;
}

template <class Fn>
void each_pre_of_chunk(const synapse_graph& g, const chunk& c, Fn&& fn) {
    for (std::uint32_t post = c.global_first; post < c.global_first + c.size; ++post) g.each_pre(post, fn);
}

struct placement {
    std::vector<std::uint32_t> core_of_chunk;
    std::uint32_t cores = 0;
};

struct network_totals {
    std::uint64_t neurons = 0, synapses = 0;
};

network_totals totals_of(const std::vector<chunk>& chunks) {
    network_totals t;
    for (const chunk& c : chunks) {
        t.neurons += c.size;
        t.synapses += c.synapses;
    }
    return t;
}

// Cores reachable: the chip's, unless the placement order lists fewer tiles.
std::uint64_t core_limit(const chip_params& chip, const std::vector<std::uint32_t>& tile_order) {
    return std::min<std::uint64_t>(chip.cores(), std::uint64_t{tile_order.size()} * chip.noc.cores_per_tile);
}

[[noreturn]] void refuse_cores(const std::string& population, std::uint64_t needed, std::uint64_t limit,
                               const chip_params& chip, const std::vector<chunk>& chunks) {
    const std::string available =
        limit < chip.cores()
            ? fmt::format("only {} of the {} cores of a {} chip lie on the {} tiles of the placement order",
                          limit, chip.cores(), chip_name(chip),
                          limit / std::max<std::uint32_t>(1, chip.noc.cores_per_tile))
            : fmt::format("a {} chip has {}", chip_name(chip), chip.cores());
    const network_totals t = totals_of(chunks);
    refuse(population, "cores",
           fmt::format(
               "the network needs {} cores but {} (cores); filled in population order, the cores run out "
               "at this population ({} neurons and {} synapses in all; a core holds at most {} neurons, {} "
               "synapses and {} presynaptic neurons)",
               needed, available, t.neurons, t.synapses, limit_text(chip.neurons_per_core),
               limit_text(chip.synapses_per_core), limit_text(chip.fan_in_per_core)));
}

// Next fit in population order: a chunk joins the current core if all three limits allow,
// else it opens a new core. Filling goes on past the limit so the error can say how many
// cores the network needs.
placement sequential_fill(const std::vector<mapper_population>& populations, const synapse_graph& g,
                          const std::vector<chunk>& chunks, const chip_params& chip, std::uint64_t limit) {
    placement out;
    out.core_of_chunk.resize(chunks.size());
    distinct_marker in_core(g.neurons()), in_chunk(g.neurons());
    std::uint64_t neurons = 0, synapses = 0, fan_in = 0;
    std::optional<std::uint32_t> ran_out;
    for (std::size_t k = 0; k < chunks.size(); ++k) {
        const chunk& c = chunks[k];
        std::uint64_t added = 0;
        if (out.cores > 0) {
            in_chunk.next_set();
            each_pre_of_chunk(g, c, [&](std::uint32_t pre) {
                if (in_chunk.add(pre) && !in_core.seen(pre)) ++added;
            });
        }
        const bool fits = out.cores > 0 && within(neurons + c.size, chip.neurons_per_core) &&
                          within(synapses + c.synapses, chip.synapses_per_core) &&
                          within(fan_in + added, chip.fan_in_per_core);
        if (!fits) {
            ++out.cores;
            in_core.next_set();
            neurons = synapses = fan_in = 0;
            added = c.fan_in;
            if (out.cores > limit && !ran_out) ran_out = c.population;
        }
        each_pre_of_chunk(g, c, [&](std::uint32_t pre) { in_core.add(pre); });
        neurons += c.size;
        synapses += c.synapses;
        fan_in += added;
        out.core_of_chunk[k] = out.cores - 1;
    }
    if (ran_out) refuse_cores(populations[*ran_out].name, out.cores, limit, chip, chunks);
    return out;
}

// The chunk graph in METIS's CSR form. Edge A–B weighs the (pre neuron in A, chunk B) pairs
// with a synapse plus the (pre neuron in B, chunk A) pairs: the messages a spike round sends
// between the two chunks if they sit on different cores.
struct chunk_graph {
    std::vector<idx_t> xadj, adjncy, adjwgt;
};

struct arc {
    std::uint32_t from = 0, to = 0;
    std::uint64_t messages = 0;
};

// Per target chunk, the messages it receives from every other chunk.
std::vector<arc> chunk_arcs(const synapse_graph& g, const std::vector<chunk>& chunks) {
    std::vector<std::uint32_t> chunk_of(g.neurons());
    for (std::uint32_t a = 0; a < chunks.size(); ++a) {
        std::fill_n(chunk_of.begin() + chunks[a].global_first, chunks[a].size, a);
    }
    std::vector<std::uint64_t> messages(chunks.size(), 0);
    std::vector<std::uint32_t> touched;
    distinct_marker heard(g.neurons());
    std::vector<arc> arcs;
    for (std::uint32_t to = 0; to < chunks.size(); ++to) {
        heard.next_set();
        each_pre_of_chunk(g, chunks[to], [&](std::uint32_t pre) {
            const std::uint32_t from = chunk_of[pre];
            if (from != to && heard.add(pre) && messages[from]++ == 0) touched.push_back(from);
        });
        for (const std::uint32_t from : touched) {
            arcs.push_back({from, to, messages[from]});
            messages[from] = 0;
        }
        touched.clear();
    }
    return arcs;
}

// Both directions of every arc on each end, merged per neighbour, in neighbour order.
chunk_graph build_chunk_graph(const synapse_graph& g, const std::vector<chunk>& chunks) {
    const std::vector<arc> arcs = chunk_arcs(g, chunks);
    std::vector<std::uint64_t> begin(chunks.size() + 1, 0);
    for (const arc& a : arcs) {
        ++begin[a.from + 1];
        ++begin[a.to + 1];
    }
    std::partial_sum(begin.begin(), begin.end(), begin.begin());
    std::vector<std::pair<std::uint32_t, std::uint64_t>> ends(begin.back());
    std::vector<std::uint64_t> cursor(begin.begin(), begin.end() - 1);
    for (const arc& a : arcs) {
        ends[cursor[a.from]++] = {a.to, a.messages};
        ends[cursor[a.to]++] = {a.from, a.messages};
    }
    chunk_graph out;
    std::vector<std::uint64_t> weights;
    out.xadj.push_back(0);
    for (std::size_t v = 0; v < chunks.size(); ++v) {
        const auto first = ends.begin() + static_cast<std::ptrdiff_t>(begin[v]);
        const auto last = ends.begin() + static_cast<std::ptrdiff_t>(begin[v + 1]);
        std::sort(first, last);
        for (auto e = first; e != last; ++e) {
            if (e != first && e->first == std::prev(e)->first) {
                weights.back() += e->second;
                continue;
            }
            out.adjncy.push_back(static_cast<idx_t>(e->first));
            weights.push_back(e->second);
        }
        out.xadj.push_back(static_cast<idx_t>(out.adjncy.size()));
    }
    // METIS sums weights in 32-bit integers: scale them down when their total would not fit.
    const std::uint64_t total = std::accumulate(weights.begin(), weights.end(), std::uint64_t{0});
    const std::uint64_t divisor = std::max<std::uint64_t>(1, (total >> 29) + 1);
    out.adjwgt.reserve(weights.size() + 1);
    for (const std::uint64_t w : weights) {
        out.adjwgt.push_back(static_cast<idx_t>((w + divisor - 1) / divisor));
    }
    // METIS dereferences these even for a graph without edges.
    out.adjncy.push_back(0);
    out.adjwgt.push_back(0);
    return out;
}

// The balance constraints handed to METIS: the limited ones among neurons and synapses.
struct balance {
    idx_t ncon = 0;
    std::vector<idx_t> vwgt;  // ncon per chunk
    std::vector<real_t> ub;   // per constraint, filled per k
    std::vector<std::uint64_t> total, cap;
};

balance balance_of(const std::vector<chunk>& chunks, const chip_params& chip) {
    balance b;
    const network_totals t = totals_of(chunks);
    const bool neurons = chip.neurons_per_core.value != 0;
    const bool synapses = chip.synapses_per_core.value != 0 && t.synapses > 0;
    // Nothing to balance (only fan-in forces several cores): spread the neurons.
    if (neurons || !synapses) {
        b.total.push_back(t.neurons);
        b.cap.push_back(capacity(chip.neurons_per_core));
    }
    if (synapses) {
        b.total.push_back(t.synapses);
        b.cap.push_back(chip.synapses_per_core.value);
    }
    b.ncon = static_cast<idx_t>(b.total.size());
    std::vector<std::uint64_t> divisor;
    for (const std::uint64_t total : b.total) {
        divisor.push_back(std::max<std::uint64_t>(1, (total >> 29) + 1));
    }
    for (const chunk& c : chunks) {
        const std::uint64_t w[2] = {neurons || !synapses ? c.size : c.synapses, c.synapses};
        for (idx_t j = 0; j < b.ncon; ++j) {
            b.vwgt.push_back(static_cast<idx_t>((w[j] + divisor[j] - 1) / divisor[j]));
        }
    }
    b.ub.resize(b.total.size());
    return b;
}

// Tight tolerances: the capacities are hard limits, and balance leaves headroom for fan-in,
// which METIS does not see. Where k parts leave slack below the capacities, use some of it.
void set_tolerances(balance& b, std::uint64_t k) {
    for (std::size_t j = 0; j < b.total.size(); ++j) {
        const double slack = b.total[j] == 0 ? 2.0
                                             : static_cast<double>(b.cap[j]) * static_cast<double>(k) /
                                                   static_cast<double>(b.total[j]);
        b.ub[j] = static_cast<real_t>(std::clamp(slack, 1.001, 1.03));
    }
}

std::vector<std::uint32_t> run_metis(chunk_graph& cg, balance& b, std::uint64_t k, std::uint64_t seed) {
    idx_t nvtxs = static_cast<idx_t>(cg.xadj.size() - 1), nparts = static_cast<idx_t>(k), objval = 0;
    idx_t opts[METIS_NOPTIONS];
    METIS_SetDefaultOptions(opts);
    opts[METIS_OPTION_SEED] = static_cast<idx_t>(seed % std::numeric_limits<idx_t>::max());
    set_tolerances(b, k);
    std::vector<idx_t> part(static_cast<std::size_t>(nvtxs));
    const int status =
        METIS_PartGraphRecursive(&nvtxs, &b.ncon, cg.xadj.data(), cg.adjncy.data(), b.vwgt.data(), nullptr,
                                 cg.adjwgt.data(), &nparts, nullptr, b.ub.data(), opts, &objval, part.data());
    if (status != METIS_OK) {
        throw internal_error(fmt::format(
            "core mapper: METIS failed (status {}) to cut {} chunks into {} parts", status, nvtxs, k));
    }
    return {part.begin(), part.end()};
}

// Chunk indices grouped by part (core), keeping chunk order within a part.
struct grouping {
    std::vector<std::uint32_t> begin, order;
};

grouping group_by_part(const std::vector<std::uint32_t>& part, std::uint64_t parts) {
    grouping out;
    out.begin.assign(parts + 1, 0);
    out.order.resize(part.size());
    for (const std::uint32_t p : part) ++out.begin[p + 1];
    std::partial_sum(out.begin.begin(), out.begin.end(), out.begin.begin());
    std::vector<std::uint32_t> cursor(out.begin.begin(), out.begin.end() - 1);
    for (std::uint32_t a = 0; a < part.size(); ++a) out.order[cursor[part[a]]++] = a;
    return out;
}

struct part_check {
    bool fits = true;
    bool fan_in_fits = true;
    std::uint64_t fan_in = 0;  // summed over parts
};

part_check check_parts(const std::vector<std::uint32_t>& part, std::uint64_t k, const synapse_graph& g,
                       const std::vector<chunk>& chunks, const chip_params& chip) {
    std::vector<std::uint64_t> neurons(k, 0), synapses(k, 0);
    for (std::size_t a = 0; a < chunks.size(); ++a) {
        neurons[part[a]] += chunks[a].size;
        synapses[part[a]] += chunks[a].synapses;
    }
    part_check out;
    for (std::uint64_t p = 0; p < k; ++p) {
        out.fits = out.fits && within(neurons[p], chip.neurons_per_core) &&
                   within(synapses[p], chip.synapses_per_core);
    }
    if (chip.fan_in_per_core.value == 0) return out;
    const grouping parts = group_by_part(part, k);
    distinct_marker in_part(g.neurons());
    for (std::uint64_t p = 0; p < k; ++p) {
        in_part.next_set();
        std::uint64_t fan_in = 0;
        for (auto i = parts.begin[p]; i < parts.begin[p + 1]; ++i) {
            each_pre_of_chunk(g, chunks[parts.order[i]],
                              [&](std::uint32_t pre) { fan_in += in_part.add(pre) ? 1 : 0; });
        }
        out.fan_in_fits = out.fan_in_fits && within(fan_in, chip.fan_in_per_core);
        out.fan_in += fan_in;
    }
    out.fits = out.fits && out.fan_in_fits;
    return out;
}

// Drops empty parts; cores keep METIS's part order, which keeps nearby parts close.
placement dense(const std::vector<std::uint32_t>& part, std::uint64_t k) {
    std::vector<std::uint32_t> core_of_part(k, 0);
    std::vector<bool> used(k, false);
    for (const std::uint32_t p : part) used[p] = true;
    placement out;
    for (std::uint64_t p = 0; p < k; ++p) {
        if (used[p]) core_of_part[p] = out.cores++;
    }
    for (const std::uint32_t p : part) out.core_of_chunk.push_back(core_of_part[p]);
    return out;
}

// Fewest parts first, from the lower bound on cores up; nothing when no k within `limit` fits.
// When the fan-in fails, k jumps to the summed fan-in over the capacity: more parts replicate
// presynaptic neurons rather than share them (refining a partition never lowers the sum), so
// the k in between would almost surely fail too, and a fan-in-bound network is refused without
// one METIS call per core of the chip.
std::optional<placement> metis_fill(const synapse_graph& g, const std::vector<chunk>& chunks,
                                    const chip_params& chip, std::uint64_t limit, std::uint64_t seed) {
    const network_totals t = totals_of(chunks);
    const auto bound = [](std::uint64_t total, std::uint64_t cap) {
        return cap == unlimited ? 0 : (total + cap - 1) / cap;
    };
    std::uint64_t k = std::max({std::uint64_t{1}, bound(t.neurons, capacity(chip.neurons_per_core)),
                                bound(t.synapses, capacity(chip.synapses_per_core))});
    std::optional<chunk_graph> cg;
    std::optional<balance> b;
    for (; k <= limit; ++k) {
        std::vector<std::uint32_t> part(chunks.size(), 0);
        if (k >= chunks.size()) {
            std::iota(part.begin(), part.end(), 0u);  // one chunk per core: every chunk fits alone
        } else if (k > 1) {
            if (!cg) {
                cg = build_chunk_graph(g, chunks);
                b = balance_of(chunks, chip);
            }
            part = run_metis(*cg, *b, k, seed);
        }
        const part_check check = check_parts(part, k, g, chunks, chip);
        if (check.fits) return dense(part, k);
        if (!check.fan_in_fits) {
            const std::uint64_t cap = chip.fan_in_per_core.value;
            k = std::max(k, (check.fan_in + cap - 1) / cap - 1);  // the loop adds the 1
        }
    }
    return std::nullopt;
}

// Per neuron: its destination cores with the synapses into each; per core: its fan-in and the
// messages it receives. Cores are visited in increasing order, so every neuron's destinations
// come out sorted. A first pass sizes the CSR exactly (and checks the fan-out), so that
// millions of entries are not grown by doubling; the second fills it.
void fill_destinations(const std::vector<mapper_population>& populations, const synapse_graph& g,
                       const std::vector<chunk>& chunks, const std::vector<std::uint32_t>& core_of_neuron,
                       const placement& where, const chip_params& chip, core_mapping& m) {
    const grouping cores = group_by_part(where.core_of_chunk, where.cores);
    distinct_marker heard(g.neurons());
    const auto each_pre_of_core = [&](std::uint32_t core, auto&& fn) {
        heard.next_set();
        for (auto i = cores.begin[core]; i < cores.begin[core + 1]; ++i) {
            each_pre_of_chunk(g, chunks[cores.order[i]], [&](std::uint32_t pre) { fn(pre, heard.add(pre)); });
        }
    };
    std::vector<std::uint64_t> slot(g.neurons(), 0);  // destinations per neuron, then next free entry
    for (std::uint32_t c = 0; c < where.cores; ++c) {
        each_pre_of_core(c, [&](std::uint32_t pre, bool first) {
            if (!first) return;
            ++slot[pre];
            ++m.cores[c].fan_in;
            if (core_of_neuron[pre] == c) {
                ++m.messages_within_cores;
            } else {
                ++m.cores[c].messages_in;
                ++m.messages_between_cores;
            }
        });
    }
    std::vector<std::uint32_t> population_of(g.neurons());
    for (std::uint32_t p = 0; p < populations.size(); ++p) {
        auto& begin = m.dest_begin[p];
        begin.assign(std::size_t{populations[p].size} + 1, 0);
        for (std::uint32_t i = 0; i < populations[p].size; ++i) {
            const std::uint32_t pre = g.offset[p] + i;
            if (!within(slot[pre], chip.fan_out_per_neuron)) {
                refuse(populations[p].name, "fan_out_per_neuron",
                       fmt::format("neuron {} sends spikes to {} cores but a {} neuron reaches at most {} "
                                   "(fan_out_per_neuron)",
                                   i, slot[pre], chip_name(chip), chip.fan_out_per_neuron.value));
            }
            begin[i + 1] = begin[i] + slot[pre];
            slot[pre] = begin[i];
            population_of[pre] = p;
        }
        m.destinations[p].resize(begin.back());
    }
    std::vector<core_destination*> current(g.neurons(), nullptr);  // the entry for the core visited
    for (std::uint32_t c = 0; c < where.cores; ++c) {
        each_pre_of_core(c, [&](std::uint32_t pre, bool first) {
            if (first) {
                current[pre] = &m.destinations[population_of[pre]][slot[pre]++];
                *current[pre] = {c, 0};
            }
            ++current[pre]->synapses;
        });
    }
}

core_mapping build_mapping(const std::vector<mapper_population>& populations, const synapse_graph& g,
                           const std::vector<chunk>& chunks, const placement& where, const chip_params& chip,
                           const std::vector<std::uint32_t>& tile_order) {
    core_mapping m;
    m.cores.resize(where.cores);
    const std::uint32_t per_tile = std::max<std::uint32_t>(1, chip.noc.cores_per_tile);
    for (std::uint32_t c = 0; c < where.cores; ++c) m.cores[c].tile = tile_order[c / per_tile];
    m.core_of.resize(populations.size());
    for (std::uint32_t p = 0; p < populations.size(); ++p) m.core_of[p].resize(populations[p].size);
    std::vector<std::uint32_t> core_of_neuron(g.neurons());
    for (std::size_t a = 0; a < chunks.size(); ++a) {
        const chunk& c = chunks[a];
        const std::uint32_t core = where.core_of_chunk[a];
        m.chunks.push_back({c.population, c.first, c.size, core});
        m.cores[core].neurons += c.size;
        m.cores[core].synapses += c.synapses;
        std::fill_n(m.core_of[c.population].begin() + c.first, c.size, core);
        std::fill_n(core_of_neuron.begin() + c.global_first, c.size, core);
    }
    m.dest_begin.resize(populations.size());
    m.destinations.resize(populations.size());
    fill_destinations(populations, g, chunks, core_of_neuron, where, chip, m);
    return m;
}

}  // namespace

core_mapping map_to_cores(const std::vector<mapper_population>& populations, const connectivity_walk& walk,
                          const chip_params& chip, const std::vector<std::uint32_t>& tile_order,
                          const mapper_options& options) {
    const synapse_graph g = read_graph(populations, walk);
    const std::vector<chunk> chunks = cut_chunks(populations, g, chip, options);
    const std::uint64_t limit = core_limit(chip, tile_order);
    std::optional<placement> where;
    if (options.strategy == mapper_strategy::metis) where = metis_fill(g, chunks, chip, limit, options.seed);
    // The sequential fill also names the population where the cores run out when METIS found
    // no partition within the limit.
    if (!where) where = sequential_fill(populations, g, chunks, chip, limit);
    return build_mapping(populations, g, chunks, *where, chip, tile_order);
}

namespace {

struct off_chip_row {
    std::uint32_t population = 0;
    std::uint64_t index = 0;  // into destinations[population]
};

// Per core, the rows that do not fit on it, in (population, neuron) order.
std::vector<std::vector<off_chip_row>> rows_off_chip(core_mapping& m, std::uint64_t synapses_per_core) {
    std::vector<std::vector<off_chip_row>> off(m.cores.size());
    std::vector<std::uint64_t> used(m.cores.size(), 0);
    for (std::uint32_t p = 0; p < m.destinations.size(); ++p) {
        for (std::uint64_t k = 0; k < m.destinations[p].size(); ++k) {
            const core_destination& d = m.destinations[p][k];
            if (synapses_per_core == 0 || used[d.core] + d.synapses <= synapses_per_core) {
                used[d.core] += d.synapses;
                continue;
            }
            off[d.core].push_back({p, k});
            m.cores[d.core].synapses_off_chip += d.synapses;
        }
    }
    return off;
}

}  // namespace

void place_rows_in_dram(core_mapping& mapping, const std::vector<mapper_population>& populations,
                        std::uint64_t synapses_per_core, const dram_row_memory& memory) {
    mapping.dram_rows.clear();
    for (const auto& dest : mapping.destinations) mapping.dram_rows.emplace_back(dest.size());
    const std::vector<std::vector<off_chip_row>> off = rows_off_chip(mapping, synapses_per_core);
    std::uint64_t next = 0;
    for (const auto& core_rows : off) {
        for (const off_chip_row& r : core_rows) {
            const std::uint64_t bytes = std::uint64_t{mapping.destinations[r.population][r.index].synapses} *
                                        memory.bytes_per_synapse;
            const std::uint64_t bursts = (bytes + memory.burst_bytes - 1) / memory.burst_bytes;
            const std::uint64_t size = bursts * memory.burst_bytes;
            if (size > memory.capacity_bytes || next > memory.capacity_bytes - size) {
                refuse(populations[r.population].name, "dram capacity",
                       fmt::format("the synaptic rows that do not fit on their cores need more than "
                                   "the {} bytes of DRAM {} (a row of {} bytes from its neurons "
                                   "starts at byte {})",
                                   memory.capacity_bytes, memory.name, size, next));
            }
            mapping.dram_rows[r.population][r.index] = {next, bursts};
            next += size;
        }
    }
}

}  // namespace fluxon
