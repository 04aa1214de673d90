#pragma once
// The spikes a population slice emitted during one window, step by step, double-buffered:
// the slice writes `current` while the other slices read `published` (the previous window's),
// and the two swap between windows when nothing runs.
#include <cstdint>
#include <vector>

namespace fluxon {

struct spike_window {
    std::vector<std::int64_t> steps;       // the steps of the window, in order
    std::vector<std::uint32_t> step_end;   // ids[step_end[q-1] .. step_end[q]) spiked at steps[q]
    std::vector<std::uint32_t> ids;        // population-level neuron indices
    // With a chip attached: per step, per core segment of the slice, the neurons that
    // received synaptic input (row-major [steps, segments]).
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
    spike_window& current() { return buffers_[cur_]; }
    const spike_window& published() const { return buffers_[1 - cur_]; }
    void publish() {
        cur_ = 1 - cur_;
        buffers_[cur_].clear();
    }

private:
    spike_window buffers_[2];
    int cur_ = 0;
};

}  // namespace fluxon
