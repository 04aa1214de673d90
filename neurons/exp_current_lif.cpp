#include "neurons/exp_current_lif.hpp"

#include <cmath>
#include <limits>

#include "neurons/propagators.hpp"

namespace fluxon {

param_schema exp_current_lif_schema(const std::string& threshold_doc, const std::string& reset_doc) {
    constexpr double inf = std::numeric_limits<double>::infinity();
    constexpr double unset = std::numeric_limits<double>::quiet_NaN();
    return {
        {"tau_m", dimension::time, 20e-3, 0, inf, true, "membrane time constant"},
        {"v_rest", dimension::voltage, -65e-3, -inf, inf, false, "resting (leak) potential"},
        {"v_th", dimension::voltage, -50e-3, -inf, inf, false, threshold_doc},
        {"v_reset", dimension::voltage, -65e-3, -inf, inf, false, "reset potential"},
        {"t_ref", dimension::time, 2e-3, 0, inf, false, "refractory period (v held at reset)"},
        {"tau_syn_exc", dimension::time, 5e-3, 0, inf, true, "excitatory synaptic time constant"},
        {"tau_syn_inh", dimension::time, 5e-3, 0, inf, true, "inhibitory synaptic time constant"},
        {"r_m", dimension::resistance, unset, 0, inf, true,
         "membrane resistance for external currents (needed only when a current targets the population)"},
        {"reset", dimension::dimensionless, 0.0, -inf, inf, false, reset_doc, {"value", "subtract"}},
    };
}

void check_exp_current_lif(const validated_params& p, const error_site& site) {
    if (!(p.get("v_reset") < p.get("v_th"))) throw config_error("v_reset must be below v_th", site);
}

void check_membrane_resistance(const validated_params& p, const error_site& site) {
    if (std::isnan(p.get("r_m"))) {
        throw config_error("a current targets this population but its parameter r_m (membrane "
                           "resistance) is not set",
                           site);
    }
}

exp_current_lif_hot lower_exp_current_lif(const validated_params& p, const block_context& ctx) {
    const double dt = ctx.dt;
    const double tau_m = p.get("tau_m");
    exp_current_lif_hot h{};
    h.v_rest = p.get("v_rest");
    h.v_th = p.get("v_th");
    h.v_reset = p.get("v_reset");
    h.reset_subtract = p.get("reset") == 1.0;
    h.reset_jump = h.v_th - h.v_reset;
    h.refractory_steps = refractory_steps(p.get("t_ref"), dt, ctx.convention, ctx.site);
    h.p_vv = std::exp(-dt / tau_m);
    h.p_ve = exp_synapse_to_membrane(dt, tau_m, p.get("tau_syn_exc"));
    h.p_vi = exp_synapse_to_membrane(dt, tau_m, p.get("tau_syn_inh"));
    h.p_ee = std::exp(-dt / p.get("tau_syn_exc"));
    h.p_ii = std::exp(-dt / p.get("tau_syn_inh"));
    const double r_m = p.get("r_m");
    h.p_vext = std::isnan(r_m) ? 0.0 : r_m * (1.0 - h.p_vv);
    h.v_leak_term = h.v_rest * (1.0 - h.p_vv);
    return h;
}

}  // namespace fluxon
