#pragma once
// Stand-alone matrix-vector products on modelled crossbar arrays, for array-level studies
// (accuracy against the exact product, energy and latency per MVM) without a network: a
// weight matrix is programmed once and a batch of input vectors is read through it, with the
// preset's input encoding (bit-serial or DAC levels), converters and non-idealities.
// fluxon.crossbar_mvm() and the crossbar bench use it.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "engine/base/ledger.hpp"
#include "devices/crossbar/plugin/crossbar_settings.hpp"

namespace fluxon {

struct crossbar_mvm_result {
    std::vector<double> outputs;  // [batch][columns], row-major: inputs × weights
    std::string preset, preset_origin;
    std::uint32_t row_tiles = 0, column_tiles = 0;
    std::uint64_t arrays = 0;
    double cell_utilisation = 0;
    ledger_columns ledger;
    double static_energy = 0, dynamic_energy = 0;  // J
    double latency = 0;                             // s: the busiest array's reads
    std::uint64_t reads = 0, conversions = 0;
    double wall_time = 0;                           // s spent reading (not programming)
};

// `weights`: rows × columns (row-major, SI or any unit; outputs are in the same unit per unit
// input); `inputs`: batch × rows, each in [0, 1]. `spec` gives the preset and the overrides
// of [crossbar] (projections and random_weights do not apply). Throws user_error subclasses
// naming the argument at fault.
crossbar_mvm_result crossbar_mvm(std::span<const double> weights, std::uint32_t rows, std::uint32_t columns,
                                 std::span<const double> inputs, std::size_t batch, const crossbar_spec& spec,
                                 std::uint64_t seed);

}  // namespace fluxon
