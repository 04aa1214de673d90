#include "neurons/lif.hpp"

#include <array>
#include <cmath>
#include <limits>

#include "neurons/propagators.hpp"
#include "neurons/spike_flags.hpp"

namespace fluxon {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// Lowered, hot form of the parameters: propagators for one step of dt.
struct lif_hot {
    double v_rest, v_th, v_reset, reset_jump;
    bool reset_subtract;
    std::int32_t refractory_steps;
    double p_vv, p_ve, p_vi, p_ee, p_ii, p_vext;  // p_vext: volts per ampere over one step
};

// One fused pass over the neurons (inputs, threshold, reset, integration), branch-free so that
// it vectorises; the refractory countdown is kept in doubles to share the lanes of the state. A
// free function with restrict pointers: as a member, GCC reloads the pointers and gives up.
template <bool with_inputs, bool with_current>
bool lif_pass(const lif_hot& hot, double* __restrict in_e, double* __restrict in_i,
              const double* __restrict i_ext, double* __restrict v, double* __restrict ie,
              double* __restrict ii, double* __restrict ref, std::uint8_t* __restrict fired, std::size_t n) {
    const lif_hot h = hot;
    const double ref_steps = h.refractory_steps;
    int any = 0;
    for (std::size_t i = 0; i < n; ++i) {
        double e = ie[i], g = ii[i];
        if constexpr (with_inputs) {
            e += in_e[i];
            g += in_i[i];
            in_e[i] = 0.0;
            in_i[i] = 0.0;
        }
        const double vi = v[i], ri = ref[i];
        const bool spike = (ri == 0.0) & (vi > h.v_th);
        const double reset = h.reset_subtract ? vi - h.reset_jump : h.v_reset;
        const double v0 = spike ? reset : vi;
        const double r0 = spike ? ref_steps : ri;
        double drive = 0.0;
        if constexpr (with_current) drive = h.p_vext * i_ext[i];
        const double integrated = h.v_rest + (v0 - h.v_rest) * h.p_vv + e * h.p_ve + g * h.p_vi + drive;
        const bool held = r0 > 0.0;
        v[i] = held ? v0 : integrated;
        ref[i] = held ? r0 - 1.0 : r0;
        ie[i] = e * h.p_ee;
        ii[i] = g * h.p_ii;
        fired[i] = spike;
        any |= spike;
    }
    return any != 0;
}

class lif_block final : public neuron_block {
public:
    lif_block(const lif_hot& hot, std::uint32_t n) : hot_(hot), v_(n), ie_(n), ii_(n), ref_(n, 0.0), fired_(n, 0) {}

    void step(const step_input& in, std::vector<std::uint32_t>& spikes) override {
        const bool inputs = !in.receptors.empty();
        const bool any = inputs ? (in.i_ext ? advance<true, true>(in) : advance<true, false>(in))
                                : (in.i_ext ? advance<false, true>(in) : advance<false, false>(in));
        if (!any) return;
        append_fired(fired_, spikes);
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
    bool advance(const step_input& in) {
        double* in_e = with_inputs ? in.receptors[0] : nullptr;
        double* in_i = with_inputs ? in.receptors[1] : nullptr;
        return lif_pass<with_inputs, with_current>(hot_, in_e, in_i, in.i_ext, v_.data(), ie_.data(), ii_.data(),
                                                   ref_.data(), fired_.data(), v_.size());
    }

    lif_hot hot_;
    std::vector<double> v_, ie_, ii_, ref_;
    std::vector<std::uint8_t> fired_;
};

class lif_model final : public neuron_model {
public:
    std::string_view name() const override { return "lif"; }
    std::string_view description() const override {
        return "leaky integrate-and-fire, exponential current synapses (exc/inh), exact integration";
    }
    const param_schema& schema() const override { return schema_; }
    std::span<const receptor_def> receptors() const override { return receptors_; }
    std::span<const state_var> state_vars() const override { return vars_; }

    void check(const validated_params& p, const block_context& ctx) const override {
        if (!(p.get("v_reset") < p.get("v_th"))) {
            throw config_error("v_reset must be below v_th", ctx.site);
        }
    }

    std::unique_ptr<neuron_block> make_block(const validated_params& p,
                                             const block_context& ctx) const override {
        const double dt = ctx.dt;
        const double tau_m = p.get("tau_m");
        lif_hot h{};
        h.v_rest = p.get("v_rest");
        h.v_th = p.get("v_th");
        h.v_reset = p.get("v_reset");
        h.reset_subtract = p.get("reset") == 1.0;
        h.reset_jump = h.v_th - h.v_reset;
        h.refractory_steps = refractory_steps(p.get("t_ref"), dt, ctx.site);
        h.p_vv = std::exp(-dt / tau_m);
        h.p_ve = exp_synapse_to_membrane(dt, tau_m, p.get("tau_syn_exc"));
        h.p_vi = exp_synapse_to_membrane(dt, tau_m, p.get("tau_syn_inh"));
        h.p_ee = std::exp(-dt / p.get("tau_syn_exc"));
        h.p_ii = std::exp(-dt / p.get("tau_syn_inh"));
        const double r_m = p.get("r_m");
        h.p_vext = std::isnan(r_m) ? 0.0 : r_m * (1.0 - h.p_vv);
        return std::make_unique<lif_block>(h, ctx.size);
    }

    bool accepts_current() const override { return true; }
    void check_current(const validated_params& p, const error_site& site) const override {
        if (std::isnan(p.get("r_m"))) {
            throw config_error("a current targets this population but its parameter r_m (membrane "
                               "resistance) is not set",
                               site);
        }
    }

    double initial_value(std::size_t index, const validated_params& p) const override {
        return index == 0 ? p.get("v_rest") : 0.0;
    }

private:
    param_schema schema_{
        {"tau_m", dimension::time, 20e-3, 0, inf, true, "membrane time constant"},
        {"v_rest", dimension::voltage, -65e-3, -inf, inf, false, "resting (leak) potential"},
        {"v_th", dimension::voltage, -50e-3, -inf, inf, false, "threshold; spike when v > v_th"},
        {"v_reset", dimension::voltage, -65e-3, -inf, inf, false, "reset potential"},
        {"t_ref", dimension::time, 2e-3, 0, inf, false, "refractory period (v held at reset)"},
        {"tau_syn_exc", dimension::time, 5e-3, 0, inf, true, "excitatory synaptic time constant"},
        {"tau_syn_inh", dimension::time, 5e-3, 0, inf, true, "inhibitory synaptic time constant"},
        {"r_m", dimension::resistance, nan, 0, inf, true,
         "membrane resistance for external currents (needed only when a current targets the population)"},
        {"reset", dimension::dimensionless, 0.0, -inf, inf, false,
         "\"value\": v = v_reset; \"subtract\": v -= v_th - v_reset", {"value", "subtract"}},
    };
    std::array<receptor_def, 2> receptors_{{{"exc", dimension::voltage}, {"inh", dimension::voltage}}};
    std::array<state_var, 3> vars_{{{"v", dimension::voltage},
                                    {"i_exc", dimension::voltage},
                                    {"i_inh", dimension::voltage}}};
    static constexpr double inf = std::numeric_limits<double>::infinity();
};

}  // namespace

std::unique_ptr<neuron_model> make_lif_model() { return std::make_unique<lif_model>(); }

}  // namespace fluxon
