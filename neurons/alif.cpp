#include "neurons/alif.hpp"

#include <array>
#include <cmath>
#include <limits>

#include "neurons/exp_current_lif.hpp"
#include "neurons/spike_flags.hpp"

namespace fluxon {
namespace {

constexpr double inf = std::numeric_limits<double>::infinity();

struct alif_hot : exp_current_lif_hot {
    double beta, p_aa;
};

// One fused, branch-free pass over the neurons (inputs, threshold, reset, integration) so that
// it vectorises; the refractory countdown is kept in doubles to share the lanes of the state.
template <bool with_current>
bool alif_pass(const alif_hot& hot, double* __restrict in_e, double* __restrict in_i,
               const double* __restrict i_ext, double* __restrict v, double* __restrict ie,
               double* __restrict ii, double* __restrict a, double* __restrict ref,
               std::uint8_t* __restrict fired, std::size_t n) {
    const alif_hot h = hot;
    const double ref_steps = h.refractory_steps;
    int any = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double e = ie[i] + in_e[i];
        const double g = ii[i] + in_i[i];
        in_e[i] = 0.0;
        in_i[i] = 0.0;
        const double vi = v[i], ri = ref[i], ai = a[i];
        const double threshold = h.v_th + h.beta * ai;
        const bool spike = (ri == 0.0) & (vi > threshold);
        // Subtracting the adaptive threshold keeps the overshoot above it, as the value reset
        // would with a fixed threshold.
        const double reset = h.reset_subtract ? vi - (threshold - h.v_reset) : h.v_reset;
        const double v0 = spike ? reset : vi;
        const double r0 = spike ? ref_steps : ri;
        const double a0 = spike ? ai + 1.0 : ai;
        double drive = 0.0;
        if constexpr (with_current) drive = h.p_vext * i_ext[i];
        const double integrated = h.v_rest + (v0 - h.v_rest) * h.p_vv + e * h.p_ve + g * h.p_vi + drive;
        const bool held = r0 > 0.0;
        v[i] = held ? v0 : integrated;
        ref[i] = held ? r0 - 1.0 : r0;
        ie[i] = e * h.p_ee;
        ii[i] = g * h.p_ii;
        a[i] = a0 * h.p_aa;
        fired[i] = spike;
        any |= spike;
    }
    return any != 0;
}

class alif_block final : public neuron_block {
public:
    alif_block(const alif_hot& hot, std::uint32_t n)
        : hot_(hot), v_(n), ie_(n), ii_(n), a_(n), ref_(n, 0.0), fired_(n, 0) {}

    void step(const step_input& in, std::vector<std::uint32_t>& spikes) override {
        const bool any = in.i_ext ? advance<true>(in) : advance<false>(in);
        if (!any) return;
        append_fired(fired_, spikes);
    }

    bool zeroes_inputs() const override { return true; }

    std::span<double> state(std::size_t index) override {
        switch (index) {
            case 0: return v_;
            case 1: return ie_;
            case 2: return ii_;
            default: return a_;
        }
    }

private:
    template <bool with_current>
    bool advance(const step_input& in) {
        return alif_pass<with_current>(hot_, in.receptors[0], in.receptors[1], in.i_ext, v_.data(), ie_.data(),
                                       ii_.data(), a_.data(), ref_.data(), fired_.data(), v_.size());
    }

    alif_hot hot_;
    std::vector<double> v_, ie_, ii_, a_, ref_;
    std::vector<std::uint8_t> fired_;
};

class alif_model final : public exp_current_lif_model {
public:
    std::string_view name() const override { return "alif"; }
    std::string_view description() const override {
        return "adaptive-threshold leaky integrate-and-fire, exponential current synapses (exc/inh), "
               "exact integration";
    }
    const param_schema& schema() const override { return schema_; }
    std::span<const state_var> state_vars() const override { return vars_; }

    std::unique_ptr<neuron_block> make_block(const validated_params& p,
                                             const block_context& ctx) const override {
        alif_hot h{lower_exp_current_lif(p, ctx)};
        h.beta = p.get("beta");
        h.p_aa = std::exp(-ctx.dt / p.get("tau_adapt"));
        return std::make_unique<alif_block>(h, ctx.size);
    }

private:
    static param_schema make_schema() {
        auto schema = exp_current_lif_schema(
            "baseline threshold; spike when v > v_th + beta * a",
            "\"value\": v = v_reset; \"subtract\": v -= (v_th + beta * a) - v_reset");
        schema.push_back({"tau_adapt", dimension::time, 200e-3, 0, inf, true, "adaptation time constant"});
        schema.push_back({"beta", dimension::voltage, 1.8e-3, -inf, inf, false,
                          "threshold increment per unit of adaptation (each spike adds 1 to a)"});
        return schema;
    }

    param_schema schema_ = make_schema();
    std::array<state_var, 4> vars_{{{"v", dimension::voltage},
                                    {"i_exc", dimension::voltage},
                                    {"i_inh", dimension::voltage},
                                    {"a", dimension::dimensionless}}};
};

}  // namespace

std::unique_ptr<neuron_model> make_alif_model() { return std::make_unique<alif_model>(); }

}  // namespace fluxon
