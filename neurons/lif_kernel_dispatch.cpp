#include "neurons/lif_kernel.hpp"

namespace fluxon {

namespace {

#if defined(FLUXON_LIF_X86_64)
// GCC names the microarchitecture levels; clang (14, the fuzzing and sanitizer builds of
// docs/testing.md) knows only single features, so it asks for the ones the compiler uses at
// each level (every CPU with AVX2, FMA and BMI2 also has the rest of x86-64-v3).
bool has_x86_64_v4() {
#if defined(__clang__)
    // Never with clang: clang 14 builds libstdc++'s std::experimental::simd for AVX-512 so that
    // where(mask, x) = y stores nothing (measured: spiking lanes kept their voltage, and CUBA
    // went silent), while its AVX2 build of the same code is right. v3 serves those builds.
    return false;
#else
    return __builtin_cpu_supports("x86-64-v4");
#endif
}

bool has_x86_64_v3() {
#if defined(__clang__)
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("bmi") &&
           __builtin_cpu_supports("bmi2");
#else
    return __builtin_cpu_supports("x86-64-v3");
#endif
}
#endif

}  // namespace

lif_kernels lif_kernels_for_this_cpu() {
#if defined(FLUXON_LIF_X86_64)
    __builtin_cpu_init();
    if (has_x86_64_v4()) return lif_kernels_x86_64_v4();
    if (has_x86_64_v3()) return lif_kernels_x86_64_v3();
#endif
    return lif_kernels_baseline();
}

}  // namespace fluxon
