#include "mappers/crossbar_mapper.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace fluxon {

double crossbar_mapping::cell_utilisation(const crossbar_params& params) const {
    if (tiles.empty()) return 0;
    std::uint64_t used = 0;
    for (const crossbar_tile& t : tiles) used += std::uint64_t{t.rows} * t.physical_columns;
    const std::uint64_t total = std::uint64_t{tiles.size()} * params.geometry.rows * params.geometry.columns;
    return static_cast<double>(used) / static_cast<double>(total);
}

crossbar_mapping map_to_crossbars(const std::vector<crossbar_matrix>& matrices, const crossbar_params& params,
                                  std::uint32_t replicas) {
    if (replicas == 0) throw config_error("replicas must be at least 1", {});
    crossbar_mapping m;
    m.encoding = crossbar_encoding::of(params);
    m.replicas = replicas;
    const std::uint32_t array_rows = params.geometry.rows;
    const std::uint32_t per_array = m.encoding.weights_per_array;
    if (per_array == 0) throw config_error(crossbar_params_problem(params), {});
    for (std::uint32_t k = 0; k < matrices.size(); ++k) {
        const crossbar_matrix& mat = matrices[k];
        crossbar_matrix_tiling tiling;
        tiling.row_tiles = (mat.rows + array_rows - 1) / array_rows;
        tiling.column_tiles = (mat.columns + per_array - 1) / per_array;
        tiling.first_tile = static_cast<std::uint32_t>(m.tiles.size());
        const std::uint64_t after = (m.tiles.size() + std::uint64_t{tiling.row_tiles} * tiling.column_tiles) * replicas;
        if (after > params.max_arrays) {
            error_site site = mat.site;
            site.node = mat.name;
            site.resource = "arrays";
            throw network_error(
                fmt::format("the {}x{} weight matrix needs {} row tiles x {} column tiles x {} replicas of {}x{} "
                            "arrays ({} weights per array with {} columns per weight{}), which brings the "
                            "network to {} arrays; {} has {}",
                            mat.rows, mat.columns, tiling.row_tiles, tiling.column_tiles, replicas, array_rows,
                            params.geometry.columns, per_array, m.encoding.columns_per_weight,
                            m.encoding.reference_columns ? fmt::format(" and {} reference columns",
                                                                       m.encoding.reference_columns)
                                                         : std::string(),
                            after, params.name, params.max_arrays),
                site);
        }
        for (std::uint32_t rt = 0; rt < tiling.row_tiles; ++rt) {
            for (std::uint32_t ct = 0; ct < tiling.column_tiles; ++ct) {
                crossbar_tile t;
                t.matrix = k;
                t.row_tile = rt;
                t.column_tile = ct;
                t.first_row = rt * array_rows;
                t.rows = std::min(array_rows, mat.rows - t.first_row);
                t.first_column = ct * per_array;
                t.columns = std::min(per_array, mat.columns - t.first_column);
                t.physical_columns = t.columns * m.encoding.columns_per_weight + m.encoding.reference_columns;
                m.tiles.push_back(t);
            }
        }
        m.matrices.push_back(tiling);
    }
    return m;
}

}  // namespace fluxon
