#pragma once
// A contiguous slice of a neuron population (or spike source) as an engine unit: a clocked
// unit that steps its neuron block every dt. Spikes reach it through delay ring buffers that
// are filled at the start of each window from the previous window's spike logs of its
// presynaptic slices (every delay is at least one window long; engine/spike_log.hpp), in a
// fixed order: projection, step, presynaptic neuron, synapse. That order does not depend on
// how the population is sliced, so results are bit-identical for any number of threads.
#include <cstdint>
#include <memory>
#include <vector>

#include "engine/late_table.hpp"
#include "engine/poisson_drive.hpp"
#include "engine/spike_log.hpp"
#include "engine/step_projection.hpp"
#include "engine/synapse_table.hpp"
#include "engine/unit.hpp"
#include "neurons/model.hpp"

namespace fluxon {

// One change of external current: from `step` on, neurons `local_ids` get `delta` more.
struct current_change {
    std::int64_t step = 0;
    std::vector<std::uint32_t> local_ids;
    double delta = 0;
};

struct probe_tap {
    std::size_t state_index = 0;
    std::vector<std::uint32_t> local_ids;  // neurons of this slice that are probed
    std::int64_t interval_steps = 1;
    std::vector<std::int64_t> sample_steps;  // buffered until the simulation collects them
    std::vector<double> values;              // row-major [samples, local_ids]
};

// Neurons [previous group's end, end) of a slice form one input group (for a device: the
// neurons one of its cores holds).
struct input_group {
    std::uint32_t end = 0;
    std::uint32_t group = 0;
};

struct slice_counters {
    std::int64_t steps = 0, spikes = 0, synaptic_events = 0;
};

class population_slice final : public unit {
public:
    population_slice(std::unique_ptr<neuron_block> block, std::uint32_t population_index,
                     std::uint32_t first_id, std::uint32_t size, std::size_t receptors, tick_t dt_ticks,
                     std::uint32_t max_delay_steps, std::uint32_t window_steps);

    void start(unit_context& ctx) override;
    void on_window_start(tick_t window_start) override;
    void handle(const event& ev, unit_context& ctx) override;

    // Set up before the run.
    void add_incoming(synapse_table table) { incoming_.push_back(std::move(table)); }
    // A projection delivered a whole step at a time (a crossbar) instead of a synapse table.
    void add_step_projection(std::unique_ptr<step_projection> p) { step_projections_.push_back(std::move(p)); }
    void set_currents(std::vector<current_change> changes);
    void add_drive(poisson_drive drive) { drives_.push_back(std::move(drive)); }
    void record_spikes(std::vector<std::uint8_t> mask) { record_mask_ = std::move(mask); record_ = true; }
    void add_probe(probe_tap tap) { probes_.push_back(std::move(tap)); }
    // For a device that needs them: count, per step and input group, the neurons that received
    // input (published in spike_window::active), and apply the device's late deliveries
    // (`late` may be null). Set before the run, like everything on the hot path.
    void track_input_groups(std::vector<input_group> groups, const late_table* late);

    neuron_block& block() { return *block_; }
    const spike_log& log() const { return log_; }
    std::vector<synapse_table>& incoming() { return incoming_; }
    const std::vector<std::unique_ptr<step_projection>>& step_projections() const { return step_projections_; }
    const std::vector<synapse_table>& incoming() const { return incoming_; }
    std::uint32_t first_id() const { return first_id_; }
    std::uint32_t size() const { return size_; }
    const slice_counters& counters() const { return counters_; }

    // Recorded data since the last collection, handed over and cleared by the simulation.
    std::vector<std::int64_t>& recorded_steps() { return rec_steps_; }
    std::vector<std::uint32_t>& recorded_ids() { return rec_ids_; }
    std::vector<probe_tap>& probes() { return probes_; }

private:
    void deliver(const synapse_table& table);
    void deliver_steps(step_projection& projection);
    template <class Layout>
    void deliver_layout(const synapse_table& table);
    template <class Layout, class Acc>
    void deliver_into(const synapse_table& table, const Layout& layout, Acc* direct);
    template <bool Track, bool Late, class Layout, class Acc>
    void deliver_rows(const synapse_table& table, const Layout& layout, Acc* direct);
    void count_active(std::int64_t step, spike_window& w);
    double* ring_slot(std::int64_t step, std::size_t receptor) {
        return ring_.data() + ((static_cast<std::size_t>(step) & slot_mask_) * receptors_ + receptor) * size_;
    }

    std::unique_ptr<neuron_block> block_;
    bool block_zeroes_inputs_ = false;
    // Per receptor, the block's accumulator (null when inputs must go through the ring).
    std::vector<double*> accumulators_;
    std::vector<float*> single_accumulators_;  // the same for a single-precision block (or empty)
    bool all_accumulate_ = false;        // every receptor has an accumulator
    std::vector<std::uint8_t> slot_used_;  // per ring slot: something was delivered into it
    std::int64_t next_step_ = 0;          // the step this slice runs next
    std::uint64_t window_ = 0;            // the window being run, numbered from 1
    std::uint32_t population_index_, first_id_, size_;
    std::size_t receptors_;
    tick_t dt_ticks_;
    std::size_t slot_mask_;
    std::vector<double> ring_;
    std::vector<double*> receptor_ptrs_;
    std::vector<synapse_table> incoming_;
    std::vector<std::unique_ptr<step_projection>> step_projections_;
    std::vector<std::uint32_t> step_pre_;  // scratch: one step's presynaptic spikes
    spike_log log_;
    std::vector<std::uint32_t> step_spikes_;
    std::vector<double> i_ext_;
    std::vector<current_change> changes_;
    std::vector<poisson_drive> drives_;
    std::size_t next_change_ = 0;
    bool record_ = false;
    std::vector<std::uint8_t> record_mask_;  // empty: every neuron
    std::vector<std::int64_t> rec_steps_;
    std::vector<std::uint32_t> rec_ids_;
    std::vector<probe_tap> probes_;
    slice_counters counters_;
    std::vector<input_group> groups_;
    std::vector<std::uint32_t> group_of_;  // per neuron of the slice, with groups_
    std::vector<std::uint8_t> touched_;    // [ring slot][neuron]: input arrived for that step
    const late_table* late_ = nullptr;
};

}  // namespace fluxon
