#pragma once
// Synaptic inputs that a device delivers later than their delays say, per input group (a chip
// in timed fidelity: messages stuck in network-on-chip congestion or behind a busy core).
// Filled serially between windows; read by every target slice while it delivers the previous
// window's spikes.
#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

namespace fluxon {

struct late_entry {
    std::uint32_t population = 0, neuron = 0;
    std::int64_t step = 0;
    std::uint32_t group = 0;
    std::uint32_t extra_steps = 0;

    auto key() const { return std::tuple(population, neuron, step, group); }
};

class late_table {
public:
    void clear() {
        entries_.clear();
        populations_.clear();
    }
    void add(const late_entry& e) { entries_.push_back(e); }
    // Sorts the entries for lookup; call once after the last add of a window.
    void seal() {
        std::sort(entries_.begin(), entries_.end(), [](const late_entry& a, const late_entry& b) { return a.key() < b.key(); });
        for (const auto& e : entries_) {
            if (populations_.size() <= e.population) populations_.resize(e.population + 1, 0);
            populations_[e.population] = 1;
        }
    }
    bool affects(std::uint32_t population) const {
        return population < populations_.size() && populations_[population];
    }
    // The late entries of one spike, by increasing group.
    std::span<const late_entry> of(std::uint32_t population, std::uint32_t neuron, std::int64_t step) const {
        const auto lo = std::lower_bound(entries_.begin(), entries_.end(), std::tuple(population, neuron, step, 0u),
                                         [](const late_entry& e, const auto& k) { return e.key() < k; });
        auto hi = lo;
        while (hi != entries_.end() && hi->population == population && hi->neuron == neuron && hi->step == step) ++hi;
        return {lo, hi};
    }

private:
    std::vector<late_entry> entries_;
    std::vector<std::uint8_t> populations_;
};

}  // namespace fluxon
