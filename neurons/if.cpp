#include "neurons/if.hpp"

#include <array>
#include <cmath>
#include <limits>

#include "neurons/propagators.hpp"

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

class if_block final : public neuron_block {
public:
    if_block(const if_hot& hot, std::uint32_t n) : hot_(hot), v_(n), ref_(n, 0) {}

    void step(const step_input& in, std::vector<std::uint32_t>& spikes) override {
        const if_hot h = hot_;
        const double* in_v = in.receptors[0];
        const std::size_t n = v_.size();
        // The synaptic state of a delta synapse is v itself; while v is clamped during the
        // refractory period the jumps that arrive are lost (as in NEST's iaf_psc_delta).
        for (std::size_t i = 0; i < n; ++i) v_[i] += ref_[i] == 0 ? in_v[i] : 0.0;
        for (std::size_t i = 0; i < n; ++i) {
            if (ref_[i] == 0 && v_[i] > h.v_th) {
                v_[i] = h.reset_subtract ? v_[i] - h.reset_jump : h.v_reset;
                ref_[i] = h.refractory_steps;
                spikes.push_back(static_cast<std::uint32_t>(i));
            }
        }
        for (std::size_t i = 0; i < n; ++i) {
            const double drive = in.i_ext ? h.p_vext * in.i_ext[i] : 0.0;
            const bool held = ref_[i] > 0;
            v_[i] = held ? v_[i] : v_[i] + drive;
            ref_[i] -= held ? 1 : 0;
        }
    }

    std::span<double> state(std::size_t) override { return v_; }

private:
    if_hot hot_;
    std::vector<double> v_;
    std::vector<std::int32_t> ref_;
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
        h.refractory_steps = refractory_steps(p.get("t_ref"), ctx.dt, ctx.site);
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
