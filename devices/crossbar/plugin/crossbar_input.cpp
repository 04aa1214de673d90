#include "devices/crossbar/plugin/crossbar_input.hpp"

#include <cmath>

namespace fluxon {

crossbar_input_driver::crossbar_input_driver(const crossbar_periphery& periphery)
    : bits_(periphery.input_bits), top_(std::ldexp(1.0, static_cast<int>(periphery.input_bits)) - 1),
      serial_(periphery.inputs == input_mode::bit_serial) {}

void crossbar_input_driver::read(crossbar_reader& reader, std::uint64_t key, std::span<const std::uint32_t> rows,
                                 std::span<const double> values, double weight, double* out) {
    codes_.resize(rows.size());
    for (std::size_t r = 0; r < rows.size(); ++r) codes_[r] = static_cast<std::uint64_t>(std::nearbyint(values[r] * top_));
    if (serial_) {
        for (std::uint32_t bit = 0; bit < bits_; ++bit) {
            active_.clear();
            for (std::size_t r = 0; r < rows.size(); ++r) {
                if ((codes_[r] >> bit) & 1) active_.push_back(rows[r]);
            }
            reader.read(key * bits_ + bit, active_, {}, weight * std::ldexp(1.0, static_cast<int>(bit)) / top_, out);
        }
        return;
    }
    active_.clear();
    drive_.clear();
    for (std::size_t r = 0; r < rows.size(); ++r) {
        if (codes_[r] == 0) continue;
        active_.push_back(rows[r]);
        drive_.push_back(static_cast<double>(codes_[r]) / top_);
    }
    reader.read(key, active_, drive_, weight, out);
}

}  // namespace fluxon
