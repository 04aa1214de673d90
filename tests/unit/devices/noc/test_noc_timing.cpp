#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "devices/noc/noc_timing.hpp"
#include "engine/base/errors.hpp"

using namespace fluxon;

namespace {

// Loihi-like numbers in femtoseconds: 4.1 ns east-west, 6.5 ns north-south, 1 ns per tree link.
constexpr hw_time ew = 4'100'000, ns = 6'500'000, tr = 1'000'000;

std::uint32_t link_named(const noc_topology& topo, const std::string& name) {
    for (std::uint32_t l = 0; l < topo.links(); ++l) {
        if (topo.link_name(l) == name) return l;
    }
    FAIL("no link " << name);
    return 0;
}

std::vector<hw_time> deliver(noc_timing& timing, const std::vector<noc_send>& sends) {
    std::vector<hw_time> arrivals(sends.size(), -1);
    timing.deliver(sends, arrivals);
    return arrivals;
}

}  // namespace

TEST_CASE("devices: to_hw_time rounds seconds to the nearest femtosecond") {
    CHECK(to_hw_time(3.5e-9) == 3'500'000);
    CHECK(to_hw_time(0.0) == 0);
    CHECK(to_hw_time(1e-15) == 1);
    CHECK(to_hw_time(2.4e-15) == 2);
    CHECK(to_hw_time(2.6e-15) == 3);
    CHECK(to_hw_time(1.0) == hw_fs_per_second);
    CHECK(to_hw_time(9000.0) == 9'000 * hw_fs_per_second);
    CHECK_THROWS_AS(to_hw_time(-1e-12), time_error);
    CHECK_THROWS_AS(to_hw_time(std::nan("")), time_error);
    CHECK_THROWS_AS(to_hw_time(std::numeric_limits<double>::infinity()), time_error);
    CHECK_THROWS_AS(to_hw_time(1e4), time_error);  // 1e19 fs > 2^63
}

TEST_CASE("devices: a lone message arrives after the sum of its hop latencies") {
    const auto mesh = make_mesh(8, 4);
    noc_timing timing(*mesh, {ew, ns, tr}, 290'000);
    // (0,0) -> (2,1): two east-west hops, one north-south hop.
    CHECK(deliver(timing, {{1'000, 0, 8 + 2}}) == std::vector<hw_time>{1'000 + 2 * ew + ns});
    CHECK(timing.queueing_delay() == 0);
    // Within a tile no link is crossed: it arrives when it is injected.
    CHECK(deliver(timing, {{77, 5, 5}}) == std::vector<hw_time>{77});
    std::uint64_t crossings = 0;
    for (std::uint64_t c : timing.link_messages()) crossings += c;
    CHECK(crossings == 3);
    CHECK(timing.link_messages()[link_named(*mesh, "tile(0,0)->tile(1,0)")] == 1);
    CHECK(timing.link_messages()[link_named(*mesh, "tile(2,0)->tile(2,1)")] == 1);

    const auto tree = make_tree(32, 4);
    noc_timing tree_timing(*tree, {ew, ns, tr}, 290'000);
    CHECK(deliver(tree_timing, {{0, 0, 31}, {10, 4, 6}}) == std::vector<hw_time>{6 * tr, 10 + 2 * tr});
}

TEST_CASE("devices: two messages wanting one link at once are serialised by link_cycle") {
    const auto mesh = make_mesh(8, 4);
    const hw_time cycle = 290'000;
    noc_timing timing(*mesh, {ew, ns, tr}, cycle);
    // Both go (0,0) -> (2,0). The second waits one cycle for the first link; by the time it
    // reaches the second link, that link's cycle has passed too.
    const auto arrivals = deliver(timing, {{0, 0, 2}, {0, 0, 2}});
    CHECK(arrivals == std::vector<hw_time>{2 * ew, cycle + 2 * ew});
    CHECK(timing.queueing_delay() == cycle);
    CHECK(timing.link_messages()[link_named(*mesh, "tile(0,0)->tile(1,0)")] == 2);
    CHECK(timing.link_messages()[link_named(*mesh, "tile(1,0)->tile(2,0)")] == 2);
    CHECK(timing.link_messages()[link_named(*mesh, "tile(1,0)->tile(0,0)")] == 0);

    // Opposite directions do not share a link.
    noc_timing both_ways(*mesh, {ew, ns, tr}, cycle);
    CHECK(deliver(both_ways, {{0, 0, 1}, {0, 1, 0}}) == std::vector<hw_time>{ew, ew});
    CHECK(both_ways.queueing_delay() == 0);

    // A link cycle of 0 means unlimited bandwidth.
    noc_timing unlimited(*mesh, {ew, ns, tr}, 0);
    CHECK(deliver(unlimited, {{0, 0, 2}, {0, 0, 2}, {0, 0, 2}}) == std::vector<hw_time>(3, 2 * ew));
    CHECK(unlimited.queueing_delay() == 0);
    CHECK(unlimited.link_messages()[link_named(*mesh, "tile(0,0)->tile(1,0)")] == 3);
}

TEST_CASE("devices: links are granted in the order messages reach them, not the order of the sends") {
    const auto mesh = make_mesh(8, 4);
    const hw_time cycle = 1'000'000;
    // A, listed first, leaves (0,0) at 0 and reaches link (1,0)->(2,0) at 4.1 ns. B leaves (1,0)
    // at 4.0 ns and so reaches that link first: B goes through, A waits until 5.0 ns.
    noc_timing timing(*mesh, {ew, ns, tr}, cycle);
    const auto arrivals = deliver(timing, {{0, 0, 2}, {4'000'000, 1, 2}});
    CHECK(arrivals == std::vector<hw_time>{5'000'000 + ew, 4'000'000 + ew});
    CHECK(timing.queueing_delay() == 900'000);

    // The same batch in the other order gives the same times.
    noc_timing swapped(*mesh, {ew, ns, tr}, cycle);
    CHECK(deliver(swapped, {{4'000'000, 1, 2}, {0, 0, 2}}) ==
          std::vector<hw_time>{4'000'000 + ew, 5'000'000 + ew});

    // Reaching the link at the same instant: the earlier send goes first.
    noc_timing tie(*mesh, {ew, ns, tr}, cycle);
    CHECK(deliver(tie, {{ew, 1, 2}, {0, 0, 2}}) == std::vector<hw_time>{2 * ew, ew + cycle + ew});
    noc_timing tie_swapped(*mesh, {ew, ns, tr}, cycle);
    CHECK(deliver(tie_swapped, {{0, 0, 2}, {ew, 1, 2}}) == std::vector<hw_time>{2 * ew, ew + cycle + ew});
    CHECK(tie_swapped.queueing_delay() == cycle);
}

TEST_CASE("devices: a queue builds up hop after hop and ripples downstream") {
    const auto mesh = make_mesh(4, 1);
    const hw_time cycle = 5'000'000;  // longer than a hop, so a queue forms at every link
    noc_timing timing(*mesh, {ew, ns, tr}, cycle);
    // Three messages (0,0) -> (2,0) at once. Link 1 grants at 0, 5, 10 ns; each reaches link 2
    // 4.1 ns later (4.1, 9.1, 14.1 ns), where it is free at 0, 9.1 ns and 14.1 ns: no more waiting.
    const auto arrivals = deliver(timing, {{0, 0, 2}, {0, 0, 2}, {0, 0, 2}});
    CHECK(arrivals == std::vector<hw_time>{2 * ew, cycle + 2 * ew, 2 * cycle + 2 * ew});
    CHECK(timing.queueing_delay() == 3 * cycle);
    // Two from (0,0) and one injected at (1,0) at 4.1 ns, which reaches link 2 together with the
    // first: later in the batch, it waits until 9.1 ns; the second, reaching link 2 at 9.1 ns,
    // then waits behind it until 14.1 ns. Queueing: 5 ns on link 1, 5 + 5 ns on link 2.
    noc_timing merge(*mesh, {ew, ns, tr}, cycle);
    const auto merged = deliver(merge, {{0, 0, 2}, {0, 0, 2}, {ew, 1, 2}});
    CHECK(merged == std::vector<hw_time>{2 * ew, 14'100'000 + ew, 9'100'000 + ew});
    CHECK(merge.queueing_delay() == cycle + 5'000'000 + 5'000'000);
}

TEST_CASE("devices: link congestion persists from one delivery to the next") {
    const auto mesh = make_mesh(8, 4);
    const hw_time cycle = 1'000'000;
    noc_timing timing(*mesh, {ew, ns, tr}, cycle);
    CHECK(deliver(timing, {{0, 0, 1}}) == std::vector<hw_time>{ew});
    // The link is busy until 1 ns, so a message injected at 0.1 ns in the next step waits 0.9 ns.
    CHECK(deliver(timing, {{100'000, 0, 1}}) == std::vector<hw_time>{cycle + ew});
    CHECK(timing.queueing_delay() == 900'000);
    // Once the link is free again there is no more waiting.
    CHECK(deliver(timing, {{10'000'000, 0, 1}}) == std::vector<hw_time>{10'000'000 + ew});
    CHECK(timing.queueing_delay() == 900'000);
    CHECK(timing.link_messages()[link_named(*mesh, "tile(0,0)->tile(1,0)")] == 3);
    CHECK(timing.link_messages().size() == mesh->links());
    // An empty batch changes nothing.
    timing.deliver({}, {});
    CHECK(timing.link_messages()[link_named(*mesh, "tile(0,0)->tile(1,0)")] == 3);
}

TEST_CASE("devices: noc timing refuses negative durations and mismatched spans") {
    const auto mesh = make_mesh(2, 2);
    CHECK_THROWS_AS(noc_timing(*mesh, {ew, ns, tr}, -1), config_error);
    CHECK_THROWS_AS(noc_timing(*mesh, {ew, -1, tr}, 0), config_error);
    noc_timing timing(*mesh, {ew, ns, tr}, 0);
    std::vector<noc_send> sends{{0, 0, 1}};
    std::vector<hw_time> arrivals(2);
    CHECK_THROWS_AS(timing.deliver(sends, arrivals), internal_error);
}
