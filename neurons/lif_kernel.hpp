#pragma once
// The LIF block's per-step pass, with runtime dispatch: the build is portable (no -march=native
// by default), and the pass, where nearly all of a LIF network's time goes, is compiled for
// the baseline x86-64, x86-64-v3 (AVX2, FMA) and x86-64-v4 (AVX-512) and chosen by the CPU it
// runs on. Measured on CUBA: the baseline's 2-lane SIMD makes the whole run about 3x slower than
// -march=native, v3 1.2x, v4 as fast (its mask registers make the masked reset cheap). Every
// variant computes each lane with the same IEEE operations in the same order (no contraction
// into FMA), so the results do not depend on the CPU.
#include <cstddef>
#include <cstdint>

#include "neurons/exp_current_lif.hpp"

namespace fluxon {

// `T` is the precision of the block's state (double, or float for runs in single precision);
// inputs and external currents are summed in double either way and rounded once when added.
template <class T>
struct lif_pass_args_of {
    const exp_current_lif_hot* hot = nullptr;
    std::int64_t step = 0;  // a float block counts from its epoch, so that steps stay exact
    double *in_e = nullptr, *in_i = nullptr;  // summed inputs of the step (null: none), zeroed
    const double* i_ext = nullptr;            // external current per neuron (null: none)
    T *v = nullptr, *ie = nullptr, *ii = nullptr, *free_at = nullptr;
    std::size_t n = 0;
    std::uint32_t* spikes = nullptr;  // room for n indices; the spiking neurons, in order
};
using lif_pass_args = lif_pass_args_of<double>;

// Returns the number of spikes written.
template <class T>
using lif_pass_fn_of = std::size_t (*)(const lif_pass_args_of<T>&);
using lif_pass_fn = lif_pass_fn_of<double>;

struct lif_kernels {
    lif_pass_fn pass[2][2][2] = {};  // [with inputs][with external current][subtractive reset]
    lif_pass_fn_of<float> single[2][2][2] = {};  // the same in single precision
    const char* isa = "";
};

lif_kernels lif_kernels_baseline();
lif_kernels lif_kernels_x86_64_v3();  // these two only where built for x86-64
lif_kernels lif_kernels_x86_64_v4();
// The widest variant this CPU runs.
lif_kernels lif_kernels_for_this_cpu();

}  // namespace fluxon
