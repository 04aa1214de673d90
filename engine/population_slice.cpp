#include "engine/population_slice.hpp"

#include <algorithm>
#include <bit>

namespace fluxon {

population_slice::population_slice(std::unique_ptr<neuron_block> block, std::uint32_t population_index,
                                   std::uint32_t first_id, std::uint32_t size, std::size_t receptors,
                                   tick_t dt_ticks, std::uint32_t max_delay_steps,
                                   std::uint32_t window_steps)
    : block_(std::move(block)),
      population_index_(population_index),
      first_id_(first_id),
      size_(size),
      receptors_(receptors),
      dt_ticks_(dt_ticks) {
    // Deliveries reach at most max_delay steps ahead of the window that emitted them, and the
    // current window's slots are still being read: max_delay + window slots are live at once.
    const std::size_t slots = std::bit_ceil(std::size_t{max_delay_steps} + window_steps + 1);
    slot_mask_ = slots - 1;
    if (receptors_ > 0) ring_.assign(slots * receptors_ * size_, 0.0);
    receptor_ptrs_.resize(receptors_);
    block_zeroes_inputs_ = block_->zeroes_inputs();
    slot_used_.assign(slots, 0);
    all_accumulate_ = receptors_ > 0;
    bool all_single = receptors_ > 0;
    for (std::size_t r = 0; r < receptors_; ++r) {
        const auto acc = block_->input_accumulator(r);
        accumulators_.push_back(acc.size() == size_ ? acc.data() : nullptr);
        const auto single = block_->input_accumulator_single(r);
        single_accumulators_.push_back(single.size() == size_ ? single.data() : nullptr);
        all_single = all_single && single_accumulators_.back();
        all_accumulate_ = all_accumulate_ && (accumulators_.back() || single_accumulators_.back());
    }
    if (!all_single) single_accumulators_.clear();  // a block has one precision for all receptors
}

void population_slice::set_currents(std::vector<current_change> changes) {
    std::stable_sort(changes.begin(), changes.end(),
                     [](const current_change& a, const current_change& b) { return a.step < b.step; });
    changes_ = std::move(changes);
    i_ext_.assign(size_, 0.0);
}

void population_slice::start(unit_context& ctx) {
    ctx.schedule_self(id(), 0, priority_class::step, 0, 0);
}

void population_slice::on_window_start(tick_t) {
    log_.begin_window(++window_);
    for (const auto& table : incoming_) deliver(table);
    for (const auto& p : step_projections_) deliver_steps(*p);
}

void population_slice::track_input_groups(std::vector<input_group> groups, const late_table* late) {
    groups_ = std::move(groups);
    group_of_.resize(size_);
    std::uint32_t begin = 0;
    for (const auto& g : groups_) {
        std::fill(group_of_.begin() + begin, group_of_.begin() + g.end, g.group);
        begin = g.end;
    }
    touched_.assign((slot_mask_ + 1) * size_, 0);
    late_ = late;
}


namespace {

// How far ahead of the spike being delivered its successors' row_start entries, and then their
// rows, are fetched (tuned on CUBA at N=4000 and 40000; 4 and 1 were 8 % slower at 40000).
constexpr std::size_t entry_lookahead = 12;
constexpr std::size_t row_lookahead = 4;

// Every cache line of a spike's row (rows are short, a few lines at most).
template <class Entry>
void prefetch_row(const std::uint64_t* row_start, const Entry* entries, std::uint32_t pre) {
    const auto* begin = reinterpret_cast<const char*>(entries + row_start[pre]);
    const auto* end = reinterpret_cast<const char*>(entries + row_start[pre + 1]);
    for (const char* line = begin; line < end; line += 64) __builtin_prefetch(line);
}

// A row entry's target and weight, for each layout of synapse_table.
struct per_synapse_weights {
    using entry = synapse;
    explicit per_synapse_weights(const synapse_table& t) : entries(t.synapses.data()) {}
    static std::uint32_t target(const synapse& e) { return e.target; }
    static float weight(const synapse& e) { return e.weight; }
    const synapse* entries;
};

struct one_shared_weight {
    using entry = std::uint32_t;
    explicit one_shared_weight(const synapse_table& t) : entries(t.packed.data()), value(t.shared[0]) {}
    static std::uint32_t target(std::uint32_t e) { return e; }
    float weight(std::uint32_t) const { return value; }
    const std::uint32_t* entries;
    float value;
};

struct classed_weights {
    using entry = std::uint32_t;
    explicit classed_weights(const synapse_table& t)
        : entries(t.packed.data()), values(t.shared.data()), mask(t.target_mask()), shift(32 - t.class_bits) {}
    std::uint32_t target(std::uint32_t e) const { return e & mask; }
    float weight(std::uint32_t e) const { return values[e >> shift]; }
    const std::uint32_t* entries;
    const float* values;
    std::uint32_t mask, shift;
};

}  // namespace

void population_slice::deliver(const synapse_table& table) {
    if (table.sources.empty()) return;
    if (!table.weights_shared()) return deliver_layout<per_synapse_weights>(table);
    if (table.class_bits == 0) return deliver_layout<one_shared_weight>(table);
    deliver_layout<classed_weights>(table);
}

template <class Layout>
void population_slice::deliver_layout(const synapse_table& table) {
    const Layout layout(table);
    if (!single_accumulators_.empty()) return deliver_into(table, layout, single_accumulators_[table.receptor]);
    deliver_into(table, layout, accumulators_.empty() ? nullptr : accumulators_[table.receptor]);
}

template <class Layout, class Acc>
void population_slice::deliver_into(const synapse_table& table, const Layout& layout, Acc* direct) {
    if (touched_.empty()) return deliver_rows<false, false>(table, layout, direct);
    if (late_ && late_->affects(table.pre_population)) return deliver_rows<true, true>(table, layout, direct);
    deliver_rows<true, false>(table, layout, direct);
}

// Inputs due at the very next step go straight into the block's accumulator when it has one
// (the common case of a one-step delay): the ring slot then stays untouched and the step can
// skip reading it. Either way the additions happen in the same order, so results do not depend
// on the slicing. Track marks the neurons that receive input (a chip counts their updates as
// active); Late applies a device's late deliveries (a chip's congestion in timed fidelity).
// The accumulator holds the block's state: doubles, or floats in single precision.
template <bool Track, bool Late, class Layout, class Acc>
void population_slice::deliver_rows(const synapse_table& table, const Layout& layout, Acc* const direct) {
    const spike_window& first = table.sources.front()->window(window_ - 1);
    const std::size_t n_steps = first.steps.size();
    const bool uniform = table.delay.empty();
    using entry = typename Layout::entry;
    const entry* const entries = layout.entries;
    const std::uint64_t* const row_start = table.row_start.data();
    const auto add = [&](std::int64_t arrival, entry k) {
        const std::uint32_t target = layout.target(k);
        if (direct && arrival == next_step_) {
            direct[target] += layout.weight(k);
        } else {
            ring_slot(arrival, table.receptor)[target] += layout.weight(k);
            slot_used_[static_cast<std::size_t>(arrival) & slot_mask_] = 1;
        }
        if constexpr (Track) touched_[(static_cast<std::size_t>(arrival) & slot_mask_) * size_ + target] = 1;
    };
    std::int64_t events = 0;
    for (std::size_t q = 0; q < n_steps; ++q) {
        const std::int64_t step = first.steps[q];
        Acc* uniform_direct = nullptr;
        double* uniform_ring = nullptr;
        std::uint8_t* uniform_touched = nullptr;
        if (uniform) {
            const std::int64_t arrival = step + table.uniform_delay;
            if (direct && arrival == next_step_) {
                uniform_direct = direct;
            } else {
                uniform_ring = ring_slot(arrival, table.receptor);
                slot_used_[static_cast<std::size_t>(arrival) & slot_mask_] = 1;
            }
            if constexpr (Track) uniform_touched = touched_.data() + (static_cast<std::size_t>(arrival) & slot_mask_) * size_;
        }
        const auto add_row = [&](auto* target, const entry* row, const entry* row_end) {
            for (const entry* k = row; k < row_end; ++k) target[layout.target(*k)] += layout.weight(*k);
        };
        step_pre_.clear();
        for (const spike_log* source : table.sources) {
            const spike_window& w = source->window(window_ - 1);
            step_pre_.insert(step_pre_.end(), w.ids.begin() + w.begin_of(q), w.ids.begin() + w.step_end[q]);
        }
        // A spike costs two dependent cache misses: its entry in row_start, then its row. Both
        // are fetched spikes ahead, so that neither stalls the additions (measured: waiting for
        // them was two thirds of delivery when only the next row was fetched).
        const std::uint32_t* const pre_ids = step_pre_.data();
        const std::size_t n_pre = step_pre_.size();
        for (std::size_t s = 0; s < std::min(n_pre, entry_lookahead); ++s) __builtin_prefetch(&row_start[pre_ids[s]]);
        for (std::size_t s = 0; s < std::min(n_pre, row_lookahead); ++s) prefetch_row(row_start, entries, pre_ids[s]);
        for (std::size_t s = 0; s < n_pre; ++s) {
            if (s + entry_lookahead < n_pre) __builtin_prefetch(&row_start[pre_ids[s + entry_lookahead]]);
            if (s + row_lookahead < n_pre) prefetch_row(row_start, entries, pre_ids[s + row_lookahead]);
            const std::uint32_t pre = pre_ids[s];
            const entry* row = entries + row_start[pre];
            const entry* row_end = entries + row_start[pre + 1];
            events += row_end - row;
            std::span<const late_entry> late;
            if constexpr (Late) late = late_->of(table.pre_population, pre, step);
            if (uniform && late.empty()) {
                uniform_direct ? add_row(uniform_direct, row, row_end) : add_row(uniform_ring, row, row_end);
                if constexpr (Track) {
                    for (const entry* k = row; k < row_end; ++k) uniform_touched[layout.target(*k)] = 1;
                }
                continue;
            }
            for (const entry* k = row; k < row_end; ++k) {
                const auto index = static_cast<std::size_t>(k - entries);
                std::int64_t arrival = step + (uniform ? table.uniform_delay : table.delay[index]);
                if constexpr (Late) {
                    for (const late_entry& e : late) {
                        if (e.group == group_of_[layout.target(*k)]) arrival += e.extra_steps;
                    }
                }
                add(arrival, *k);
            }
        }
    }
    counters_.synaptic_events += events;
}

// The step's spikes of every presynaptic slice, in id order, go to the projection together; its
// result lands where a synapse table's would (a uniform delay later).
void population_slice::deliver_steps(step_projection& projection) {
    const synapse_table& table = projection.table();
    if (table.sources.empty()) return;
    const spike_window& first = table.sources.front()->window(window_ - 1);
    // A single-precision block's accumulator cannot take the projection's doubles: they go
    // through the ring.
    double* const direct = accumulators_.empty() ? nullptr : accumulators_[table.receptor];
    std::int64_t events = 0;
    for (std::size_t q = 0; q < first.steps.size(); ++q) {
        const std::int64_t step = first.steps[q];
        step_pre_.clear();
        for (const spike_log* source : table.sources) {
            const spike_window& w = source->window(window_ - 1);
            for (std::uint32_t s = w.begin_of(q); s < w.step_end[q]; ++s) {
                const std::uint32_t pre = w.ids[s];
                step_pre_.push_back(pre);
                events += static_cast<std::int64_t>(table.row_start[pre + 1] - table.row_start[pre]);
            }
        }
        if (step_pre_.empty()) continue;
        const std::int64_t arrival = step + table.uniform_delay;
        double* target = direct;
        if (!direct || arrival != next_step_) {
            target = ring_slot(arrival, table.receptor);
            slot_used_[static_cast<std::size_t>(arrival) & slot_mask_] = 1;
        }
        projection.deliver_step(step, step_pre_, std::span<double>(target, size_));
        // A device counting the neurons that receive input sees those the spiking rows reach.
        if (!touched_.empty()) {
            std::uint8_t* touched = touched_.data() + (static_cast<std::size_t>(arrival) & slot_mask_) * size_;
            for (const std::uint32_t pre : step_pre_) {
                for (auto k = table.row_start[pre]; k < table.row_start[pre + 1]; ++k) touched[table.target(k)] = 1;
            }
        }
    }
    counters_.synaptic_events += events;
}

void population_slice::count_active(std::int64_t step, spike_window& w) {
    std::uint8_t* touched = touched_.data() + (static_cast<std::size_t>(step) & slot_mask_) * size_;
    std::uint32_t begin = 0;
    for (const auto& g : groups_) {
        std::uint32_t n = 0;
        for (std::uint32_t i = begin; i < g.end; ++i) n += touched[i];
        w.active.push_back(n);
        begin = g.end;
    }
    std::fill_n(touched, size_, 0);
}

void population_slice::handle(const event& ev, unit_context& ctx) {
    const std::int64_t step = ev.time / dt_ticks_;
    while (next_change_ < changes_.size() && changes_[next_change_].step <= step) {
        const auto& c = changes_[next_change_++];
        for (std::uint32_t i : c.local_ids) i_ext_[i] += c.delta;
    }
    for (std::size_t r = 0; r < receptors_; ++r) receptor_ptrs_[r] = ring_slot(step, r);
    const std::size_t slot = static_cast<std::size_t>(step) & slot_mask_;
    // Drives arrive like inputs due at this step: into the block's accumulator, or the ring.
    std::uint8_t* const touched = touched_.empty() ? nullptr : touched_.data() + slot * size_;
    for (const poisson_drive& d : drives_) {
        if (!single_accumulators_.empty()) {
            d.add(step, single_accumulators_[d.receptor], touched);
        } else if (!accumulators_.empty() && accumulators_[d.receptor] != nullptr) {
            d.add(step, accumulators_[d.receptor], touched);
        } else {
            d.add(step, receptor_ptrs_[d.receptor], touched);
            slot_used_[slot] = 1;
        }
    }
    const bool skip_ring = all_accumulate_ && !slot_used_[slot];
    step_spikes_.clear();
    const std::span<double* const> inputs = skip_ring ? std::span<double* const>{} : std::span<double* const>(receptor_ptrs_);
    block_->step(step_input{step, inputs, i_ext_.empty() ? nullptr : i_ext_.data()}, step_spikes_);
    if (!block_zeroes_inputs_ && !skip_ring) {
        for (std::size_t r = 0; r < receptors_; ++r) std::fill_n(receptor_ptrs_[r], size_, 0.0);
    }
    slot_used_[slot] = 0;
    next_step_ = step + 1;

    spike_window& w = log_.current();
    w.steps.push_back(step);
    for (std::uint32_t i : step_spikes_) {
        w.ids.push_back(first_id_ + i);
        if (record_ && (record_mask_.empty() || record_mask_[i])) {
            rec_steps_.push_back(step);
            rec_ids_.push_back(first_id_ + i);
        }
    }
    w.step_end.push_back(static_cast<std::uint32_t>(w.ids.size()));
    if (!touched_.empty()) count_active(step, w);
    counters_.spikes += static_cast<std::int64_t>(step_spikes_.size());
    ++counters_.steps;

    for (auto& tap : probes_) {
        if ((step + 1) % tap.interval_steps != 0) continue;
        tap.sample_steps.push_back(step + 1);
        block_->read_state(tap.state_index, tap.local_ids, tap.values);
    }
    ctx.schedule_self(id(), ev.time + dt_ticks_, priority_class::step, 0, 0);
}

}  // namespace fluxon
