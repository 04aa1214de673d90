#pragma once
// A crossbar of round numbers for tests: 16 x 16 one-bit cells between 1 and 11 uS (10 uS per
// level), analog weights, ideal ADC, every non-ideality off.
#include "devices/crossbar/crossbar_params.hpp"

namespace fluxon::test {

inline crossbar_params unit_crossbar() {
    crossbar_params p;
    p.name = "unit";
    p.geometry = {16, 16, 16};
    p.cell.g_min = 1e-6;
    p.cell.g_max = 11e-6;
    p.cell.bits_per_cell = 1;
    p.cell.v_read = 0.2;
    p.cell.t_read = 10e-9;
    p.periphery.weight_bits = 0;
    p.periphery.adc_bits = 0;
    p.max_arrays = 1000;
    return p;
}

}  // namespace fluxon::test
