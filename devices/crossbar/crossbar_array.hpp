#pragma once
// One programmed array: a block of weights written into cells as conductances (with the
// device's programming error, variation, stuck cells, drift and IR drop), read by driving a
// set of rows, and converted column by column (read noise, ADC, shift and add). Everything is
// kept in units of one cell level ("digits"), so an ideal device reproduces the stored codes
// exactly and only the non-idealities move the result.
#include <cstdint>
#include <span>
#include <vector>

#include "devices/crossbar/crossbar_encoding.hpp"
#include "devices/crossbar/crossbar_params.hpp"

namespace fluxon {

// The weights one array holds: rows × columns weights in full-scale units (|w| <= 1).
struct crossbar_block {
    std::uint32_t rows = 0, columns = 0;
    std::vector<double> weights;  // row-major
    // Device-random weights: where set, both cells of the pair are programmed to the same level
    // (`equal_level`, a fraction of the range), so the weight is the pair's device mismatch.
    std::vector<std::uint8_t> equal_pairs;
    double equal_level = 0.5;
};

// σ (S) of the programming error of a cell programmed to `target`: the preset's constant
// fraction of g_max, or aihwkit's PCM polynomial. Device-to-device variation comes on top.
double programming_sigma(const crossbar_params& params, double target);

class crossbar_array {
public:
    // `seed` draws this array's devices; `age` (s) is the time since programming at which it is
    // read (drift and 1/f read noise grow with it).
    crossbar_array(const crossbar_params& params, const crossbar_encoding& encoding, const crossbar_block& block,
                   std::uint64_t seed, double age);

    struct scratch {
        std::vector<double> acc, var, ref, ref_var;
    };

    // Drives `rows` (local indices, at most parallel_rows of them) at `drive` (one value in
    // [0, 1] per row; empty: all 1) and adds, for weight columns [c0, c1), the converted
    // result times `scale` to out[c - c0]. `read_key` names the read in the noise stream, so
    // the same read gives the same noise whoever performs it.
    void read(std::span<const std::uint32_t> rows, std::span<const double> drive, std::uint64_t read_key,
              std::uint32_t c0, std::uint32_t c1, double scale, double* out, scratch& work) const;

    std::uint32_t rows() const { return rows_; }
    std::uint32_t weight_columns() const { return columns_; }
    // Columns of cells in use: the weights' and the reference columns.
    std::uint32_t physical_columns() const { return columns_ * enc_.columns_per_weight + enc_.reference_columns; }
    std::uint64_t cells() const { return std::uint64_t{rows_} * physical_columns(); }
    double mean_conductance() const { return mean_g_; }  // S, over the cells in use
    // J per cell per read: the preset's, or v_read² × mean G × t_read.
    double cell_read_energy() const;
    // The conductance (S) the cell at (row, physical column) of this array takes when programmed
    // to `digit`: with its stuck state, programming error, variation and drift, seen through
    // the wires. The array's cells are these, recomputed rather than stored.
    double cell_conductance(double digit, std::uint32_t row, std::uint32_t physical_column) const {
        double variance = 0;
        return program_cell(digit, row, physical_column, variance);
    }
    bool noisy() const { return !var_.empty(); }

private:
    double program_cell(double digit, std::uint32_t row, std::uint32_t physical_column, double& variance) const;
    double convert(double value) const;

    const crossbar_params& params_;
    crossbar_encoding enc_;
    std::uint32_t rows_ = 0, columns_ = 0;
    std::uint64_t seed_ = 0;
    double age_ = 0;
    double level_g_ = 0;  // S per digit
    // Per cell, row-major [row][column][slice]: the signed digit difference (differential) or
    // the digit including the g_min pedestal (offset), and its read-noise variance.
    std::vector<double> d_, var_;
    std::vector<double> ref_, ref_var_;  // [row][slice], offset encoding
    double mean_g_ = 0;
    double adc_lsb_ = 0, adc_inverse_lsb_ = 0, adc_lo_ = 0, adc_hi_ = 0;  // digits, codes
    std::vector<double> significance_;  // per slice: 2^(slice x bits per slice)
    bool ideal_adc_ = true;
};

}  // namespace fluxon
