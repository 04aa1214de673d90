// Populations cut into per-thread slices: equal slices of at least min_slice neurons, and the
// populations too small to cut placed whole where the fewest neurons are.
#include <doctest/doctest.h>

#include "mappers/thread_partition.hpp"

using namespace fluxon;

namespace {

struct placed {
    std::uint32_t first, size;
    int shard;
    bool operator==(const placed&) const = default;
};

std::vector<placed> of(const std::vector<slice_plan>& slices) {
    std::vector<placed> out;
    for (const auto& s : slices) out.push_back({s.first, s.size, s.shard});
    return out;
}

}  // namespace

TEST_CASE("thread partition: equal slices, none smaller than min_slice") {
    // CUBA at N=40000 on 2 threads: both populations are cut in two.
    auto plan = partition_for_threads({32000, 8000}, 2, 2048);
    CHECK(of(plan[0]) == std::vector<placed>{{0, 16000, 0}, {16000, 16000, 1}});
    CHECK(of(plan[1]) == std::vector<placed>{{0, 4000, 0}, {4000, 4000, 1}});
    // 5000 neurons on 3 threads hold only two slices of 2048 or more; the remainder goes to
    // the first slices.
    plan = partition_for_threads({5001}, 3, 2048);
    CHECK(of(plan[0]) == std::vector<placed>{{0, 2501, 0}, {2501, 2500, 1}});
}

TEST_CASE("thread partition: populations too small to cut go where the fewest neurons are") {
    // CUBA at N=4000: neither population is cut; the second goes to the empty shard.
    auto plan = partition_for_threads({3200, 800}, 2, 2048);
    CHECK(of(plan[0]) == std::vector<placed>{{0, 3200, 0}});
    CHECK(of(plan[1]) == std::vector<placed>{{0, 800, 1}});
    // Whole populations are placed after the cut ones, in order, each on the lightest shard
    // (the lowest of equals): loads 3000 + 3000, then 1000 -> 0, 1500 -> 1, 600 -> 0.
    plan = partition_for_threads({1000, 6000, 1500, 600}, 2, 2048);
    CHECK(of(plan[1]) == std::vector<placed>{{0, 3000, 0}, {3000, 3000, 1}});
    CHECK(of(plan[0]) == std::vector<placed>{{0, 1000, 0}});
    CHECK(of(plan[2]) == std::vector<placed>{{0, 1500, 1}});
    CHECK(of(plan[3]) == std::vector<placed>{{0, 600, 0}});
    // One thread: every population whole on shard 0.
    plan = partition_for_threads({100000, 5}, 1, 2048);
    CHECK(of(plan[0]) == std::vector<placed>{{0, 100000, 0}});
    CHECK(of(plan[1]) == std::vector<placed>{{0, 5, 0}});
}
