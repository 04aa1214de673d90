// Crossbar arrays against numbers computed by hand: an ideal device computes the exact product,
// quantised weights the product of the quantised weights, a finite ADC stays within half an
// LSB, variation and read noise have the configured spread, drift follows its power law, one
// MVM costs the sum of its counted actions, and the same seed draws the same devices.
#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <numeric>
#include <random>
#include <vector>

#include "tests/unit/common/relative.hpp"
#include "tests/unit/common/unit_crossbar.hpp"
#include "devices/crossbar/crossbar_array.hpp"
#include "devices/crossbar/crossbar_encoding.hpp"
#include "devices/crossbar/crossbar_preset.hpp"
#include "devices/crossbar/plugin/crossbar_mvm.hpp"
#include "engine/base/errors.hpp"

using namespace fluxon;
using fluxon::test::relative;
using fluxon::test::unit_crossbar;

namespace {

struct product {
    std::vector<double> w, x;  // w: rows x columns, x: batch x rows
    std::uint32_t rows, columns;
    std::size_t batch;
};

product random_product(std::uint32_t rows, std::uint32_t columns, std::size_t batch, unsigned seed) {
    std::mt19937_64 gen(seed);
    std::uniform_real_distribution<double> wd(-2e-3, 2e-3), xd(0, 1);
    product p{{}, {}, rows, columns, batch};
    for (std::size_t i = 0; i < std::size_t{rows} * columns; ++i) p.w.push_back(wd(gen));
    for (std::size_t i = 0; i < batch * rows; ++i) p.x.push_back(xd(gen));
    return p;
}

std::vector<double> exact(const product& p, double input_levels, const std::vector<double>& w) {
    std::vector<double> y(p.batch * p.columns, 0.0);
    for (std::size_t b = 0; b < p.batch; ++b) {
        for (std::uint32_t r = 0; r < p.rows; ++r) {
            const double x = std::nearbyint(p.x[b * p.rows + r] * input_levels) / input_levels;
            for (std::uint32_t c = 0; c < p.columns; ++c) y[b * p.columns + c] += x * w[std::size_t{r} * p.columns + c];
        }
    }
    return y;
}

crossbar_spec spec_of(const std::string& preset) {
    crossbar_spec s;
    s.preset = preset;
    return s;
}

double max_abs(const std::vector<double>& v) {
    double m = 0;
    for (double x : v) m = std::max(m, std::abs(x));
    return m;
}

}  // namespace

TEST_CASE("an ideal crossbar computes the exact product across row and column tiles") {
    // 300 x 150 on 128 x 128 arrays of 64 differential weights: 3 row tiles x 3 column tiles.
    const product p = random_product(300, 150, 4, 7);
    const crossbar_mvm_result r = crossbar_mvm(p.w, p.rows, p.columns, p.x, p.batch, spec_of("ideal"), 1);
    CHECK(r.row_tiles == 3);
    CHECK(r.column_tiles == 3);
    CHECK(r.arrays == 9);
    const std::vector<double> want = exact(p, 255, p.w);  // the preset's 8-bit bit-serial inputs
    const double scale = max_abs(want);
    for (std::size_t i = 0; i < want.size(); ++i) REQUIRE(std::abs(r.outputs[i] - want[i]) <= 1e-12 * scale);
    // Three row tiles of one column block: two partial sums per output per read bit.
    std::int64_t partial = 0;
    for (std::size_t i = 0; i < r.ledger.action.size(); ++i) {
        if (r.ledger.action[i] == "partial_sum") partial += r.ledger.count[i];
    }
    CHECK(partial > 0);
}

TEST_CASE("offset encoding gives the same exact product as differential pairs") {
    const product p = random_product(40, 30, 3, 11);
    crossbar_spec s = spec_of("ideal");
    s.weight_bits = 6;
    const crossbar_mvm_result pairs = crossbar_mvm(p.w, p.rows, p.columns, p.x, p.batch, s, 1);
    // Quantised weights: the nearest of 63 levels each side of zero, of the largest magnitude.
    const double w_max = max_abs(p.w);
    std::vector<double> q;
    for (double w : p.w) q.push_back(std::nearbyint(w / w_max * 63) / 63 * w_max);
    const std::vector<double> want = exact(p, 255, q);
    const double scale = max_abs(want);
    for (std::size_t i = 0; i < want.size(); ++i) REQUIRE(std::abs(pairs.outputs[i] - want[i]) <= 1e-12 * scale);
    // Not equal to the unquantised product: 6 bits move results visibly.
    CHECK(std::abs(pairs.outputs[0] - exact(p, 255, p.w)[0]) > 1e-9 * scale);
}

TEST_CASE("encodings: slices, columns per weight and reference columns") {
    crossbar_params p = unit_crossbar();
    p.periphery.weight_bits = 8;
    p.cell.bits_per_cell = 2;
    crossbar_encoding e = crossbar_encoding::of(p);
    CHECK(e.slices == 4);
    CHECK(e.columns_per_weight == 8);
    CHECK(e.weights_per_array == 2);
    p.periphery.encoding = weight_encoding::offset;
    e = crossbar_encoding::of(p);
    CHECK(e.slices == 5);  // 9 stored bits
    CHECK(e.reference_columns == 5);
    CHECK(e.weights_per_array == 2);  // (16 - 5) / 5
    // 200 = 3 x 64 + 8: digits of 200 + 255 = 455 = 0b111000111 in 2-bit slices, low first.
    double plus = 0, minus = 0;
    const double w = 200.0 / 255;
    const double want[] = {3, 1, 0, 3, 1};
    for (std::uint32_t s = 0; s < 5; ++s) {
        e.digits(w, s, plus, minus);
        CHECK(plus == want[s]);
        CHECK(minus == 0);
    }
    p.geometry.columns = 9;
    CHECK_FALSE(crossbar_params_problem(p).empty());
}

TEST_CASE("a finite ADC stays within half an LSB of the exact column sum") {
    crossbar_params p = unit_crossbar();
    p.periphery.adc_bits = 6;
    p.periphery.adc_full_scale = 0.5;  // 8 fully-on rows: LSB = 8 / 2^5 = 0.25 digit
    const crossbar_encoding e = crossbar_encoding::of(p);
    crossbar_block block{16, 8, {}, {}, 0.5};
    std::mt19937_64 gen(3);
    std::uniform_real_distribution<double> wd(-1, 1);
    for (int i = 0; i < 16 * 8; ++i) block.weights.push_back(wd(gen));
    const crossbar_array a(p, e, block, 5, 0);
    crossbar_array::scratch work;
    const double lsb = 0.5 * 16 / 32;
    int inexact = 0;
    for (std::uint32_t first = 0; first + 4 <= 16; ++first) {
        const std::vector<std::uint32_t> rows{first, first + 1, first + 2, first + 3};
        std::vector<double> y(8, 0.0);
        a.read(rows, {}, first, 0, 8, 1.0, y.data(), work);
        for (std::uint32_t c = 0; c < 8; ++c) {
            double sum = 0;
            for (std::uint32_t r : rows) sum += block.weights[r * 8 + c];
            REQUIRE(std::abs(y[c] - sum) <= lsb / 2 + 1e-12);
            inexact += std::abs(y[c] - sum) > 1e-9;
        }
    }
    CHECK(inexact > 0);  // the converter does round
}

TEST_CASE("the ADC clips at its full scale, one LSB short of it above, at it below") {
    crossbar_params p = unit_crossbar();
    p.periphery.adc_bits = 4;
    p.periphery.adc_full_scale = 0.125;  // 2 fully-on rows: two's complement codes -8..7 of 2/8 digit
    const crossbar_encoding e = crossbar_encoding::of(p);
    crossbar_block block{16, 2, {}, {}, 0.5};
    for (int r = 0; r < 16; ++r) block.weights.insert(block.weights.end(), {1.0, -1.0});
    const crossbar_array a(p, e, block, 5, 0);
    crossbar_array::scratch work;
    std::vector<std::uint32_t> rows(16);
    std::iota(rows.begin(), rows.end(), 0u);
    std::vector<double> y(2, 0.0);
    a.read(rows, {}, 0, 0, 2, 1.0, y.data(), work);
    CHECK(y[0] == 1.75);   // 16 rows on, clipped at code 7 = 2 - 0.25
    CHECK(y[1] == -2.0);   // and at code -8
}

TEST_CASE("the symmetric ADC range makes +-full scale codes, as aihwkit's out_res does") {
    crossbar_params p = unit_crossbar();
    p.periphery.adc_bits = 4;
    p.periphery.adc_full_scale = 0.125;  // 2 fully-on rows: codes -7..7 of 2/7 digit
    p.periphery.adc_codes = adc_range::symmetric;
    const crossbar_encoding e = crossbar_encoding::of(p);
    crossbar_block block{16, 2, {}, {}, 0.5};
    for (int r = 0; r < 16; ++r) block.weights.insert(block.weights.end(), {1.0, -1.0});
    const crossbar_array a(p, e, block, 5, 0);
    crossbar_array::scratch work;
    std::vector<double> y(2, 0.0);
    std::vector<std::uint32_t> all(16);
    std::iota(all.begin(), all.end(), 0u);
    a.read(all, {}, 0, 0, 2, 1.0, y.data(), work);
    CHECK(y[0] == fluxon::test::approx(2.0).epsilon(1e-15));
    CHECK(y[1] == fluxon::test::approx(-2.0).epsilon(1e-15));
    y.assign(2, 0.0);
    const std::vector<std::uint32_t> one{3};
    a.read(one, {}, 1, 0, 2, 1.0, y.data(), work);
    // One cell is 3.5 LSB of 2/7 digit, rounded (to even) to code 4: 8/7 digit, not 1.
    CHECK(y[0] == fluxon::test::approx(8.0 / 7).epsilon(1e-15));
}

TEST_CASE("device-to-device variation and programming error have the configured spread") {
    crossbar_params p = unit_crossbar();
    p.geometry = {256, 256, 256};
    p.variation.d2d_sigma = 0.1;
    const crossbar_encoding e = crossbar_encoding::of(p);
    crossbar_block block{256, 128, std::vector<double>(256 * 128, 1.0), {}, 0.5};
    const crossbar_array a(p, e, block, 9, 0);
    // G+ cells target g_max: relative spread 0.1.
    double sum = 0, sum2 = 0;
    const int n = 256 * 128;
    for (std::uint32_t r = 0; r < 256; ++r) {
        for (std::uint32_t c = 0; c < 128; ++c) {
            const double g = a.cell_conductance(1, r, 2 * c) / p.cell.g_max;  // G+ of weight c, slice 0
            sum += g;
            sum2 += g * g;
        }
    }
    const double mean = sum / n, sd = std::sqrt(sum2 / n - mean * mean);
    CHECK(mean == fluxon::test::approx(1.0).epsilon(0.003));
    CHECK(sd == fluxon::test::approx(0.1).epsilon(0.03));

    p.variation.d2d_sigma = 0;
    p.variation.programming_sigma = 0.02;  // absolute: 0.02 x 11 uS on every cell
    const crossbar_array b(p, e, block, 9, 0);
    sum = sum2 = 0;
    for (std::uint32_t r = 0; r < 256; ++r) {
        for (std::uint32_t c = 0; c < 128; ++c) {
            const double g = b.cell_conductance(0, r, 2 * c + 1) - p.cell.g_min;  // G- cells target g_min
            sum += g;
            sum2 += g * g;
        }
    }
    CHECK(std::sqrt(sum2 / n - (sum / n) * (sum / n)) == fluxon::test::approx(0.02 * 11e-6).epsilon(0.03));
}

TEST_CASE("read noise has the configured spread and the same key gives the same noise") {
    crossbar_params p = unit_crossbar();
    p.variation.read_sigma = 0.05;
    const crossbar_encoding e = crossbar_encoding::of(p);
    crossbar_block block{16, 1, std::vector<double>(16, 1.0), {}, 0.5};
    const crossbar_array a(p, e, block, 21, 0);
    crossbar_array::scratch work;
    // Two rows on: G+ = 11 uS, G- = 1 uS each; sigma^2 = 2 (0.05^2)(11^2 + 1^2) uS^2, in digits of 10 uS.
    const std::vector<std::uint32_t> rows{3, 9};
    const double want = std::sqrt(2 * 0.0025 * (121 + 1)) / 10;
    double sum = 0, sum2 = 0;
    const int n = 40000;
    for (int k = 0; k < n; ++k) {
        double y = 0;
        a.read(rows, {}, static_cast<std::uint64_t>(k), 0, 1, 1.0, &y, work);
        sum += y;
        sum2 += y * y;
    }
    const double mean = sum / n;
    CHECK(mean == fluxon::test::approx(2.0).epsilon(0.002));
    CHECK(std::sqrt(sum2 / n - mean * mean) == fluxon::test::approx(want).epsilon(0.02));
    double y1 = 0, y2 = 0;
    a.read(rows, {}, 77, 0, 1, 1.0, &y1, work);
    a.read(rows, {}, 77, 0, 1, 1.0, &y2, work);
    CHECK(y1 == y2);
}

TEST_CASE("drift follows G0 (t/t0)^-nu") {
    crossbar_params p = unit_crossbar();
    p.variation.drift = drift_model::constant;
    p.variation.drift_nu_mean = 0.06;
    p.variation.drift_t0 = 20;
    const crossbar_encoding e = crossbar_encoding::of(p);
    crossbar_block block{4, 4, std::vector<double>(16, 0.5), {}, 0.5};
    for (const double age : {20.0, 3600.0, 86400.0 * 365}) {
        const crossbar_array a(p, e, block, 1, age);
        const double g0 = p.cell.g_min + 0.5 * (p.cell.g_max - p.cell.g_min);
        CHECK(a.cell_conductance(0.5, 2, 6) == fluxon::test::approx(g0 * std::pow(age / 20, -0.06)).epsilon(1e-12));
    }
    // aihwkit's PCM drift: nu for g/g_max = 0.5 has mean clamp(0.0155 ln 2 + 0.0244) = 0.049 (the
    // lower clamp) and spread clamp(0.0125 ln 2 - 0.0059) = 0.008 (the lower clamp).
    p.variation.drift = drift_model::pcm;
    p.cell.g_min = 0;
    p.geometry = {128, 128, 128};
    crossbar_block many{128, 64, std::vector<double>(128 * 64, 0.5), {}, 0.5};
    const double age = 20 * std::exp(3.0);  // ln(t/t0) = 3
    const crossbar_array a(p, crossbar_encoding::of(p), many, 2, age);
    double sum = 0, sum2 = 0;
    for (std::uint32_t r = 0; r < 128; ++r) {
        for (std::uint32_t c = 0; c < 64; ++c) {
            const double nu = -std::log(a.cell_conductance(0.5, r, 2 * c) / (0.5 * p.cell.g_max)) / 3;
            sum += nu;
            sum2 += nu * nu;
        }
    }
    const double n = 128 * 64, mean = sum / n;
    CHECK(mean == fluxon::test::approx(0.049).epsilon(0.01));
    CHECK(std::sqrt(sum2 / n - mean * mean) == fluxon::test::approx(0.008).epsilon(0.04));
}

TEST_CASE("the same seed programs the same devices; another seed others") {
    const product p = random_product(20, 10, 2, 5);
    crossbar_spec s = spec_of("reram_neurosim");
    const auto a = crossbar_mvm(p.w, p.rows, p.columns, p.x, p.batch, s, 4);
    const auto b = crossbar_mvm(p.w, p.rows, p.columns, p.x, p.batch, s, 4);
    const auto c = crossbar_mvm(p.w, p.rows, p.columns, p.x, p.batch, s, 5);
    CHECK(a.outputs == b.outputs);
    CHECK(a.outputs != c.outputs);
}

TEST_CASE("reram_neurosim's 5-bit ADC reads one cell as exactly one level, and clips two's complement") {
    // Full scale = adc_full_scale x parallel_rows x one level = 0.125 x 128 = 16 levels, over
    // 2^4 = 16 positive codes: LSB = 1 level. Every slice column of an all-ones 8-bit weight
    // (255 = every bit set) sums one level per driven row; shift-and-add gives back the weight.
    crossbar_spec s = spec_of("reram_neurosim");
    s.d2d_sigma = 0;
    const auto outputs = [&](double w, int rows_on) {
        std::vector<double> weights(128 * 2, 0.0), x(128, 0.0);
        for (int r = 0; r < 128; ++r) weights[r * 2] = w, weights[r * 2 + 1] = -1e-3;  // full scale 1e-3
        for (int r = 0; r < rows_on; ++r) x[r] = 1.0;
        return crossbar_mvm(weights, 128, 2, x, 1, s, 1).outputs;
    };
    CHECK(outputs(1e-3, 1)[0] == fluxon::test::approx(1e-3).epsilon(1e-12));     // was 16/15 = 1.0667e-3
    CHECK(outputs(1e-3, 15)[0] == fluxon::test::approx(15e-3).epsilon(1e-12));   // the top code, exact
    CHECK(outputs(1e-3, 20)[0] == fluxon::test::approx(15e-3).epsilon(1e-12));   // 20 levels: clipped at code 15
    CHECK(outputs(1e-3, 20)[1] == fluxon::test::approx(-16e-3).epsilon(1e-12));  // -20: clipped at code -16
    // A weight of 5/255 of full scale sets bits 0 and 2: 3 rows give 3 levels in those slices.
    CHECK(outputs(5.0 / 255 * 1e-3, 3)[0] == fluxon::test::approx(3 * 5.0 / 255 * 1e-3).epsilon(1e-12));
}

TEST_CASE("one MVM costs the sum of its counted actions") {
    // reram_neurosim without variation: 128 x 8 weights of +1 fill one array (8 weights x 8
    // one-bit slices x 2 columns = 128 columns). 10 rows at input 1.0 are read on all 8 input
    // bits: 8 reads. Each slice column sums 10 levels, which the 5-bit ADC (LSB = 0.125 x 128 /
    // 16 = 1 level) reads exactly: every output is 10 mV.
    crossbar_spec s = spec_of("reram_neurosim");
    s.d2d_sigma = 0;
    std::vector<double> w(128 * 8, 1e-3), x(128, 0.0);
    for (int r = 0; r < 10; ++r) x[r * 12] = 1.0;
    const auto result = crossbar_mvm(w, 128, 8, x, 1, s, 1);
    for (double y : result.outputs) CHECK(y == fluxon::test::approx(10e-3).epsilon(1e-12));
    std::map<std::string, std::pair<std::int64_t, double>> by_action;
    for (std::size_t i = 0; i < result.ledger.action.size(); ++i) {
        by_action[result.ledger.action[i]] = {result.ledger.count[i], result.ledger.energy[i]};
    }
    CHECK(by_action["read"].first == 8);
    CHECK(by_action["row_drive"].first == 80);
    CHECK(by_action["cell_read"].first == 80 * 128);
    CHECK(by_action["adc"].first == 8 * 64);
    CHECK(by_action["shift_add"].first == 8 * 64);
    CHECK(by_action["buffer"].first == 8 * 8);
    CHECK(by_action["program"].first == 128 * 128);
    // Every G+ cell at g_max = 10 uS, every G- at g_min = 1/1.7 MOhm: mean G = (10 + 0.5882) / 2
    // uS, dissipating (0.2821 V)^2 x G for the 6 ns of a conversion (NeuroSim's column term).
    const double cell = 0.2821 * 0.2821 * (10e-6 + 0.5882e-6) / 2 * 6e-9;
    const double dynamic = 80 * 7.7e-15 + 10240 * cell + 512 * 42.39e-15 + 512 * 10e-15 + 64 * 80e-15 +
                           16384 * 0.6e-12;
    CHECK(result.dynamic_energy == relative(dynamic, 1e-9));
    // A read cycle is the pulse and 8 conversions of 6 ns: 10 + 48 = 58 ns; 8 of them.
    CHECK(result.latency == fluxon::test::approx(8 * 58e-9).epsilon(1e-12));
}

TEST_CASE("reram_neurosim charges a column's conversion as NeuroSim's SAR ADC model does") {
    // NeuroSim V1.4 SarADC.cpp, 22 nm LP, 32 levels: a conversion costs
    // [(0.538 log2(32) + 4.3753) uW + 0.072341 exp(-2.303 log10(R')) W] x 6 ns, R' = R_col x
    // 0.5 V / 0.55 V, R_col the parallel resistance of the column's driven cells. The preset
    // books the constant term as adc and the column term as cell_read, per cell.
    const crossbar_params p = load_crossbar_preset("reram_neurosim", {}).params;
    const auto neurosim = [](double r_col) {
        const double column = 0.072341 * std::exp(-2.303 * std::log10(r_col * 0.5 / 0.55));
        return ((0.538 * 5 + 4.3753) * 1e-6 + column) * 6e-9;
    };
    const double per_siemens = p.cell.conduction_voltage * p.cell.conduction_voltage * p.cell.conduction_time;
    for (const double cells_on : {1.0, 16.0, 128.0}) {
        const double g = cells_on * p.cell.g_max;  // cells at 100 kOhm in parallel
        INFO(cells_on);
        CHECK(p.costs.adc_conversion.energy + per_siemens * g == relative(neurosim(1 / g), 0.002));
    }
}

TEST_CASE("reram_neurosim's energy breakdown of a fully driven array, by NeuroSim's categories") {
    // 8 weights of full scale x 8 one-bit slices x 2 columns fill the 128 x 128 array; all 128
    // rows driven on all 8 input bits. Per read: 128 row drives (7.7 fJ), 16384 cells at mean G
    // (10 + 0.5882) / 2 uS dissipating (0.2821 V)^2 G for 6 ns, 64 conversions (42.39 fJ), 64
    // shift-and-adds (10 fJ), 8 output words (80 fJ).
    crossbar_spec s = spec_of("reram_neurosim");
    s.d2d_sigma = 0;
    std::vector<double> w(128 * 8, 1e-3), x(128, 1.0);
    const auto r = crossbar_mvm(w, 128, 8, x, 1, s, 1);
    std::map<std::string, double> e;
    double reads = 0;
    for (std::size_t i = 0; i < r.ledger.action.size(); ++i) {
        if (r.ledger.action[i] == "program") continue;
        e[r.ledger.action[i]] += r.ledger.energy[i];
        reads += r.ledger.energy[i];
    }
    const double cells = 16384 * 0.2821 * 0.2821 * (10e-6 + 0.5882e-6) / 2 * 6e-9;
    const double per_read = 128 * 7.7e-15 + cells + 64 * 42.39e-15 + 64 * 10e-15 + 8 * 80e-15;
    CHECK(reads == relative(8 * per_read, 1e-9));
    // NeuroSim's "ADC" (sense circuit with the column current it draws, and the array) is
    // cell_read + adc here: 95.1 %, the cells 89.3 % of it all, the converters 5.8 %.
    CHECK((e["cell_read"] + e["adc"]) / reads == fluxon::test::approx(0.951).epsilon(0.001));
    CHECK(e["cell_read"] / reads == fluxon::test::approx(0.893).epsilon(0.001));
    CHECK(e["adc"] / reads == fluxon::test::approx(0.0585).epsilon(0.01));
    // Accumulation (shift-and-add, partial sums) 1.4 %; the rest (row drivers, output buffer) 3.5 %.
    CHECK((e["shift_add"] + e["partial_sum"]) / reads == fluxon::test::approx(0.0138).epsilon(0.01));
    CHECK((e["row_drive"] + e["buffer"] + e["read"]) / reads == fluxon::test::approx(0.0350).epsilon(0.01));
}

TEST_CASE("the SRAM CiM preset reproduces its macro's 51.2 GOPS and 10.3 TOPS/W") {
    // A full 64 x 32 MVM at full input: 2048 MACs in one cycle.
    std::vector<double> w(64 * 32, 0.5), x(64, 1.0);
    const auto r = crossbar_mvm(w, 64, 32, x, 1, spec_of("sram_cim_yin2022"), 1);
    double compute = 0;
    for (std::size_t i = 0; i < r.ledger.action.size(); ++i) {
        if (r.ledger.action[i] != "program") compute += r.ledger.energy[i];
    }
    const double ops = 2.0 * 64 * 32;
    CHECK(ops / compute == fluxon::test::approx(10.3e12).epsilon(0.002));
    CHECK(ops / r.latency == fluxon::test::approx(51.2e9).epsilon(1e-9));
}

TEST_CASE("a matrix larger than the chip is refused, naming it and the arrays") {
    crossbar_spec s = spec_of("pcm_aihwkit");  // 64 arrays of 512 x 256 weights
    std::vector<double> w(std::size_t{2} * 256 * 65, 1.0), x(2, 0.0);
    try {
        crossbar_mvm(w, 2, 256 * 65, x, 1, s, 1);
        FAIL("expected a network_error");
    } catch (const network_error& e) {
        CHECK(e.site().node == "matrix");
        CHECK(e.site().resource == "arrays");
        CHECK(std::string(e.what()).find("1 row tiles x 65 column tiles") != std::string::npos);
    }
    std::vector<double> bad(4, 0.5);
    bad[2] = 1.5;
    CHECK_THROWS_AS(crossbar_mvm(std::vector<double>(4, 1.0), 4, 1, bad, 1, s, 1), user_error);
}
