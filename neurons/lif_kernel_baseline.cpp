// The LIF pass for any x86-64 (or other) CPU: the build's own flags.
#include "neurons/lif_kernel_impl.hpp"

namespace fluxon {

lif_kernels lif_kernels_baseline() { return make_lif_kernels("baseline"); }

}  // namespace fluxon
