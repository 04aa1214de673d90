#pragma once
// The spikes a population slice emitted during one window, step by step, double-buffered by
// window parity: in window w the slice writes buffer w % 2 while the other slices read buffer
// (w - 1) % 2, the previous window's. Windows are numbered by every slice alike, so no one has
// to swap buffers between windows: the owner alone writes its log, and readers on other cores
// only read it (each line a thread writes and another reads costs a transfer between cores).
#include <cstdint>
#include <vector>

namespace fluxon {

struct spike_window {
    std::vector<std::int64_t> steps;       // the steps of the window, in order
    std::vector<std::uint32_t> step_end;   // ids[step_end[q-1] .. step_end[q]) spiked at steps[q]
    std::vector<std::uint32_t> ids;        // population-level neuron indices
    // With input groups tracked (population_slice::track_input_groups): per step and group of
    // the slice, the neurons that received synaptic input (row-major [steps, groups]).
    std::vector<std::uint32_t> active;

    void clear() {
        steps.clear();
        step_end.clear();
        ids.clear();
        active.clear();
    }
    std::uint32_t begin_of(std::size_t q) const { return q == 0 ? 0 : step_end[q - 1]; }
};

class spike_log {
public:
    // The owner, at the start of window `index` (numbered from 1).
    void begin_window(std::uint64_t index) {
        latest_ = index;
        buffers_[index & 1].clear();
    }
    spike_window& current() { return buffers_[latest_ & 1]; }
    // The spikes of window `index`, which must be the latest or the one before.
    const spike_window& window(std::uint64_t index) const { return buffers_[index & 1]; }
    // Between windows: the spikes of the window just finished.
    const spike_window& latest() const { return buffers_[latest_ & 1]; }

private:
    spike_window buffers_[2];
    std::uint64_t latest_ = 0;
};

}  // namespace fluxon
