#pragma once
// Models flag spiking neurons in a byte array inside their vectorised pass; this turns the
// flags into indices. Spikes are rare (a few per thousand neurons per step), so it skips 32
// flags at a time when none is set.
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace fluxon {

inline void append_fired(std::span<const std::uint8_t> fired, std::vector<std::uint32_t>& spikes) {
    const std::size_t n = fired.size();
    std::size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        std::uint64_t w[4];
        std::memcpy(w, fired.data() + i, sizeof w);
        if ((w[0] | w[1] | w[2] | w[3]) == 0) continue;
        for (std::size_t j = i; j < i + 32; ++j) {
            if (fired[j]) spikes.push_back(static_cast<std::uint32_t>(j));
        }
    }
    for (; i < n; ++i) {
        if (fired[i]) spikes.push_back(static_cast<std::uint32_t>(i));
    }
}

}  // namespace fluxon
