#pragma once
// Bit-serial execution of a connection layer's inputs, counted (the values are unchanged):
// each input event's integer magnitude is sent as bit planes and a plane whose bit is 0 is
// skipped, so an event of |x| costs popcount(|x|) passes over the weights it meets, each an
// accumulate (bit_ops). With `bbs` (bidirectional bit-level sparsity, Chen et al., MICRO 2024,
// applied to the input: workloads.md §4.3), a magnitude with more ones than zeros among its
// `bits` is sent as its complement, |x| = (2^bits - 1) - c, costing popcount(c) passes plus
// one for the all-ones term. The sign travels with the event (sign-magnitude).
// With `bit_serial_operand = "weights"` the weights are the bit-serial operand instead (as in
// BBS's own accelerator): each integer weight |w| < 2^bits is held as bit planes, and an input
// event costs, for every weight it meets, that weight's popcount (or its BBS count) in passes.
#include <cstdint>

#include "neurons/layers/layer.hpp"

namespace fluxon {

struct bit_serial {
    std::uint32_t bits = 0;  // 0: not bit-serial
    bool bbs = false;
    bool weights = false;    // the weights are sent bit-serially, not the inputs

    // Adds to `bit_serial_bits` and `bbs` of a schema.
    static void add_params(param_schema& schema);
    static bit_serial lowered(const validated_params& params, const layer_context& ctx);

    // The passes one event of `value` costs; throws user_error naming the layer, the step and
    // the value when it is not a whole number below 2^bits in magnitude.
    std::uint64_t passes(double value, const std::string& layer, std::int64_t step) const;
    // The passes a weight costs per input event that meets it (0 for a zero weight); throws
    // config_error at the layer's `weight` when it is not a whole number below 2^bits.
    std::uint64_t weight_passes(double weight, const layer_context& ctx) const;
    // The passes of a whole magnitude already checked.
    std::uint64_t passes_of(std::uint64_t magnitude) const;
};

}  // namespace fluxon
