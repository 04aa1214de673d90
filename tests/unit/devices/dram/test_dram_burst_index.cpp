// The controller's burst index against std::map under random sets and erasures, including
// runs of colliding keys that backward-shift deletion must keep reachable.
#include <doctest/doctest.h>

#include <cstdint>
#include <map>
#include <random>

#include "devices/dram/dram_burst_index.hpp"

using fluxon::dram_burst_index;

TEST_CASE("dram burst index: finds, replaces and erases as a map does") {
    dram_burst_index index(32);
    CHECK(index.find(7) == dram_burst_index::absent);
    index.set(7, 3);
    index.set(7, 5);  // replaced, not added
    CHECK(index.find(7) == 5);
    index.erase(7);
    CHECK(index.find(7) == dram_burst_index::absent);
    index.erase(7);  // absent: nothing happens
    CHECK(index.find(7) == dram_burst_index::absent);
}

TEST_CASE("dram burst index: random operations at full load agree with std::map") {
    for (const std::uint64_t range : {40ull, 1ull << 40}) {  // many repeats; almost none
        CAPTURE(range);
        const std::size_t capacity = 32;
        dram_burst_index index(capacity);
        std::map<std::uint64_t, std::int32_t> reference;
        std::mt19937_64 rng(11);
        for (int step = 0; step < 200'000; ++step) {
            const std::uint64_t key = rng() % range;
            if (reference.size() < capacity && rng() % 2 == 0) {
                const auto value = static_cast<std::int32_t>(rng() % 1000);
                index.set(key, value);
                reference[key] = value;
            } else if (!reference.empty()) {
                // Erase a present key (the controller's case) or, now and then, an absent one.
                auto it = reference.lower_bound(key);
                if (it == reference.end()) it = reference.begin();
                const std::uint64_t gone = rng() % 8 == 0 ? key : it->first;
                index.erase(gone);
                reference.erase(gone);
            }
            const std::uint64_t probe = rng() % range;
            const auto found = reference.find(probe);
            REQUIRE(index.find(probe) == (found == reference.end() ? dram_burst_index::absent : found->second));
        }
        for (const auto& [key, value] : reference) CHECK(index.find(key) == value);
    }
}
