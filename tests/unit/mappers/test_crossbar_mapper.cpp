// The crossbar mapper's tiling, by hand: an R × C weight matrix on r × c arrays holding
// w = (c - reference columns) / columns_per_weight weights each takes ceil(R / r) row tiles ×
// ceil(C / w) column tiles, each replicated; cell utilisation is the cells in use over the
// cells of the arrays used; a network beyond max_arrays is refused naming the projection.
#include <doctest/doctest.h>

#include "tests/unit/common/relative.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include "devices/crossbar/crossbar_encoding.hpp"
#include "devices/crossbar/crossbar_preset.hpp"
#include "engine/base/errors.hpp"
#include "mappers/crossbar_mapper.hpp"
#include "tests/unit/common/unit_crossbar.hpp"

using namespace fluxon;

namespace {

crossbar_matrix matrix(std::string name, std::uint32_t rows, std::uint32_t columns, error_site site = {}) {
    return crossbar_matrix{std::move(name), rows, columns, std::move(site)};
}

}  // namespace

TEST_CASE("crossbar mapper: a 40x20 matrix on 16x16 differential analog arrays is 3 x 3 tiles") {
    // Analog weights, differential: 1 slice, 2 columns per weight, no reference column,
    // 16 / 2 = 8 weights per array. Rows: ceil(40 / 16) = 3 tiles of 16, 16, 8; columns:
    // ceil(20 / 8) = 3 tiles of 8, 8, 4 weights (16, 16, 8 physical columns).
    const crossbar_params p = test::unit_crossbar();
    const crossbar_mapping m = map_to_crossbars({matrix("w", 40, 20)}, p, 2);
    CHECK(m.encoding.columns_per_weight == 2);
    CHECK(m.encoding.reference_columns == 0);
    CHECK(m.encoding.weights_per_array == 8);
    CHECK(m.replicas == 2);
    REQUIRE(m.matrices.size() == 1);
    CHECK(m.matrices[0].row_tiles == 3);
    CHECK(m.matrices[0].column_tiles == 3);
    CHECK(m.matrices[0].first_tile == 0);
    REQUIRE(m.tiles.size() == 9);
    // 9 distinct tiles × 2 replicas.
    CHECK(m.arrays() == 18);

    // Row-major by (row tile, column tile): tile 4 is (1, 1), tile 5 is (1, 2), tile 8 is (2, 2).
    const crossbar_tile& t4 = m.tiles[4];
    CHECK(t4.matrix == 0);
    CHECK(t4.row_tile == 1);
    CHECK(t4.column_tile == 1);
    CHECK(t4.first_row == 16);
    CHECK(t4.rows == 16);
    CHECK(t4.first_column == 8);
    CHECK(t4.columns == 8);
    CHECK(t4.physical_columns == 16);
    const crossbar_tile& t5 = m.tiles[5];
    CHECK(t5.row_tile == 1);
    CHECK(t5.column_tile == 2);
    CHECK(t5.first_column == 16);
    CHECK(t5.columns == 4);
    CHECK(t5.physical_columns == 8);
    const crossbar_tile& t8 = m.tiles[8];
    CHECK(t8.row_tile == 2);
    CHECK(t8.column_tile == 2);
    CHECK(t8.first_row == 32);
    CHECK(t8.rows == 8);
    CHECK(t8.columns == 4);
    CHECK(t8.physical_columns == 8);

    // Every matrix cell is in exactly one tile.
    std::uint64_t weights = 0;
    for (const crossbar_tile& t : m.tiles) weights += std::uint64_t{t.rows} * t.columns;
    CHECK(weights == 40 * 20);

    // Cells in use: (16 + 16 + 8) rows × (16 + 16 + 8) columns = 1600 of 9 × 256 = 2304;
    // replicas scale both alike.
    CHECK(m.cell_utilisation(p) == fluxon::test::approx(1600.0 / 2304.0).epsilon(1e-12));
    const crossbar_mapping one = map_to_crossbars({matrix("w", 40, 20)}, p, 1);
    CHECK(one.arrays() == 9);
    CHECK(one.cell_utilisation(p) == fluxon::test::approx(1600.0 / 2304.0).epsilon(1e-12));
}

TEST_CASE("crossbar mapper: matrices are tiled one after the other") {
    const crossbar_params p = test::unit_crossbar();
    // 40x20: 9 tiles as above; 5x3: 1 row tile x 1 column tile of 5 rows, 3 weights (6 columns);
    // 16x8: exactly one full array.
    const crossbar_mapping m = map_to_crossbars({matrix("a", 40, 20), matrix("b", 5, 3), matrix("c", 16, 8)}, p, 1);
    REQUIRE(m.matrices.size() == 3);
    CHECK(m.matrices[1].first_tile == 9);
    CHECK(m.matrices[1].row_tiles == 1);
    CHECK(m.matrices[1].column_tiles == 1);
    CHECK(m.matrices[2].first_tile == 10);
    CHECK(m.matrices[2].row_tiles == 1);
    CHECK(m.matrices[2].column_tiles == 1);
    REQUIRE(m.tiles.size() == 11);
    CHECK(m.arrays() == 11);
    CHECK(m.tiles[9].matrix == 1);
    CHECK(m.tiles[9].rows == 5);
    CHECK(m.tiles[9].columns == 3);
    CHECK(m.tiles[9].physical_columns == 6);
    CHECK(m.tiles[10].matrix == 2);
    CHECK(m.tiles[10].physical_columns == 16);
    // 1600 + 5 × 6 + 16 × 16 = 1886 cells of 11 × 256 = 2816.
    CHECK(m.cell_utilisation(p) == fluxon::test::approx(1886.0 / 2816.0).epsilon(1e-12));

    // No matrix: no tile, no array, nothing in use.
    const crossbar_mapping none = map_to_crossbars({}, p, 3);
    CHECK(none.arrays() == 0);
    CHECK(none.cell_utilisation(p) == 0);
}

TEST_CASE("crossbar mapper: offset and bit-sliced encodings change the weights per array") {
    // 4-bit weights in 2-bit cells, offset encoding: 4 + 1 stored bits = 3 slices of one column
    // each, plus 3 reference columns per array: (16 - 3) / 3 = 4 weights per array. A 16x10
    // matrix: 1 row tile × ceil(10 / 4) = 3 column tiles of 4, 4, 2 weights, i.e. 4 × 3 + 3 = 15,
    // 15 and 2 × 3 + 3 = 9 physical columns; 16 × (15 + 15 + 9) = 624 of 3 × 256 = 768 cells.
    crossbar_params offset = test::unit_crossbar();
    offset.periphery.weight_bits = 4;
    offset.periphery.encoding = weight_encoding::offset;
    offset.cell.bits_per_cell = 2;
    const crossbar_mapping m = map_to_crossbars({matrix("w", 16, 10)}, offset, 1);
    CHECK(m.encoding.slices == 3);
    CHECK(m.encoding.columns_per_weight == 3);
    CHECK(m.encoding.reference_columns == 3);
    CHECK(m.encoding.weights_per_array == 4);
    CHECK(m.matrices[0].row_tiles == 1);
    CHECK(m.matrices[0].column_tiles == 3);
    REQUIRE(m.tiles.size() == 3);
    CHECK(m.tiles[0].physical_columns == 15);
    CHECK(m.tiles[1].physical_columns == 15);
    CHECK(m.tiles[2].columns == 2);
    CHECK(m.tiles[2].physical_columns == 9);
    CHECK(m.cell_utilisation(offset) == fluxon::test::approx(624.0 / 768.0).epsilon(1e-12));

    // 8-bit weights in 2-bit cells, differential: 4 slices × 2 = 8 columns per weight, 2 weights
    // per array; 17x5 takes ceil(17 / 16) = 2 row tiles × ceil(5 / 2) = 3 column tiles.
    crossbar_params sliced = test::unit_crossbar();
    sliced.periphery.weight_bits = 8;
    sliced.cell.bits_per_cell = 2;
    const crossbar_mapping s = map_to_crossbars({matrix("w", 17, 5)}, sliced, 1);
    CHECK(s.encoding.columns_per_weight == 8);
    CHECK(s.encoding.weights_per_array == 2);
    CHECK(s.matrices[0].row_tiles == 2);
    CHECK(s.matrices[0].column_tiles == 3);
    CHECK(s.arrays() == 6);
}

TEST_CASE("crossbar mapper: the ideal preset's 128x128 arrays hold 64 analog weights each") {
    const crossbar_preset ideal = load_crossbar_preset("ideal", {});
    const crossbar_params& p = ideal.params;
    CHECK(p.geometry.rows == 128);
    CHECK(p.geometry.columns == 128);
    CHECK(p.periphery.weight_bits == 0);
    CHECK(p.periphery.encoding == weight_encoding::differential);
    CHECK(p.max_arrays == 4096);

    // 1000x100: ceil(1000 / 128) = 8 row tiles (7 of 128, one of 104), ceil(100 / 64) = 2
    // column tiles (64 and 36 weights: 128 and 72 columns). 1000 × 200 cells in use of
    // 16 × 16384 = 262144.
    const crossbar_mapping m = map_to_crossbars({matrix("big", 1000, 100)}, p, 1);
    CHECK(m.encoding.weights_per_array == 64);
    CHECK(m.matrices[0].row_tiles == 8);
    CHECK(m.matrices[0].column_tiles == 2);
    CHECK(m.arrays() == 16);
    CHECK(m.tiles.back().rows == 104);
    CHECK(m.tiles.back().columns == 36);
    CHECK(m.tiles.back().physical_columns == 72);
    CHECK(m.cell_utilisation(p) == fluxon::test::approx(200000.0 / 262144.0).epsilon(1e-12));

    // 4096x4096: 32 row tiles × 64 column tiles = 2048 arrays; two replicas are exactly the
    // chip's 4096 arrays and fit, three (6144) do not.
    CHECK(map_to_crossbars({matrix("huge", 4096, 4096)}, p, 2).arrays() == 4096);
    CHECK_THROWS_AS(map_to_crossbars({matrix("huge", 4096, 4096)}, p, 3), network_error);
}

TEST_CASE("crossbar mapper: a network beyond max_arrays is refused naming the projection and 'arrays'") {
    crossbar_params p = test::unit_crossbar();
    p.max_arrays = 10;
    // 9 + 1 = 10 arrays fit; the third matrix's one tile brings the network to 11.
    CHECK(map_to_crossbars({matrix("a", 40, 20), matrix("b", 5, 3)}, p, 1).arrays() == 10);
    const error_site where{.file = "net.toml", .line = 12, .key = "projections.c"};
    try {
        map_to_crossbars({matrix("a", 40, 20), matrix("b", 5, 3), matrix("c", 1, 1, where)}, p, 1);
        FAIL("no error beyond max_arrays");
    } catch (const network_error& e) {
        CHECK(e.site().node == "c");
        CHECK(e.site().resource == "arrays");
        // The matrix's own site is kept.
        CHECK(e.site().file == "net.toml");
        CHECK(e.site().line == 12);
        CHECK(e.site().key == "projections.c");
        const std::string detail = e.detail();
        INFO(detail);
        CHECK(detail.find("brings the network to 11 arrays; unit has 10") != std::string::npos);
    }

    // With two replicas the first matrix alone needs 3 × 3 × 2 = 18 arrays.
    try {
        map_to_crossbars({matrix("a", 40, 20)}, p, 2);
        FAIL("no error for 18 arrays of 10");
    } catch (const network_error& e) {
        CHECK(e.site().node == "a");
        CHECK(e.site().resource == "arrays");
        CHECK(e.detail() ==
              "the 40x20 weight matrix needs 3 row tiles x 3 column tiles x 2 replicas of 16x16 arrays (8 weights per "
              "array with 2 columns per weight), which brings the network to 18 arrays; unit has 10");
    }
}

TEST_CASE("crossbar mapper: zero replicas and arrays narrower than one weight are config errors") {
    const crossbar_params p = test::unit_crossbar();
    CHECK_THROWS_AS(map_to_crossbars({matrix("w", 4, 4)}, p, 0), config_error);
    // 8-bit weights in 1-bit cells, differential: 16 columns per weight, but 12-column arrays.
    crossbar_params narrow = test::unit_crossbar();
    narrow.geometry.columns = 12;
    narrow.periphery.weight_bits = 8;
    CHECK(crossbar_encoding::of(narrow).weights_per_array == 0);
    CHECK_THROWS_AS(map_to_crossbars({matrix("w", 4, 4)}, narrow, 1), config_error);
}
