#pragma once
// Which queued request holds a burst: an open-addressing hash table (linear probing,
// backward-shift deletion) sized for a controller queue, so that a request entering the
// controller finds a queued request of its burst in O(1) rather than by walking its bank's
// queue (a sequential stream keeps a whole queue in one bank).
#include <algorithm>
#include <bit>
#include <cstdint>
#include <vector>

namespace fluxon {

class dram_burst_index {
public:
    static constexpr std::int32_t absent = -1;

    // At most `capacity` keys at a time.
    explicit dram_burst_index(std::size_t capacity) :
        slots_(std::bit_ceil(std::max<std::size_t>(8, 4 * capacity))), mask_(slots_.size() - 1) {}

    std::int32_t find(std::uint64_t key) const {
        for (std::size_t i = home(key);; i = (i + 1) & mask_) {
            const slot& s = slots_[i];
            if (s.value == absent) return absent;
            if (s.key == key) return s.value;
        }
    }

    // Maps `key` to `value`, replacing what it held.
    void set(std::uint64_t key, std::int32_t value) {
        std::size_t i = home(key);
        while (slots_[i].value != absent && slots_[i].key != key) i = (i + 1) & mask_;
        slots_[i] = {key, value};
    }

    void erase(std::uint64_t key) {
        std::size_t i = home(key);
        while (slots_[i].key != key || slots_[i].value == absent) {
            if (slots_[i].value == absent) return;
            i = (i + 1) & mask_;
        }
        // Move later entries of the probe run back so that no lookup stops early at the hole.
        for (std::size_t j = (i + 1) & mask_;; j = (j + 1) & mask_) {
            if (slots_[j].value == absent) break;
            const std::size_t h = home(slots_[j].key);
            // slots_[j] may fill the hole at i when its home is not cyclically within (i, j].
            if (((j - h) & mask_) >= ((j - i) & mask_)) {
                slots_[i] = slots_[j];
                i = j;
            }
        }
        slots_[i].value = absent;
    }

private:
    struct slot {
        std::uint64_t key = 0;
        std::int32_t value = absent;
    };
    std::size_t home(std::uint64_t key) const {
        return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> 32) & mask_;
    }

    std::vector<slot> slots_;
    std::size_t mask_;
};

}  // namespace fluxon
