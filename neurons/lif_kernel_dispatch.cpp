#include "neurons/lif_kernel.hpp"

namespace fluxon {

lif_kernels lif_kernels_for_this_cpu() {
#if defined(FLUXON_LIF_X86_64)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("x86-64-v4")) return lif_kernels_x86_64_v4();
    if (__builtin_cpu_supports("x86-64-v3")) return lif_kernels_x86_64_v3();
#endif
    return lif_kernels_baseline();
}

}  // namespace fluxon
