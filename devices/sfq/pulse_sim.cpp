#include "devices/sfq/pulse_sim.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numbers>
#include <tuple>

#include <fmt/format.h>

#include "engine/errors.hpp"
#include "engine/rng.hpp"

namespace fluxon::sfq {

std::string_view violation_name(violation_kind k) { return k == violation_kind::setup ? "setup" : "hold"; }

namespace {

constexpr tick_t never = std::numeric_limits<tick_t>::min() / 2;
constexpr std::uint32_t no_cell = std::numeric_limits<std::uint32_t>::max();

tick_t to_fs(double seconds) { return static_cast<tick_t>(std::llround(seconds * 1e15)); }

// A pulse on its way to an input port, 16 bytes. `tag` orders ties at one time by instance,
// then port, then emission sequence: instance << 40 | port << 32 | sequence (32 bits,
// wrapping). Two pulses can only tie on (time, instance, port) when one driver emits both at
// once, and then they are the same pulse twice, so a wrapped sequence cannot change results.
struct pulse {
    tick_t time;
    std::uint64_t tag;
};

constexpr std::uint64_t tag_of(std::uint32_t cell, std::uint8_t port, std::uint64_t seq) {
    return std::uint64_t{cell} << 40 | std::uint64_t{port} << 32 | (seq & 0xffffffffULL);
}

inline bool before(const pulse& a, const pulse& b) {
    return a.time < b.time || (a.time == b.time && a.tag < b.tag);
}

// A binary min-heap with hole-based sifting: no swaps, no allocation once grown. (A 4-ary
// heap measured slower on bench/sfq: its pops compare more and the heap stays small.)
class pulse_heap {
public:
    bool empty() const { return items_.empty(); }
    const pulse& top() const { return items_.front(); }
    void push(const pulse& p) {
        std::size_t hole = items_.size();
        items_.push_back(p);
        while (hole > 0) {
            const std::size_t parent = (hole - 1) / 2;
            if (!before(p, items_[parent])) break;
            items_[hole] = items_[parent];
            hole = parent;
        }
        items_[hole] = p;
    }
    void pop() {
        const pulse last = items_.back();
        items_.pop_back();
        const std::size_t n = items_.size();
        if (n == 0) return;
        std::size_t hole = 0;
        for (;;) {
            std::size_t child = 2 * hole + 1;
            if (child >= n) break;
            if (child + 1 < n && before(items_[child + 1], items_[child])) ++child;
            if (!before(items_[child], last)) break;
            items_[hole] = items_[child];
            hole = child;
        }
        items_[hole] = last;
    }

private:
    std::vector<pulse> items_;
};

// The state machine one instance runs, as the hot loop reads it.
struct lowered_type {
    std::uint8_t inputs = 0;
    std::vector<transition> table;
};

struct edge {
    std::uint32_t cell = no_cell;  // no_cell: leaves the circuit
    std::uint8_t port = 0;
    std::int32_t output = -1;      // index into sim_result::outputs, or -1
    std::int32_t recorded = -1;    // index into sim_result::recorded, or -1
};

struct cell_state {
    std::uint32_t type = 0;
    std::uint32_t state = 0;
    std::uint32_t in_base = 0, out_base = 0;  // into last_arrival and edges
    tick_t delay = 0, setup = 0, hold = 0;
    tick_t hold_start = never, hold_end = never;
    std::uint8_t hold_port = 0;
    std::uint64_t pass_below = 0;  // stochastic transitions fire when a 64-bit draw is below
    std::uint64_t seed = 0;
    std::uint64_t draws = 0;
};

// An integrate-and-fire neuron as a state machine: state k holds k pulses; exc counts up and
// fires at threshold (back to 0), inh counts down by inh_weight (not below 0).
lowered_type neuron_fsm(std::uint32_t threshold, std::uint32_t inh_weight) {
    lowered_type t;
    t.inputs = 2;
    t.table.resize(std::size_t{threshold} * 2);
    for (std::uint32_t k = 0; k < threshold; ++k) {
        transition& exc = t.table[k * 2];
        if (k + 1 == threshold) {
            exc.dest = 0;
            exc.fire = 1;
        } else {
            exc.dest = static_cast<std::uint16_t>(k + 1);
        }
        t.table[k * 2 + 1].dest = static_cast<std::uint16_t>(k > inh_weight ? k - inh_weight : 0);
    }
    return t;
}

std::uint64_t threshold_of(double p) {
    if (p >= 1) return std::numeric_limits<std::uint64_t>::max();
    if (p <= 0) return 0;
    return static_cast<std::uint64_t>(std::ldexp(p, 64));
}

class simulator {
public:
    simulator(const netlist& n, const library& lib, const sim_options& o) : opt_(o) {
        if (n.instances.size() >= (std::size_t{1} << 24)) {
            throw user_error(fmt::format("{} cells: the pulse simulator numbers cells in 24 bits (at most {})",
                                         n.instances.size(), (1 << 24) - 1),
                             {});
        }
        clip_ = lib.tech.jitter_clip.value;
        std::map<std::tuple<const cell_type*, std::uint32_t, std::uint32_t>, std::uint32_t> type_ids;
        std::uint32_t in_total = 0, out_total = 0;
        cells_.resize(n.instances.size());
        for (std::uint32_t i = 0; i < n.instances.size(); ++i) {
            const instance& inst = n.instances[i];
            const cell_type& ct = *inst.type;
            const bool neuron = ct.kind == cell_kind::integrate_and_fire;
            const auto key = std::make_tuple(&ct, neuron ? inst.threshold : 0u, neuron ? inst.inh_weight : 0u);
            auto [it, added] = type_ids.emplace(key, static_cast<std::uint32_t>(types_.size()));
            if (added) {
                if (neuron) {
                    types_.push_back(neuron_fsm(inst.threshold, inst.inh_weight));
                } else {
                    types_.push_back({static_cast<std::uint8_t>(ct.inputs.size()), ct.table});
                }
            }
            cell_state& c = cells_[i];
            c.type = it->second;
            c.in_base = in_total;
            c.out_base = out_total;
            in_total += static_cast<std::uint32_t>(ct.inputs.size());
            out_total += static_cast<std::uint32_t>(ct.outputs.size());
            c.delay = to_fs(inst.delay ? *inst.delay : ct.delay.value);
            c.setup = to_fs(ct.setup.value);
            c.hold = to_fs(ct.hold.value);
            c.pass_below = threshold_of(inst.pass_probability);
            c.seed = derive_seed(o.seed, stream_kind::device, i);
        }
        last_arrival_.assign(in_total, never);
        edges_.resize(out_total);
        for (const wire& w : n.wires) {
            edge& e = edges_[cells_[w.from.instance].out_base + w.from.port];
            e.cell = w.to.instance;
            e.port = w.to.port;
        }
        for (std::size_t k = 0; k < n.outputs.size(); ++k) {
            edges_[cells_[n.outputs[k].from.instance].out_base + n.outputs[k].from.port].output =
                static_cast<std::int32_t>(k);
        }
        for (std::size_t k = 0; k < n.recorded.size(); ++k) {
            edges_[cells_[n.recorded[k].from.instance].out_base + n.recorded[k].from.port].recorded =
                static_cast<std::int32_t>(k);
        }
        // Circuit inputs are already sorted per train; merged once, they are read in order
        // beside the heap instead of filling it.
        for (const input_train& in : n.inputs) {
            for (const tick_t t : in.times) external_.push_back({t, tag_of(in.to.instance, in.to.port, 0)});
        }
        std::sort(external_.begin(), external_.end(), before);
        result_.outputs.resize(n.outputs.size());
        result_.recorded.resize(n.recorded.size());
        result_.firings.assign(n.instances.size(), 0);
    }

    sim_result run() {
        std::size_t next_external = 0;
        const tick_t stop = opt_.stop < 0 ? std::numeric_limits<tick_t>::max() : opt_.stop;
        for (;;) {
            pulse p;
            const bool have_external = next_external < external_.size();
            if (heap_.empty()) {
                if (!have_external) break;
                p = external_[next_external++];
            } else if (have_external && before(external_[next_external], heap_.top())) {
                p = external_[next_external++];
            } else {
                p = heap_.top();
                heap_.pop();
            }
            if (p.time >= stop) break;
            deliver(p.time, static_cast<std::uint32_t>(p.tag >> 40), static_cast<std::uint8_t>(p.tag >> 32));
            if (result_.stopped_on_violation) break;
        }
        return std::move(result_);
    }

private:
    void report(std::uint32_t cell, violation_kind kind, tick_t t, std::uint8_t port, tick_t other_t,
                std::uint8_t other_port) {
        result_.violations.push_back({cell, kind, t, port, other_t, other_port});
        if (opt_.stop_on_violation) result_.stopped_on_violation = true;
    }

    // Box-Muller from two counter-based uniforms: the draw depends only on (seed, instance,
    // firing number), not on the order cells fire in.
    tick_t jittered(cell_state& c) {
        const double u1 = counter_uniform(c.seed, c.draws, 1);
        const double u2 = counter_uniform(c.seed, c.draws, 2);
        ++c.draws;
        const double z = std::sqrt(-2.0 * std::log1p(-u1)) * std::cos(2 * std::numbers::pi * u2);
        const double factor = std::clamp(z * clip_ / 3, -clip_, clip_);
        return std::max<tick_t>(0, c.delay + static_cast<tick_t>(std::llround(static_cast<double>(c.delay) * factor)));
    }

    void deliver(tick_t t, std::uint32_t cell, std::uint8_t port) {
        ++result_.events;
        result_.end = std::max(result_.end, t);
        cell_state& c = cells_[cell];
        const lowered_type& type = types_[c.type];
        if (t < c.hold_end) report(cell, violation_kind::hold, t, port, c.hold_start, c.hold_port);
        const transition& tr = type.table[std::size_t{c.state} * type.inputs + port];
        tick_t* last = &last_arrival_[c.in_base];
        if (tr.setup && c.setup > 0) {
            for (std::uint8_t q = 0; q < type.inputs; ++q) {
                if (last[q] != never && t - last[q] < c.setup) {
                    report(cell, violation_kind::setup, t, port, last[q], q);
                    break;
                }
            }
        }
        last[port] = t;
        c.state = tr.dest;
        if (tr.hold && c.hold > 0) {
            c.hold_start = t;
            c.hold_end = t + c.hold;
            c.hold_port = port;
        }
        if (tr.fire == 0) return;
        if (tr.stochastic) {
            const std::uint64_t draw = mix64(c.seed ^ mix64(c.draws++ + 0x9e3779b97f4a7c15ULL));
            if (draw >= c.pass_below) return;
        }
        ++result_.firings[cell];
        const tick_t at = t + (opt_.jitter ? jittered(c) : c.delay);
        result_.end = std::max(result_.end, at);
        for (std::uint8_t o = 0, mask = tr.fire; mask != 0; ++o, mask >>= 1) {
            if (!(mask & 1)) continue;
            const edge& e = edges_[c.out_base + o];
            if (e.output >= 0) result_.outputs[e.output].push_back(at);
            if (e.recorded >= 0) result_.recorded[e.recorded].push_back(at);
            if (e.cell != no_cell) heap_.push({at, tag_of(e.cell, e.port, seq_++)});
        }
    }

    sim_options opt_;
    double clip_ = 0;
    std::vector<lowered_type> types_;
    std::vector<cell_state> cells_;
    std::vector<tick_t> last_arrival_;
    std::vector<edge> edges_;
    std::vector<pulse> external_;
    pulse_heap heap_;
    std::uint64_t seq_ = 0;
    sim_result result_;
};

}  // namespace

sim_result simulate(const netlist& n, const library& lib, const sim_options& options) {
    return simulator(n, lib, options).run();
}

}  // namespace fluxon::sfq
