#include "neurons/coba_lif.hpp"

#include <array>
#include <cmath>
#include <limits>

#include "neurons/propagators.hpp"
#include "neurons/spike_flags.hpp"

namespace fluxon {
namespace {

constexpr double inf = std::numeric_limits<double>::infinity();

struct coba_lif_hot {
    double g_l, g_l_e_l, e_exc, e_inh, v_th, v_reset;
    double minus_dt_over_c;  // -dt / C_m: exponent per siemens of total conductance
    double p_ee, p_ii;
    std::int32_t refractory_steps;
};

// One fused, branch-free pass over the neurons (inputs, threshold, reset, integration); the
// refractory countdown is kept in doubles to share the lanes of the state.
template <bool with_current>
bool coba_lif_pass(const coba_lif_hot& hot, double* __restrict in_e, double* __restrict in_i,
                   const double* __restrict i_ext, double* __restrict v, double* __restrict ge,
                   double* __restrict gi, double* __restrict ref, std::uint8_t* __restrict fired, std::size_t n) {
    const coba_lif_hot h = hot;
    const double ref_steps = h.refractory_steps;
    int any = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double e = ge[i] + in_e[i];
        const double g = gi[i] + in_i[i];
        in_e[i] = 0.0;
        in_i[i] = 0.0;
        const double vi = v[i], ri = ref[i];
        const bool spike = (ri == 0.0) & (vi > h.v_th);
        const double v0 = spike ? h.v_reset : vi;
        const double r0 = spike ? ref_steps : ri;
        // Conductances frozen at their t_k values make the membrane equation linear with
        // constant coefficients over the step, so it relaxes exactly towards v_inf.
        const double g_tot = h.g_l + e + g;
        double source = h.g_l_e_l + e * h.e_exc + g * h.e_inh;
        if constexpr (with_current) source += i_ext[i];
        const double v_inf = source / g_tot;
        const double integrated = v_inf + (v0 - v_inf) * std::exp(h.minus_dt_over_c * g_tot);
        const bool held = r0 > 0.0;
        v[i] = held ? v0 : integrated;
        ref[i] = held ? r0 - 1.0 : r0;
        ge[i] = e * h.p_ee;
        gi[i] = g * h.p_ii;
        fired[i] = spike;
        any |= spike;
    }
    return any != 0;
}

class coba_lif_block final : public neuron_block {
public:
    coba_lif_block(const coba_lif_hot& hot, std::uint32_t n)
        : hot_(hot), v_(n), ge_(n), gi_(n), ref_(n, 0.0), fired_(n, 0) {}

    void step(const step_input& in, std::vector<std::uint32_t>& spikes) override {
        const bool any = in.i_ext ? advance<true>(in) : advance<false>(in);
        if (!any) return;
        append_fired(fired_, spikes);
    }

    bool zeroes_inputs() const override { return true; }

    std::span<double> state(std::size_t index) override {
        switch (index) {
            case 0: return v_;
            case 1: return ge_;
            default: return gi_;
        }
    }

private:
    template <bool with_current>
    bool advance(const step_input& in) {
        return coba_lif_pass<with_current>(hot_, in.receptors[0], in.receptors[1], in.i_ext, v_.data(), ge_.data(),
                                           gi_.data(), ref_.data(), fired_.data(), v_.size());
    }

    coba_lif_hot hot_;
    std::vector<double> v_, ge_, gi_, ref_;
    std::vector<std::uint8_t> fired_;
};

class coba_lif_model final : public neuron_model {
public:
    std::string_view name() const override { return "coba_lif"; }
    std::string_view description() const override {
        return "conductance-based leaky integrate-and-fire (exc/inh), exact conductance decay, "
               "exponential-Euler membrane";
    }
    const param_schema& schema() const override { return schema_; }
    std::span<const receptor_def> receptors() const override { return receptors_; }
    std::span<const state_var> state_vars() const override { return vars_; }
    bool accepts_current() const override { return true; }

    void check(const validated_params& p, const block_context& ctx) const override {
        if (!(p.get("v_reset") < p.get("v_th"))) {
            throw config_error("v_reset must be below v_th", ctx.site);
        }
    }

    std::unique_ptr<neuron_block> make_block(const validated_params& p,
                                             const block_context& ctx) const override {
        const double dt = ctx.dt;
        coba_lif_hot h{};
        h.g_l = p.get("g_l");
        h.g_l_e_l = h.g_l * p.get("e_l");
        h.e_exc = p.get("e_exc");
        h.e_inh = p.get("e_inh");
        h.v_th = p.get("v_th");
        h.v_reset = p.get("v_reset");
        h.minus_dt_over_c = -dt / p.get("c_m");
        h.p_ee = std::exp(-dt / p.get("tau_syn_exc"));
        h.p_ii = std::exp(-dt / p.get("tau_syn_inh"));
        h.refractory_steps = refractory_steps(p.get("t_ref"), dt, ctx.convention, ctx.site);
        return std::make_unique<coba_lif_block>(h, ctx.size);
    }

    double initial_value(std::size_t index, const validated_params& p) const override {
        return index == 0 ? p.get("e_l") : 0.0;
    }

private:
    param_schema schema_{
        {"c_m", dimension::capacitance, 200e-12, 0, inf, true, "membrane capacitance"},
        {"g_l", dimension::conductance, 10e-9, 0, inf, true, "leak conductance"},
        {"e_l", dimension::voltage, -60e-3, -inf, inf, false, "leak reversal potential (and initial v)"},
        {"v_th", dimension::voltage, -50e-3, -inf, inf, false, "threshold; spike when v > v_th"},
        {"v_reset", dimension::voltage, -60e-3, -inf, inf, false, "reset potential"},
        {"t_ref", dimension::time, 5e-3, 0, inf, false, "refractory period (v held at reset)"},
        {"e_exc", dimension::voltage, 0.0, -inf, inf, false, "excitatory reversal potential"},
        {"e_inh", dimension::voltage, -80e-3, -inf, inf, false, "inhibitory reversal potential"},
        {"tau_syn_exc", dimension::time, 5e-3, 0, inf, true, "excitatory conductance time constant"},
        {"tau_syn_inh", dimension::time, 10e-3, 0, inf, true, "inhibitory conductance time constant"},
    };
    std::array<receptor_def, 2> receptors_{
        {{"exc", dimension::conductance}, {"inh", dimension::conductance}}};
    std::array<state_var, 3> vars_{{{"v", dimension::voltage},
                                    {"g_exc", dimension::conductance},
                                    {"g_inh", dimension::conductance}}};
};

}  // namespace

std::unique_ptr<neuron_model> make_coba_lif_model() { return std::make_unique<coba_lif_model>(); }

}  // namespace fluxon
