#include "neurons/lif.hpp"

#include <array>
#include <experimental/simd>
#include <cmath>
#include <limits>

#include "neurons/exp_current_lif.hpp"

namespace fluxon {
namespace {

using lif_hot = exp_current_lif_hot;

namespace stdx = std::experimental;

// The neurons [i, i + V::size()) advanced by one step, all lanes at once: inputs, threshold,
// reset, integration. Spikes are collected from the lane mask, so no flag array is needed.
// Written with explicit SIMD types because the compiler's own vectorisation of the same loop
// spilled registers (measured 1.4x slower).
// Broadcast once per pass: loaded inside the loop, the parameters would be re-read after every
// store, since the compiler cannot prove the state arrays do not alias them.
template <class V>
struct lif_lanes_constants {
    explicit lif_lanes_constants(const lif_hot& h)
        : v_th(h.v_th), v_reset(h.v_reset), reset_jump(h.reset_jump), refractory(h.refractory_steps),
          p_vv(h.p_vv), p_ve(h.p_ve), p_vi(h.p_vi), p_ee(h.p_ee), p_ii(h.p_ii), p_vext(h.p_vext),
          v_leak_term(h.v_leak_term) {}
    V v_th, v_reset, reset_jump, refractory, p_vv, p_ve, p_vi, p_ee, p_ii, p_vext, v_leak_term;
};

// `free_at` holds, per neuron, the first step at which it is no longer refractory: it is written
// only when the neuron spikes, which saves a store per neuron and step over a countdown.
template <class V, bool with_inputs, bool with_current, bool subtract>
inline void lif_lanes(const lif_lanes_constants<V>& h, const V& now, std::size_t i, double* in_e, double* in_i,
                      const double* i_ext, double* v, double* ie, double* ii, double* free_at,
                      std::vector<std::uint32_t>& spikes) {
    constexpr auto aligned = stdx::element_aligned;
    V e(ie + i, aligned), g(ii + i, aligned), vi(v + i, aligned), fi(free_at + i, aligned);
    if constexpr (with_inputs) {
        e += V(in_e + i, aligned);
        g += V(in_i + i, aligned);
        V(0.0).copy_to(in_e + i, aligned);
        V(0.0).copy_to(in_i + i, aligned);
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
    if constexpr (with_current) integrated += h.p_vext * V(i_ext + i, aligned);
    stdx::where(now >= fi, v0) = integrated;  // refractory neurons keep v at its reset value
    v0.copy_to(v + i, aligned);
    stdx::where(spike, fi).copy_to(free_at + i, aligned);
    (e * h.p_ee).copy_to(ie + i, aligned);
    (g * h.p_ii).copy_to(ii + i, aligned);
    if (stdx::any_of(spike)) {
        for (std::size_t lane = 0; lane < V::size(); ++lane) {
            if (spike[lane]) spikes.push_back(static_cast<std::uint32_t>(i + lane));
        }
    }
}

template <bool with_inputs, bool with_current, bool subtract>
void lif_pass(const lif_hot& h, std::int64_t step, double* in_e, double* in_i, const double* i_ext, double* v,
              double* ie, double* ii, double* free_at, std::size_t n, std::vector<std::uint32_t>& spikes) {
    using wide = stdx::native_simd<double>;
    using one = stdx::fixed_size_simd<double, 1>;
    const lif_lanes_constants<wide> wide_h(h);
    const lif_lanes_constants<one> one_h(h);
    const wide wide_now(static_cast<double>(step));
    const one one_now(static_cast<double>(step));
    std::size_t i = 0;
    for (; i + wide::size() <= n; i += wide::size()) {
        lif_lanes<wide, with_inputs, with_current, subtract>(wide_h, wide_now, i, in_e, in_i, i_ext, v, ie, ii, free_at,
                                                             spikes);
    }
    for (; i < n; ++i) {
        lif_lanes<one, with_inputs, with_current, subtract>(one_h, one_now, i, in_e, in_i, i_ext, v, ie, ii, free_at,
                                                            spikes);
    }
}

class lif_block final : public neuron_block {
public:
    lif_block(const lif_hot& hot, std::uint32_t n) : hot_(hot), v_(n), ie_(n), ii_(n), free_at_(n, 0.0) {}

    void step(const step_input& in, std::vector<std::uint32_t>& spikes) override {
        const bool inputs = !in.receptors.empty();
        if (inputs) {
            in.i_ext ? advance<true, true>(in, spikes) : advance<true, false>(in, spikes);
        } else {
            in.i_ext ? advance<false, true>(in, spikes) : advance<false, false>(in, spikes);
        }
    }

    bool zeroes_inputs() const override { return true; }
    std::span<double> input_accumulator(std::size_t receptor) override { return receptor == 0 ? ie_ : ii_; }

    std::span<double> state(std::size_t index) override {
        switch (index) {
            case 0: return v_;
            case 1: return ie_;
            default: return ii_;
        }
    }

private:
    template <bool with_inputs, bool with_current>
    void advance(const step_input& in, std::vector<std::uint32_t>& spikes) {
        double* in_e = with_inputs ? in.receptors[0] : nullptr;
        double* in_i = with_inputs ? in.receptors[1] : nullptr;
        auto pass = hot_.reset_subtract ? lif_pass<with_inputs, with_current, true>
                                        : lif_pass<with_inputs, with_current, false>;
        pass(hot_, in.step, in_e, in_i, in.i_ext, v_.data(), ie_.data(), ii_.data(), free_at_.data(), v_.size(), spikes);
    }

    lif_hot hot_;
    std::vector<double> v_, ie_, ii_, free_at_;
};

class lif_model final : public exp_current_lif_model {
public:
    std::string_view name() const override { return "lif"; }
    std::string_view description() const override {
        return "leaky integrate-and-fire, exponential current synapses (exc/inh), exact integration";
    }
    const param_schema& schema() const override { return schema_; }
    std::span<const state_var> state_vars() const override { return vars_; }

    std::unique_ptr<neuron_block> make_block(const validated_params& p,
                                             const block_context& ctx) const override {
        return std::make_unique<lif_block>(lower_exp_current_lif(p, ctx.dt, ctx.site), ctx.size);
    }

private:
    param_schema schema_ = exp_current_lif_schema("threshold; spike when v > v_th",
                                                  "\"value\": v = v_reset; \"subtract\": v -= v_th - v_reset");
    std::array<state_var, 3> vars_{{{"v", dimension::voltage},
                                    {"i_exc", dimension::voltage},
                                    {"i_inh", dimension::voltage}}};
};

}  // namespace

std::unique_ptr<neuron_model> make_lif_model() { return std::make_unique<lif_model>(); }

}  // namespace fluxon
