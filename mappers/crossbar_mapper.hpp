#pragma once
// Tiles the weight matrices of projections onto crossbar arrays: rows of the matrix (presynaptic
// neurons) in blocks of the array's rows, columns (postsynaptic neurons) in blocks of the
// weights one array holds with its encoding (bit slices, differential pairs, reference
// columns), each tile replicated `replicas` times for throughput. The partial sums of the row
// tiles of one column block are added digitally. A matrix that does not fit the chip's arrays
// fails with a user error naming the projection and the limit.
#include <cstdint>
#include <string>
#include <vector>

#include "devices/crossbar/crossbar_encoding.hpp"
#include "devices/crossbar/crossbar_params.hpp"
#include "engine/base/errors.hpp"

namespace fluxon {

struct crossbar_matrix {
    std::string name;               // the projection
    std::uint32_t rows = 0, columns = 0;  // presynaptic × postsynaptic neurons
    error_site site;                // where errors about it point
};

struct crossbar_tile {
    std::uint32_t matrix = 0;
    std::uint32_t row_tile = 0, column_tile = 0;
    std::uint32_t first_row = 0, rows = 0;        // matrix rows held
    std::uint32_t first_column = 0, columns = 0;  // matrix columns (weights) held
    std::uint32_t physical_columns = 0;           // array columns in use
};

struct crossbar_matrix_tiling {
    std::uint32_t row_tiles = 0, column_tiles = 0;
    std::uint32_t first_tile = 0;  // index into crossbar_mapping::tiles; row-major by (row tile, column tile)
};

struct crossbar_mapping {
    crossbar_encoding encoding;
    std::uint32_t replicas = 1;
    std::vector<crossbar_matrix_tiling> matrices;
    std::vector<crossbar_tile> tiles;  // one per distinct tile; each has `replicas` arrays
    std::uint64_t arrays() const { return std::uint64_t{tiles.size()} * replicas; }
    // Cells in use (weights and references) over the cells of the arrays used.
    double cell_utilisation(const crossbar_params& params) const;
};

// Throws network_error (node = the projection, resource = "arrays") when the tiles do not fit
// params.max_arrays, config_error when replicas is 0.
crossbar_mapping map_to_crossbars(const std::vector<crossbar_matrix>& matrices, const crossbar_params& params,
                                  std::uint32_t replicas);

}  // namespace fluxon
