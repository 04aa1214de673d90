#include "mappers/thread_partition.hpp"

#include <algorithm>

namespace fluxon {

std::vector<std::vector<slice_plan>> partition_for_threads(const std::vector<std::uint32_t>& sizes,
                                                           int shards, std::uint32_t min_slice) {
    std::vector<std::vector<slice_plan>> plan(sizes.size());
    std::vector<std::uint64_t> load(static_cast<std::size_t>(shards), 0);
    std::vector<std::size_t> whole;
    for (std::size_t p = 0; p < sizes.size(); ++p) {
        const std::uint32_t n = sizes[p];
        const auto cuts = static_cast<std::uint32_t>(std::min<std::uint64_t>(shards, n / min_slice));
        if (cuts < 2) {
            whole.push_back(p);
            continue;
        }
        std::uint32_t first = 0;
        for (std::uint32_t s = 0; s < cuts; ++s) {
            const std::uint32_t size = n / cuts + (s < n % cuts ? 1 : 0);
            plan[p].push_back({first, size, static_cast<int>(s)});
            load[s] += size;
            first += size;
        }
    }
    for (const std::size_t p : whole) {
        const auto shard = static_cast<std::size_t>(std::min_element(load.begin(), load.end()) - load.begin());
        plan[p].push_back({0, sizes[p], static_cast<int>(shard)});
        load[shard] += sizes[p];
    }
    return plan;
}

}  // namespace fluxon
