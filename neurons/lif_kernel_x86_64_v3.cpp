// The LIF pass for x86-64-v3 CPUs (AVX2, FMA): compiled with -march=x86-64-v3
// (neurons/CMakeLists.txt), run only where the CPU has them (lif_kernel_dispatch.cpp).
#include "neurons/lif_kernel_impl.hpp"

namespace fluxon {

lif_kernels lif_kernels_x86_64_v3() { return make_lif_kernels("x86-64-v3"); }

}  // namespace fluxon
