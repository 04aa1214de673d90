#pragma once
// How weights of one precision land on the cells of an array: bit slices, columns per weight,
// reference columns, and the unit of a stored level. Derived from the preset; the mapper and
// the arrays share it.
#include <cstdint>
#include <string>

#include "devices/crossbar/crossbar_params.hpp"

namespace fluxon {

struct crossbar_encoding {
    std::uint32_t slices = 1;             // cells holding one weight's bits, lowest first
    std::uint32_t bits_per_slice = 1;     // bits of the weight in one cell
    std::uint32_t columns_per_weight = 2; // physical columns one weight takes
    std::uint32_t reference_columns = 0;  // per array: the offset's columns (offset encoding)
    std::uint32_t weights_per_array = 0;  // weight columns one array holds (0: not even one)
    double levels = 1;                    // the largest digit of a cell (analog weights: 1)
    std::int64_t max_code = 0;            // the largest weight magnitude code (analog: 0)
    std::int64_t offset_code = 0;         // offset encoding: code added to every weight
    double unit = 1;                      // weight (in full-scale units) of one code
    bool analog = false;
    bool differential = true;

    static crossbar_encoding of(const crossbar_params& p);

    // The cell digits of `weight` (in full-scale units, |weight| <= 1) for slice s. Differential
    // encoding gives the G+ and G- digits, offset encoding the digit and 0.
    void digits(double weight, std::uint32_t s, double& plus, double& minus) const;
    // The reference column's digit of slice s (offset encoding).
    double reference_digit(std::uint32_t s) const;
};

// Why these parameters cannot be encoded (an array narrower than one weight, a one-bit ADC on
// a signed column), or "" when they can. Checked when a preset is read and after a run's overrides.
std::string crossbar_params_problem(const crossbar_params& p);

}  // namespace fluxon
