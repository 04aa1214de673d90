#pragma once
// Driving an array's rows with multi-bit inputs, the preset's way (periphery.inputs): each
// value in [0, 1] becomes a code of input_bits bits; bit-serial presets read once per bit and
// weigh each read by the bit's significance (shift and add), DAC presets drive every row at its
// code's level in one read. Stand-alone MVMs and layers computed in arrays share it.
#include <cstdint>
#include <span>
#include <vector>

#include "devices/crossbar/crossbar_params.hpp"
#include "devices/crossbar/plugin/crossbar_system.hpp"

namespace fluxon {

class crossbar_input_driver {
public:
    explicit crossbar_input_driver(const crossbar_periphery& periphery);

    // Drives `rows` (ascending) at `values` (each in [0, 1]; a value whose code is 0 drives
    // nothing) and adds weight x the converted outputs to `out`. `key` names the input vector
    // in the noise streams: bit-serial reads use key * input_bits + bit, a DAC read key.
    void read(crossbar_reader& reader, std::uint64_t key, std::span<const std::uint32_t> rows,
              std::span<const double> values, double weight, double* out);

private:
    std::uint32_t bits_;
    double top_;  // the largest code, 2^bits - 1
    bool serial_;
    std::vector<std::uint64_t> codes_;
    std::vector<std::uint32_t> active_;
    std::vector<double> drive_;
};

}  // namespace fluxon
