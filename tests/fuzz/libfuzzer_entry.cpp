// libFuzzer's entry point for one target, named by FLUXON_FUZZ_TARGET (tests/fuzz/CMakeLists.txt
// builds one binary per target).
#include <cstddef>
#include <cstdint>

#include "targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return fluxon::fuzz::FLUXON_FUZZ_TARGET(fluxon::fuzz::input(data, size));
}
