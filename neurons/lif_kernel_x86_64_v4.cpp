// The LIF pass for x86-64-v4 CPUs (AVX-512 F, BW, CD, DQ, VL): compiled with -march=x86-64-v4
// (neurons/CMakeLists.txt), run only where the CPU has them (lif_kernel_dispatch.cpp).
#include "neurons/lif_kernel_impl.hpp"

namespace fluxon {

lif_kernels lif_kernels_x86_64_v4() { return make_lif_kernels("x86-64-v4"); }

}  // namespace fluxon
