#include "devices/crossbar/crossbar_array.hpp"

#include <algorithm>
#include <cmath>

#include "engine/base/errors.hpp"
#include "engine/base/rng.hpp"

namespace fluxon {
namespace {

constexpr double micro = 1e-6;

// aihwkit PCMLikeNoiseModel: the drift exponent's mean and spread depend on the target level.
void pcm_drift_nu(double g_target, double g_max, double& mean, double& std) {
    const double l = std::log(std::max(g_target / g_max, 1e-300));
    mean = std::clamp(-0.0155 * l + 0.0244, 0.049, 0.1);
    std = std::clamp(-0.0125 * l - 0.0059, 0.008, 0.045);
}

// Draws of one cell, by coordinate, so programming does not depend on order or threads.
enum draw : std::uint64_t { stuck = 0, programming = 1, d2d = 2, drift_nu = 3 };

}  // namespace

double programming_sigma(const crossbar_params& params, double target) {
    const double g_max = params.cell.g_max;
    if (!params.variation.pcm_programming) return params.variation.programming_sigma * g_max;
    // aihwkit PCMLikeNoiseModel (Nandakumar et al., ICECS 2019): σ in µS as a polynomial of the
    // target conductance relative to g_max, for g_max = 25 µS and scaled with it.
    const double x = g_max > 0 ? target / g_max : 0;
    const double sigma_us = std::max(0.26348 + 1.9650 * x - 1.1731 * x * x, 0.0);
    return sigma_us * micro * (g_max / (25 * micro));
}

crossbar_array::crossbar_array(const crossbar_params& params, const crossbar_encoding& encoding,
                               const crossbar_block& block, std::uint64_t seed, double age)
    : params_(params), enc_(encoding), rows_(block.rows), columns_(block.columns), seed_(seed), age_(age) {
    const crossbar_cell& cell = params.cell;
    if (rows_ > params.geometry.rows || columns_ > enc_.weights_per_array) {
        throw internal_error("crossbar_array: the block is larger than the array");
    }
    level_g_ = (cell.g_max - cell.g_min) / enc_.levels;
    for (std::uint32_t s = 0; s < enc_.slices; ++s) {
        significance_.push_back(std::ldexp(1.0, static_cast<int>(s * enc_.bits_per_slice)));
    }
    const crossbar_variation& v = params.variation;
    const bool noisy = v.read_sigma > 0 || v.pcm_read_noise;
    const std::uint32_t slices = enc_.slices;
    const std::size_t n = std::size_t{rows_} * columns_ * slices;
    d_.assign(n, 0.0);
    if (noisy) var_.assign(n, 0.0);
    double g_sum = 0;
    for (std::uint32_t r = 0; r < rows_; ++r) {
        for (std::uint32_t c = 0; c < columns_; ++c) {
            const std::size_t w = std::size_t{r} * columns_ + c;
            const bool equal = !block.equal_pairs.empty() && block.equal_pairs[w];
            for (std::uint32_t s = 0; s < slices; ++s) {
                double plus = 0, minus = 0;
                if (equal) {
                    plus = minus = block.equal_level * enc_.levels;
                } else {
                    enc_.digits(block.weights[w], s, plus, minus);
                }
                const std::size_t i = w * slices + s;
                const std::uint32_t pc = c * enc_.columns_per_weight + s * (enc_.differential ? 2 : 1);
                double var_plus = 0, var_minus = 0;
                const double gp = program_cell(plus, r, pc, var_plus);
                g_sum += gp;
                if (enc_.differential) {
                    const double gm = program_cell(minus, r, pc + 1, var_minus);
                    g_sum += gm;
                    d_[i] = (gp - gm) / level_g_;
                } else {
                    d_[i] = gp / level_g_;
                }
                if (noisy) var_[i] = (var_plus + var_minus) / (level_g_ * level_g_);
            }
        }
    }
    if (!enc_.differential) {
        ref_.assign(std::size_t{rows_} * slices, 0.0);
        if (noisy) ref_var_.assign(ref_.size(), 0.0);
        for (std::uint32_t r = 0; r < rows_; ++r) {
            for (std::uint32_t s = 0; s < slices; ++s) {
                double variance = 0;
                const double digit = enc_.analog ? 0.5 * enc_.levels : enc_.reference_digit(s);
                const double g = program_cell(digit, r, columns_ * enc_.columns_per_weight + s, variance);
                g_sum += g;
                ref_[r * slices + s] = g / level_g_;
                if (noisy) ref_var_[r * slices + s] = variance / (level_g_ * level_g_);
            }
        }
    }
    mean_g_ = cells() > 0 ? g_sum / static_cast<double>(cells()) : 0;

    const crossbar_periphery& io = params.periphery;
    ideal_adc_ = io.adc_bits == 0;
    if (!ideal_adc_) {
        // The largest signal a column can carry when all parallel rows are driven at full scale:
        // every cell at the top level (differential), or at g_max including the pedestal (offset).
        const double rows_read = std::min(params.geometry.parallel_rows, params.geometry.rows);
        const double top = enc_.differential ? enc_.levels : cell.g_max / level_g_;
        const double full_scale = io.adc_full_scale * rows_read * top;
        // Signed columns (differential) take two's complement codes, unsigned ones (offset) 0 up.
        const int magnitude_bits = static_cast<int>(io.adc_bits) - (enc_.differential ? 1 : 0);
        const double steps = std::ldexp(1.0, magnitude_bits);  // the codes 0 ... steps - 1
        adc_hi_ = steps - 1;
        adc_lo_ = enc_.differential ? (io.adc_codes == adc_range::binary ? -steps : -adc_hi_) : 0;
        adc_lsb_ = full_scale / (io.adc_codes == adc_range::binary ? steps : adc_hi_);
        adc_inverse_lsb_ = 1.0 / adc_lsb_;
    }
}

double crossbar_array::program_cell(double digit, std::uint32_t row, std::uint32_t physical_column,
                                    double& variance) const {
    const crossbar_cell& cell = params_.cell;
    const crossbar_variation& v = params_.variation;
    const std::uint64_t id = std::uint64_t{row} * params_.geometry.columns + physical_column;
    const double target = cell.g_min + digit * level_g_;
    double g = target;
    const double u = counter_uniform(seed_, id, draw::stuck);
    const bool stuck_on = u < v.stuck_on;
    const bool stuck_off = !stuck_on && u < v.stuck_on + v.stuck_off;
    if (stuck_on) {
        g = cell.g_max;
    } else if (stuck_off) {
        g = cell.g_min;
    } else {
        const double sigma = programming_sigma(params_, target);
        if (sigma > 0) g += sigma * counter_normal(seed_, id, draw::programming);
        if (v.d2d_sigma > 0) g *= 1.0 + v.d2d_sigma * counter_normal(seed_, id, draw::d2d);
        g = std::max(g, 0.0);
        if (v.drift != drift_model::none && age_ > v.drift_t0) {
            double mean = v.drift_nu_mean, std = v.drift_nu_std;
            if (v.drift == drift_model::pcm) pcm_drift_nu(target, cell.g_max, mean, std);
            const double nu = mean + std * counter_normal(seed_, id, draw::drift_nu);
            g *= std::pow(age_ / v.drift_t0, -nu);
        }
    }
    if (v.wire_resistance > 0 && g > 0) {
        // Series wire resistance only: the row wire from the driver to this column and the
        // column wire from this row down to the sense amplifier; no current sharing between
        // cells (a first-order IR drop, exact when one cell conducts).
        const double segments = (physical_column + 1.0) + (static_cast<double>(params_.geometry.rows) - row);
        g = g / (1.0 + g * v.wire_resistance * segments);
    }
    variance = 0;
    if (v.pcm_read_noise && age_ > 0) {
        // aihwkit PCMLikeNoiseModel 1/f read noise: σ = G Q_s sqrt(ln((t + t_read) / (2 t_read))).
        const double rel = cell.g_max > 0 ? std::max(target / cell.g_max, 1e-300) : 1.0;
        const double q_s = std::min(0.0088 / std::pow(rel, 0.65), 0.2);
        const double arg = std::log((age_ + v.pcm_t_read) / (2 * v.pcm_t_read));
        if (arg > 0) variance = g * g * q_s * q_s * arg;
    } else if (v.read_sigma > 0) {
        variance = (v.read_sigma * g) * (v.read_sigma * g);
    }
    return g;
}

double crossbar_array::convert(double value) const {
    if (ideal_adc_) return value;
    return std::clamp(std::nearbyint(value * adc_inverse_lsb_), adc_lo_, adc_hi_) * adc_lsb_;
}

void crossbar_array::read(std::span<const std::uint32_t> rows, std::span<const double> drive,
                          std::uint64_t read_key, std::uint32_t c0, std::uint32_t c1, double scale, double* out,
                          scratch& work) const {
    const std::uint32_t slices = enc_.slices;
    const std::size_t width = std::size_t{c1 - c0} * slices;
    const bool noisy = !var_.empty();
    work.acc.assign(width, 0.0);
    if (noisy) work.var.assign(width, 0.0);
    if (!enc_.differential) {
        work.ref.assign(slices, 0.0);
        work.ref_var.assign(slices, 0.0);
    }
    for (std::size_t k = 0; k < rows.size(); ++k) {
        const std::uint32_t r = rows[k];
        const double x = drive.empty() ? 1.0 : drive[k];
        const std::size_t base = (std::size_t{r} * columns_ + c0) * slices;
        const double* row = d_.data() + base;
        double* acc = work.acc.data();
        for (std::size_t j = 0; j < width; ++j) acc[j] += x * row[j];
        if (noisy) {
            const double* rv = var_.data() + base;
            for (std::size_t j = 0; j < width; ++j) work.var[j] += x * x * rv[j];
        }
        if (!enc_.differential) {
            for (std::uint32_t s = 0; s < slices; ++s) {
                work.ref[s] += x * ref_[std::size_t{r} * slices + s];
                if (noisy) work.ref_var[s] += x * x * ref_var_[std::size_t{r} * slices + s];
            }
        }
    }
    // Noise is drawn per converted column: the sum of the cells' independent read noises is one
    // Gaussian with the summed variance. Column ids are global, so slicing a read across threads
    // draws the same numbers.
    const std::uint64_t ref_id = std::uint64_t{columns_} * slices;
    for (std::uint32_t c = c0; c < c1; ++c) {
        double y = 0;
        for (std::uint32_t s = 0; s < slices; ++s) {
            const std::size_t j = std::size_t{c - c0} * slices + s;
            double value = work.acc[j];
            if (noisy && work.var[j] > 0) {
                value += std::sqrt(work.var[j]) * counter_normal(seed_, read_key, std::uint64_t{c} * slices + s);
            }
            double q = convert(value);
            if (!enc_.differential) {
                double ref = work.ref[s];
                if (noisy && work.ref_var[s] > 0) {
                    ref += std::sqrt(work.ref_var[s]) * counter_normal(seed_, read_key, ref_id + s);
                }
                q -= convert(ref);
            }
            y += q * significance_[s];
        }
        out[c - c0] += scale * enc_.unit * y;
    }
}

double crossbar_array::cell_read_energy() const {
    const crossbar_cell& cell = params_.cell;
    if (cell.read_energy > 0) return cell.read_energy;
    const double v = cell.conduction_voltage > 0 ? cell.conduction_voltage : cell.v_read;
    const double t = cell.conduction_time > 0 ? cell.conduction_time : cell.t_read;
    return v * v * mean_g_ * t;
}

}  // namespace fluxon
