#include "mappers/thread_partition.hpp"

#include <algorithm>

namespace fluxon {

std::vector<std::vector<slice_plan>> partition_for_threads(const std::vector<std::uint32_t>& sizes,
                                                           int shards, std::uint32_t min_slice) {
    std::vector<std::vector<slice_plan>> plan(sizes.size());
    int next_whole = 0;
    for (std::size_t p = 0; p < sizes.size(); ++p) {
        const std::uint32_t n = sizes[p];
        if (n < min_slice || shards == 1) {
            plan[p].push_back({0, n, next_whole});
            next_whole = (next_whole + 1) % shards;
            continue;
        }
        const auto cuts = static_cast<std::uint32_t>(std::min<std::uint64_t>(shards, n / min_slice));
        std::uint32_t first = 0;
        for (std::uint32_t s = 0; s < cuts; ++s) {
            const std::uint32_t size = n / cuts + (s < n % cuts ? 1 : 0);
            plan[p].push_back({first, size, static_cast<int>(s)});
            first += size;
        }
    }
    return plan;
}

}  // namespace fluxon
