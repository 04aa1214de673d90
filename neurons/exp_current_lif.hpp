#pragma once
// What the LIF-family models with exponential current synapses share (lif, alif): their common
// parameters, the check of their values, and the exact one-step propagators they lower to.
#include <array>
#include <cstdint>
#include <string>

#include "neurons/model.hpp"
#include "neurons/params.hpp"

namespace fluxon {

struct exp_current_lif_hot {
    double v_rest, v_th, v_reset, reset_jump;
    bool reset_subtract;
    std::int32_t refractory_steps;
    double p_vv, p_ve, p_vi, p_ee, p_ii;  // exact propagators over one step of dt
    double p_vext;                       // volts per ampere of external current over one step
    double v_leak_term;                  // v_rest (1 - p_vv)
};

// tau_m, v_rest, v_th, v_reset, t_ref, tau_syn_exc, tau_syn_inh, r_m, reset.
param_schema exp_current_lif_schema(const std::string& threshold_doc, const std::string& reset_doc);

// v_reset below v_th.
void check_exp_current_lif(const validated_params& p, const error_site& site);

// External currents need the membrane resistance r_m.
void check_membrane_resistance(const validated_params& p, const error_site& site);

exp_current_lif_hot lower_exp_current_lif(const validated_params& p, const block_context& ctx);

// The model side they share: receptors "exc"/"inh" (voltage weights), the parameter checks,
// external currents through r_m, and v starting at v_rest with the synaptic state at 0.
class exp_current_lif_model : public neuron_model {
public:
    std::span<const receptor_def> receptors() const override { return receptors_; }
    void check(const validated_params& p, const block_context& ctx) const override {
        check_exp_current_lif(p, ctx.site);
    }
    bool accepts_current() const override { return true; }
    void check_current(const validated_params& p, const error_site& site) const override {
        check_membrane_resistance(p, site);
    }
    double initial_value(std::size_t index, const validated_params& p) const override {
        return index == 0 ? p.get("v_rest") : 0.0;
    }

private:
    std::array<receptor_def, 2> receptors_{
        {{"exc", dimension::voltage}, {"inh", dimension::voltage, weight_sign::non_positive}}};
};

}  // namespace fluxon
