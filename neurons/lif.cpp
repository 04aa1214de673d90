#include "neurons/lif.hpp"

#include <array>
#include <cmath>
#include <limits>

#include "neurons/exp_current_lif.hpp"
#include "neurons/spike_flags.hpp"

namespace fluxon {
namespace {

using lif_hot = exp_current_lif_hot;

// One fused pass over the neurons (inputs, threshold, reset, integration), branch-free so that
// it vectorises; the refractory countdown is kept in doubles to share the lanes of the state. A
// free function with restrict pointers: as a member, GCC reloads the pointers and gives up.
template <bool with_inputs, bool with_current, bool subtract>
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
        const double reset = subtract ? vi - h.reset_jump : h.v_reset;
        const double v0 = spike ? reset : vi;
        const double r0 = spike ? ref_steps : ri;
        double drive = 0.0;
        if constexpr (with_current) drive = h.p_vext * i_ext[i];
        const double integrated = v0 * h.p_vv + h.v_leak_term + e * h.p_ve + g * h.p_vi + drive;
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
        auto pass = hot_.reset_subtract ? lif_pass<with_inputs, with_current, true>
                                        : lif_pass<with_inputs, with_current, false>;
        return pass(hot_, in_e, in_i, in.i_ext, v_.data(), ie_.data(), ii_.data(), ref_.data(), fired_.data(),
                    v_.size());
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
        check_exp_current_lif(p, ctx.site);
    }

    std::unique_ptr<neuron_block> make_block(const validated_params& p,
                                             const block_context& ctx) const override {
        return std::make_unique<lif_block>(lower_exp_current_lif(p, ctx.dt, ctx.site), ctx.size);
    }

    bool accepts_current() const override { return true; }
    void check_current(const validated_params& p, const error_site& site) const override {
        check_membrane_resistance(p, site);
    }

    double initial_value(std::size_t index, const validated_params& p) const override {
        return index == 0 ? p.get("v_rest") : 0.0;
    }

private:
    param_schema schema_ = exp_current_lif_schema("threshold; spike when v > v_th",
                                                  "\"value\": v = v_reset; \"subtract\": v -= v_th - v_reset");
    std::array<receptor_def, 2> receptors_{{{"exc", dimension::voltage}, {"inh", dimension::voltage}}};
    std::array<state_var, 3> vars_{{{"v", dimension::voltage},
                                    {"i_exc", dimension::voltage},
                                    {"i_inh", dimension::voltage}}};
};

}  // namespace

std::unique_ptr<neuron_model> make_lif_model() { return std::make_unique<lif_model>(); }

}  // namespace fluxon
