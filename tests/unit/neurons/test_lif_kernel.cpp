// The LIF pass compiled per instruction set (neurons/lif_kernel.hpp): every variant this CPU
// can run gives bit-identical membranes, synaptic states and spikes, so a run's results do not
// depend on the machine's vector width; and the dispatcher picks the widest one.
#include <doctest/doctest.h>

#include <cstdint>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "neurons/lif_kernel.hpp"

using namespace fluxon;

namespace {

template <class T>
struct block_state {
    std::vector<T> v, ie, ii, free_at;
    std::vector<double> in_e, in_i, i_ext;
    std::vector<std::uint32_t> spikes;
    std::vector<std::uint32_t> all_spikes;
};

// 1003 neurons (not a multiple of any vector width) with random state and inputs, stepped 200
// times; some sit above threshold, some are refractory. T: the state's precision.
template <class T>
block_state<T> run(const lif_kernels& k, bool subtract, bool current) {
    exp_current_lif_hot h{};
    h.v_rest = -0.049;
    h.v_th = -0.05;
    h.v_reset = -0.06;
    h.reset_jump = 0.01;
    h.reset_subtract = subtract;
    h.refractory_steps = 50;
    h.p_vv = 0.99501247919268232;
    h.p_ve = 0.0049;
    h.p_vi = 0.0048;
    h.p_ee = 0.98019867330675525;
    h.p_ii = 0.99004983374916811;
    h.p_vext = 1e7;
    h.v_leak_term = h.v_rest * (1 - h.p_vv);
    const std::size_t n = 1003;
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    block_state<T> s;
    s.v.resize(n);
    for (T& v : s.v) v = static_cast<T>(-0.06 + 0.012 * u(rng));
    s.ie.assign(n, T(0));
    s.ii.assign(n, T(0));
    s.free_at.assign(n, T(0));
    s.i_ext.resize(n);
    for (double& i : s.i_ext) i = 1e-10 * u(rng);
    s.spikes.resize(n);
    for (std::int64_t step = 0; step < 200; ++step) {
        s.in_e.assign(n, 0.0);
        s.in_i.assign(n, 0.0);
        for (std::size_t i = 0; i < n; ++i) {
            if (u(rng) < 0.1) s.in_e[i] = 0.002 * u(rng);
            if (u(rng) < 0.05) s.in_i[i] = -0.004 * u(rng);
        }
        const bool inputs = step % 3 != 0;
        lif_pass_fn_of<T> pass = nullptr;
        if constexpr (std::is_same_v<T, double>) {
            pass = k.pass[inputs][current][subtract];
        } else {
            pass = k.single[inputs][current][subtract];
        }
        const std::size_t count = pass({&h, step, inputs ? s.in_e.data() : nullptr, inputs ? s.in_i.data() : nullptr,
                                        current ? s.i_ext.data() : nullptr, s.v.data(), s.ie.data(), s.ii.data(),
                                        s.free_at.data(), n, s.spikes.data()});
        s.all_spikes.insert(s.all_spikes.end(), s.spikes.begin(), s.spikes.begin() + static_cast<std::ptrdiff_t>(count));
        s.all_spikes.push_back(0xffffffffu);  // step separator
    }
    return s;
}

template <class T>
bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

std::vector<lif_kernels> variants_here() {
    std::vector<lif_kernels> out{lif_kernels_baseline()};
#if defined(__x86_64__)
    __builtin_cpu_init();
#if defined(__clang__)
    // As the dispatcher (lif_kernel_dispatch.cpp): clang names no levels, and its AVX-512
    // build of the kernel is wrong, so it runs v3 at most.
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("bmi") &&
        __builtin_cpu_supports("bmi2"))
        out.push_back(lif_kernels_x86_64_v3());
#else
    if (__builtin_cpu_supports("x86-64-v3")) out.push_back(lif_kernels_x86_64_v3());
    if (__builtin_cpu_supports("x86-64-v4")) out.push_back(lif_kernels_x86_64_v4());
#endif
#endif
    return out;
}

}  // namespace

TEST_CASE_TEMPLATE("lif kernel: every instruction-set variant gives bit-identical states and spikes", T, double,
                   float) {
    const std::vector<lif_kernels> variants = variants_here();
    MESSAGE(variants.size() << " variants run here; the widest is " << std::string(variants.back().isa));
    for (const bool subtract : {false, true}) {
        for (const bool current : {false, true}) {
            CAPTURE(subtract);
            CAPTURE(current);
            const block_state<T> reference = run<T>(variants.front(), subtract, current);
            CHECK(reference.all_spikes.size() > 200 + 100);  // the test makes neurons spike
            for (std::size_t k = 1; k < variants.size(); ++k) {
                CAPTURE(std::string(variants[k].isa));
                const block_state<T> s = run<T>(variants[k], subtract, current);
                CHECK(s.all_spikes == reference.all_spikes);
                CHECK(same_bits(s.v, reference.v));
                CHECK(same_bits(s.ie, reference.ie));
                CHECK(same_bits(s.ii, reference.ii));
                CHECK(same_bits(s.free_at, reference.free_at));
            }
        }
    }
}

TEST_CASE("lif kernel: single precision follows double to float rounding") {
    // The same neurons and inputs in both precisions: membranes agree to float's resolution over
    // 200 steps, and nearly all spikes fall on the same steps (a neuron within rounding of
    // threshold may cross one step apart).
    for (const bool subtract : {false, true}) {
        const auto d = run<double>(lif_kernels_baseline(), subtract, true);
        const auto f = run<float>(lif_kernels_baseline(), subtract, true);
        std::size_t close = 0;
        for (std::size_t i = 0; i < d.v.size(); ++i) close += std::abs(d.v[i] - double{f.v[i]}) < 1e-6;
        CHECK(close >= d.v.size() * 99 / 100);
        const auto n_d = d.all_spikes.size(), n_f = f.all_spikes.size();
        CHECK(std::abs(static_cast<double>(n_d) - static_cast<double>(n_f)) <= 0.01 * static_cast<double>(n_d));
    }
}

TEST_CASE("lif kernel: the dispatcher picks the widest variant this CPU runs") {
    CHECK(std::string(lif_kernels_for_this_cpu().isa) == variants_here().back().isa);
}
