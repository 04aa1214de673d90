#include "engine/synapse_table.hpp"

#include <bit>

namespace fluxon {

weight_layout choose_weight_layout(std::span<const float> distinct, std::uint32_t slice_size) {
    if (distinct.empty() || distinct.size() > 256) return {};
    const auto bits = static_cast<std::uint32_t>(std::bit_width(distinct.size() - 1));
    // The class sits above the target: the slice's largest target must fit below it.
    if (bits > 0 && slice_size > (std::uint64_t{1} << (32 - bits))) return {};
    return {std::vector<float>(distinct.begin(), distinct.end()), bits};
}

}  // namespace fluxon
