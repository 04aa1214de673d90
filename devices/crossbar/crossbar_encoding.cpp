#include "devices/crossbar/crossbar_encoding.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>


namespace fluxon {

crossbar_encoding crossbar_encoding::of(const crossbar_params& p) {
    crossbar_encoding e;
    const crossbar_periphery& io = p.periphery;
    const bool differential = io.encoding == weight_encoding::differential;
    e.analog = io.weight_bits == 0;
    e.differential = differential;
    if (e.analog) {
        // One cell holds the whole magnitude as a continuous conductance.
        e.slices = 1;
        e.bits_per_slice = 0;
        e.levels = 1;
        // Offset encoding stores (w + 1) / 2, so one unit of the stored value is 2 weight units.
        e.unit = differential ? 1.0 : 2.0;
    } else {
        e.max_code = (std::int64_t{1} << io.weight_bits) - 1;
        // The offset makes every stored value non-negative, which takes one more bit.
        const std::uint32_t stored_bits = io.weight_bits + (differential ? 0 : 1);
        e.bits_per_slice = p.cell.bits_per_cell;
        e.slices = (stored_bits + e.bits_per_slice - 1) / e.bits_per_slice;
        e.levels = static_cast<double>((std::int64_t{1} << e.bits_per_slice) - 1);
        e.offset_code = differential ? 0 : e.max_code;
        e.unit = 1.0 / static_cast<double>(e.max_code);
    }
    e.columns_per_weight = e.slices * (differential ? 2 : 1);
    e.reference_columns = differential ? 0 : e.slices;
    const std::uint32_t columns = p.geometry.columns;
    const std::uint32_t needed = e.columns_per_weight + e.reference_columns;
    e.weights_per_array = columns < needed ? 0 : (columns - e.reference_columns) / e.columns_per_weight;
    return e;
}

std::string crossbar_params_problem(const crossbar_params& p) {
    const crossbar_encoding e = crossbar_encoding::of(p);
    if (p.periphery.adc_bits == 1 && e.differential) {
        return "a differential column carries a signed signal: adc_bits must be 0 (ideal) or 2 to 24";
    }
    if (e.weights_per_array == 0) {
        return fmt::format("{}-bit weights in {}-bit cells with {} encoding take {} columns, but an array has {}",
                           p.periphery.weight_bits, p.cell.bits_per_cell, e.differential ? "differential" : "offset",
                           e.columns_per_weight + e.reference_columns, p.geometry.columns);
    }
    return {};
}

void crossbar_encoding::digits(double weight, std::uint32_t s, double& plus, double& minus) const {
    plus = minus = 0;
    if (analog) {
        if (differential) {
            (weight >= 0 ? plus : minus) = std::abs(weight);
        } else {
            plus = (weight + 1.0) / 2.0;
        }
        return;
    }
    const std::int64_t code = std::clamp<std::int64_t>(std::llround(weight * static_cast<double>(max_code)),
                                                       -max_code, max_code);
    const std::int64_t mask = (std::int64_t{1} << bits_per_slice) - 1;
    const auto digit = [&](std::int64_t v) { return static_cast<double>((v >> (s * bits_per_slice)) & mask); };
    if (differential) {
        (code >= 0 ? plus : minus) = digit(code >= 0 ? code : -code);
    } else {
        plus = digit(code + offset_code);
    }
}

double crossbar_encoding::reference_digit(std::uint32_t s) const {
    if (analog) return 0.5;
    const std::int64_t mask = (std::int64_t{1} << bits_per_slice) - 1;
    return static_cast<double>((offset_code >> (s * bits_per_slice)) & mask);
}

}  // namespace fluxon
