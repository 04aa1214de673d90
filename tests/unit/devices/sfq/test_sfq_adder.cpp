// The 4-bit ripple-carry adder of examples/sfq/adder4.toml: all 256 input pairs, pipelined
// one per 50 ps cycle, give the right sums at the latency the example's header derives.
#include <doctest/doctest.h>

#include <set>

#include "tests/unit/common/sfq_run.hpp"

namespace {

TEST_CASE("sfq: the 4-bit ripple-carry adder sums all 256 input pairs with its expected latency") {
    const auto r = fluxon::test::run_sfq_file(FLUXON_SOURCE_DIR "/examples/sfq/adder4.toml");
    CHECK(r.violations.empty());
    REQUIRE(r.outputs.size() == 5);
    const fluxon::tick_t period = 50'000;
    for (int k = 0; k < 5; ++k) {
        std::set<fluxon::tick_t> expected;
        for (int v = 0; v < 256; ++v) {
            const int sum = v % 16 + v / 16;
            if (!((sum >> k) & 1)) continue;
            // Sum bit k: clock v + 3k + 2 plus 5 splitters and an XOR (28.0 ps); the carry
            // out: clock v + 12 plus 5 splitters and the OR (29.5 ps).
            expected.insert(k < 4 ? (v + 3 * k + 2) * period + 28'000 : (v + 12) * period + 29'500);
        }
        const auto& got = r.outputs[k].times;
        CHECK(std::set<fluxon::tick_t>(got.begin(), got.end()) == expected);
        CHECK(got.size() == expected.size());
    }
    // Latency of one addition: inputs enter 25 ps before clock v + 1, the carry leaves
    // 29.5 ps after clock v + 12.
    CHECK(11 * period + 25'000 + 29'500 == 604'500);
}

}  // namespace
