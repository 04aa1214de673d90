#include "neurons/cuba_lif.hpp"

#include <array>
#include <cmath>
#include <limits>

#include "neurons/propagators.hpp"
#include "neurons/spike_flags.hpp"

namespace fluxon {
namespace {

constexpr double inf = std::numeric_limits<double>::infinity();

struct cuba_lif_hot {
    double v_leak, v_th, v_reset, reset_jump, w_in;
    bool reset_subtract;
    std::int32_t refractory_steps;
    double p_vv, p_vi, p_ii;  // p_vi already carries r
};

// One fused, branch-free pass over the neurons (inputs, threshold, reset, integration) so that
// it vectorises; the refractory countdown is kept in doubles to share the lanes of the state.
bool cuba_lif_pass(const cuba_lif_hot& hot, double* __restrict in_s, double* __restrict v, double* __restrict cur,
                   double* __restrict ref, std::uint8_t* __restrict fired, std::size_t n) {
    const cuba_lif_hot h = hot;
    const double ref_steps = h.refractory_steps;
    int any = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double c = cur[i] + h.w_in * in_s[i];
        in_s[i] = 0.0;
        const double vi = v[i], ri = ref[i];
        const bool spike = (ri == 0.0) & (vi > h.v_th);
        const double reset = h.reset_subtract ? vi - h.reset_jump : h.v_reset;
        const double v0 = spike ? reset : vi;
        const double r0 = spike ? ref_steps : ri;
        const double integrated = h.v_leak + (v0 - h.v_leak) * h.p_vv + c * h.p_vi;
        const bool held = r0 > 0.0;
        v[i] = held ? v0 : integrated;
        ref[i] = held ? r0 - 1.0 : r0;
        cur[i] = c * h.p_ii;
        fired[i] = spike;
        any |= spike;
    }
    return any != 0;
}

class cuba_lif_block final : public neuron_block {
public:
    cuba_lif_block(const cuba_lif_hot& hot, std::uint32_t n) : hot_(hot), v_(n), i_(n), ref_(n, 0.0), fired_(n, 0) {}

    void step(const step_input& in, std::vector<std::uint32_t>& spikes) override {
        if (!cuba_lif_pass(hot_, in.receptors[0], v_.data(), i_.data(), ref_.data(), fired_.data(), v_.size())) return;
        append_fired(fired_, spikes);
    }

    bool zeroes_inputs() const override { return true; }

    std::span<double> state(std::size_t index) override { return index == 0 ? std::span<double>(v_) : i_; }

private:
    cuba_lif_hot hot_;
    std::vector<double> v_, i_, ref_;
    std::vector<std::uint8_t> fired_;
};

class cuba_lif_model final : public neuron_model {
public:
    std::string_view name() const override { return "cuba_lif"; }
    std::string_view description() const override {
        return "NIR CubaLIF (dimensionless current and membrane), exact integration";
    }
    const param_schema& schema() const override { return schema_; }
    std::span<const receptor_def> receptors() const override { return receptors_; }
    std::span<const state_var> state_vars() const override { return vars_; }
    // NIR's CubaLIF has no external current; its drive is the input spikes alone.
    bool accepts_current() const override { return false; }

    void check(const validated_params& p, const block_context& ctx) const override {
        if (!(p.get("v_reset") < p.get("v_threshold"))) {
            throw config_error("v_reset must be below v_threshold", ctx.site);
        }
    }

    std::unique_ptr<neuron_block> make_block(const validated_params& p,
                                             const block_context& ctx) const override {
        const double dt = ctx.dt;
        const double tau_mem = p.get("tau_mem"), tau_syn = p.get("tau_syn");
        cuba_lif_hot h{};
        h.v_leak = p.get("v_leak");
        h.v_th = p.get("v_threshold");
        h.v_reset = p.get("v_reset");
        h.w_in = p.get("w_in");
        h.reset_subtract = p.get("reset") == 1.0;
        h.reset_jump = h.v_th - h.v_reset;
        h.refractory_steps = refractory_steps(p.get("t_ref"), dt, ctx.convention, ctx.site);
        h.p_vv = std::exp(-dt / tau_mem);
        h.p_vi = p.get("r") * exp_synapse_to_membrane(dt, tau_mem, tau_syn);
        h.p_ii = std::exp(-dt / tau_syn);
        return std::make_unique<cuba_lif_block>(h, ctx.size);
    }

    double initial_value(std::size_t index, const validated_params& p) const override {
        return index == 0 ? p.get("v_leak") : 0.0;
    }

private:
    param_schema schema_{
        {"tau_syn", dimension::time, std::nullopt, 0, inf, true, "synaptic (current) time constant"},
        {"tau_mem", dimension::time, std::nullopt, 0, inf, true, "membrane time constant"},
        {"r", dimension::dimensionless, 1.0, -inf, inf, false, "gain from current to membrane"},
        {"v_leak", dimension::dimensionless, 0.0, -inf, inf, false, "leak (resting) potential, and initial v"},
        {"v_threshold", dimension::dimensionless, std::nullopt, -inf, inf, false,
         "threshold; spike when v > v_threshold"},
        {"v_reset", dimension::dimensionless, 0.0, -inf, inf, false, "reset potential"},
        {"w_in", dimension::dimensionless, 1.0, -inf, inf, false,
         "input gain: an input of weight w jumps the current by w * w_in"},
        {"t_ref", dimension::time, 0.0, 0, inf, false, "refractory period (v held at reset; NIR has none)"},
        {"reset", dimension::dimensionless, 0.0, -inf, inf, false,
         "\"value\": v = v_reset; \"subtract\": v -= v_threshold - v_reset", {"value", "subtract"}},
    };
    std::array<receptor_def, 1> receptors_{{{"in", dimension::dimensionless}}};
    std::array<state_var, 2> vars_{{{"v", dimension::dimensionless}, {"i", dimension::dimensionless}}};
};

}  // namespace

std::unique_ptr<neuron_model> make_cuba_lif_model() { return std::make_unique<cuba_lif_model>(); }

}  // namespace fluxon
