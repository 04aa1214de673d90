#include "neurons/if.hpp"

#include <array>
#include <cmath>
#include <limits>

#include "neurons/propagators.hpp"
#include "neurons/spike_flags.hpp"

namespace fluxon {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double inf = std::numeric_limits<double>::infinity();

struct if_hot {
    double v_th, v_reset, reset_jump;
    bool reset_subtract;
    std::int32_t refractory_steps;
    double p_vext;  // volts per ampere over one step: dt / C_m (a constant current integrates exactly)
};

// One fused, branch-free pass over the neurons (inputs, threshold, reset, integration) so that
// it vectorises; the refractory countdown is kept in doubles to share the lanes of the state.
template <bool with_current>
bool if_pass(const if_hot& hot, double* __restrict in_v, const double* __restrict i_ext, double* __restrict v,
             double* __restrict ref, std::uint8_t* __restrict fired, std::size_t n) {
    const if_hot h = hot;
    const double ref_steps = h.refractory_steps;
    int any = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double ri = ref[i];
        const bool active = ri == 0.0;
        // The synaptic state of a delta synapse is v itself; while v is clamped during the
        // refractory period the jumps that arrive are lost (as in NEST's iaf_psc_delta).
        const double jump = in_v[i];
        in_v[i] = 0.0;
        const double vi = v[i] + (active ? jump : 0.0);
        // A refractory neuron is compared as -inf: with `active` already feeding the sum above,
        // GCC turns `active & (vi > v_th)` into a branch and gives up vectorising.
        const bool spike = (active ? vi : -inf) > h.v_th;
        const double reset = h.reset_subtract ? vi - h.reset_jump : h.v_reset;
        const double v0 = spike ? reset : vi;
        const double r0 = spike ? ref_steps : ri;
        double drive = 0.0;
        if constexpr (with_current) drive = h.p_vext * i_ext[i];
        const bool held = r0 > 0.0;
        v[i] = held ? v0 : v0 + drive;
        ref[i] = held ? r0 - 1.0 : r0;
        fired[i] = spike;
        any |= spike;
    }
    return any != 0;
}

class if_block final : public neuron_block {
public:
    if_block(const if_hot& hot, std::uint32_t n) : hot_(hot), v_(n), ref_(n, 0.0), fired_(n, 0) {}

    void step(const step_input& in, std::vector<std::uint32_t>& spikes) override {
        const bool any = in.i_ext ? if_pass<true>(hot_, in.receptors[0], in.i_ext, v_.data(), ref_.data(),
                                                  fired_.data(), v_.size())
                                  : if_pass<false>(hot_, in.receptors[0], nullptr, v_.data(), ref_.data(),
                                                   fired_.data(), v_.size());
        if (!any) return;
        append_fired(fired_, spikes);
    }

    bool zeroes_inputs() const override { return true; }

    std::span<double> state(std::size_t) override { return v_; }

private:
    if_hot hot_;
    std::vector<double> v_, ref_;
    std::vector<std::uint8_t> fired_;
};

class if_model final : public neuron_model {
public:
    std::string_view name() const override { return "if"; }
    std::string_view description() const override {
        return "non-leaky integrate-and-fire, delta synapses (inputs jump v), exact integration";
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
        if_hot h{};
        h.v_th = p.get("v_th");
        h.v_reset = p.get("v_reset");
        h.reset_subtract = p.get("reset") == 1.0;
        h.reset_jump = h.v_th - h.v_reset;
        h.refractory_steps = refractory_steps(p.get("t_ref"), ctx.dt, ctx.convention, ctx.site);
        const double c_m = p.get("c_m");
        h.p_vext = std::isnan(c_m) ? 0.0 : ctx.dt / c_m;
        return std::make_unique<if_block>(h, ctx.size);
    }

    bool accepts_current() const override { return true; }
    void check_current(const validated_params& p, const error_site& site) const override {
        if (std::isnan(p.get("c_m"))) {
            throw config_error("a current targets this population but its parameter c_m (membrane "
                               "capacitance) is not set",
                               site);
        }
    }

    double initial_value(std::size_t, const validated_params& p) const override { return p.get("v_reset"); }

private:
    param_schema schema_{
        {"c_m", dimension::capacitance, nan, 0, inf, true,
         "membrane capacitance for external currents (needed only when a current targets the population)"},
        {"v_th", dimension::voltage, -50e-3, -inf, inf, false, "threshold; spike when v > v_th"},
        {"v_reset", dimension::voltage, -65e-3, -inf, inf, false, "reset potential (and initial v)"},
        {"t_ref", dimension::time, 0.0, 0, inf, false, "refractory period (v held at reset)"},
        {"reset", dimension::dimensionless, 0.0, -inf, inf, false,
         "\"value\": v = v_reset; \"subtract\": v -= v_th - v_reset", {"value", "subtract"}},
    };
    std::array<receptor_def, 1> receptors_{{{"in", dimension::voltage}}};
    std::array<state_var, 1> vars_{{{"v", dimension::voltage}}};
};

}  // namespace

std::unique_ptr<neuron_model> make_if_model() { return std::make_unique<if_model>(); }

}  // namespace fluxon
