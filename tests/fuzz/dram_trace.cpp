// DRAM address traces, with DDR4-3200's capacity and clock as `fluxon dram` uses them.
#include "devices/dram/dram_trace.hpp"
#include "targets.hpp"

namespace fluxon::fuzz {

int dram_trace(input data) {
    constexpr std::uint64_t capacity = std::uint64_t{8} << 30;
    constexpr double tck = 0.625e-9;
    return expect_named_errors([&] { read_dram_trace(as_file(data, "fuzz.trace"), capacity, last_trace_cycle(tck)); });
}

}  // namespace fluxon::fuzz
