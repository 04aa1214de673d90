#pragma once
// The LIF pass over a block's neurons, written once with explicit SIMD types and compiled once
// per instruction set by the lif_kernel_<isa>.cpp files, each with its own -march flags: the
// vector width std::experimental::native_simd takes is fixed when a file is compiled. Included
// only by those files; everything here has internal linkage, so the variants never mix.
#include <experimental/simd>
#include <type_traits>

#include "neurons/lif_kernel.hpp"

namespace fluxon {
namespace {

using lif_hot = exp_current_lif_hot;

namespace stdx = std::experimental;

// The neurons [i, i + V::size()) advanced by one step, all lanes at once: inputs, threshold,
// reset, integration. Spikes are collected from the lane mask, so no flag array is needed.
// Written with explicit SIMD types because the compiler's own vectorisation of the same loop
// spilled registers (measured 1.4x slower).
// Broadcast once per pass: loaded inside the loop, the parameters would be re-read after every
// store, since the compiler cannot prove the state arrays do not alias them. A single-precision
// pass rounds each parameter to float once, here.
template <class V>
struct lif_lanes_constants {
    using T = typename V::value_type;
    explicit lif_lanes_constants(const lif_hot& h)
        : v_th(T(h.v_th)), v_reset(T(h.v_reset)), reset_jump(T(h.reset_jump)), refractory(T(h.refractory_steps)),
          p_vv(T(h.p_vv)), p_ve(T(h.p_ve)), p_vi(T(h.p_vi)), p_ee(T(h.p_ee)), p_ii(T(h.p_ii)), p_vext(T(h.p_vext)),
          v_leak_term(T(h.v_leak_term)) {}
    V v_th, v_reset, reset_jump, refractory, p_vv, p_ve, p_vi, p_ee, p_ii, p_vext, v_leak_term;
};

constexpr auto aligned = stdx::element_aligned;

// Inputs and currents are doubles whatever the state's precision: lanes of V read from them.
template <class V>
V load_doubles(const double* p) {
    if constexpr (std::is_same_v<typename V::value_type, double>) {
        return V(p, aligned);
    } else {
        return stdx::static_simd_cast<V>(stdx::rebind_simd_t<double, V>(p, aligned));
    }
}

template <class V>
void zero_doubles(double* p) {
    stdx::rebind_simd_t<double, V>(0.0).copy_to(p, aligned);
}

// `free_at` holds, per neuron, the first step at which it is no longer refractory: it is written
// only when the neuron spikes, which saves a store per neuron and step over a countdown.
template <class V, bool with_inputs, bool with_current, bool subtract>
inline void lif_lanes(const lif_lanes_constants<V>& h, const V& now, std::size_t i, double* in_e, double* in_i,
                      const double* i_ext, typename V::value_type* v, typename V::value_type* ie,
                      typename V::value_type* ii, typename V::value_type* free_at, std::uint32_t* spikes,
                      std::size_t& count) {
    V e(ie + i, aligned), g(ii + i, aligned), vi(v + i, aligned), fi(free_at + i, aligned);
    if constexpr (with_inputs) {
        e += load_doubles<V>(in_e + i);
        g += load_doubles<V>(in_i + i);
        zero_doubles<V>(in_e + i);
        zero_doubles<V>(in_i + i);
    }
    const auto spike = (fi <= now) && (vi > h.v_th);
    V v0 = vi;
    if constexpr (subtract) {
        stdx::where(spike, v0) = vi - h.reset_jump;
    } else {
        stdx::where(spike, v0) = h.v_reset;
    }
    stdx::where(spike, fi) = now + h.refractory;
    V integrated = v0 * h.p_vv + h.v_leak_term + e * h.p_ve + g * h.p_vi;
    if constexpr (with_current) integrated += h.p_vext * load_doubles<V>(i_ext + i);
    stdx::where(now >= fi, v0) = integrated;  // refractory neurons keep v at its reset value
    v0.copy_to(v + i, aligned);
    stdx::where(spike, fi).copy_to(free_at + i, aligned);
    (e * h.p_ee).copy_to(ie + i, aligned);
    (g * h.p_ii).copy_to(ii + i, aligned);
    if (stdx::any_of(spike)) {
        for (std::size_t lane = 0; lane < V::size(); ++lane) {
            if (spike[lane]) spikes[count++] = static_cast<std::uint32_t>(i + lane);
        }
    }
}

template <class T, bool with_inputs, bool with_current, bool subtract>
std::size_t lif_pass(const lif_pass_args_of<T>& a) {
    const lif_hot& h = *a.hot;
    double *in_e = a.in_e, *in_i = a.in_i;
    T *v = a.v, *ie = a.ie, *ii = a.ii, *free_at = a.free_at;
    const double* i_ext = a.i_ext;
    const std::size_t n = a.n;
    std::uint32_t* spikes = a.spikes;
    std::size_t count = 0;
    using wide = stdx::native_simd<T>;
    using one = stdx::fixed_size_simd<T, 1>;
    const lif_lanes_constants<wide> wide_h(h);
    const lif_lanes_constants<one> one_h(h);
    const wide wide_now(static_cast<T>(a.step));
    const one one_now(static_cast<T>(a.step));
    std::size_t i = 0;
    for (; i + wide::size() <= n; i += wide::size()) {
        lif_lanes<wide, with_inputs, with_current, subtract>(wide_h, wide_now, i, in_e, in_i, i_ext, v, ie, ii, free_at,
                                                             spikes, count);
    }
    for (; i < n; ++i) {
        lif_lanes<one, with_inputs, with_current, subtract>(one_h, one_now, i, in_e, in_i, i_ext, v, ie, ii, free_at,
                                                            spikes, count);
    }
    return count;
}

template <bool with_inputs, bool with_current>
void fill_subtract(lif_kernels& k) {
    k.pass[with_inputs][with_current][0] = lif_pass<double, with_inputs, with_current, false>;
    k.pass[with_inputs][with_current][1] = lif_pass<double, with_inputs, with_current, true>;
    k.single[with_inputs][with_current][0] = lif_pass<float, with_inputs, with_current, false>;
    k.single[with_inputs][with_current][1] = lif_pass<float, with_inputs, with_current, true>;
}

lif_kernels make_lif_kernels(const char* isa) {
    lif_kernels k;
    k.isa = isa;
    fill_subtract<false, false>(k);
    fill_subtract<false, true>(k);
    fill_subtract<true, false>(k);
    fill_subtract<true, true>(k);
    return k;
}

}  // namespace
}  // namespace fluxon
