#include "neurons/izhikevich.hpp"

#include "neurons/spike_flags.hpp"

#include <array>
#include <cmath>
#include <limits>

#include <fmt/format.h>

// No fused multiply-adds: the 1 ms scheme turns last-bit differences into shifted spikes, so the
// arithmetic must be the paper's, rounded after every operation, on every machine.
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

namespace fluxon {
namespace {

constexpr double inf = std::numeric_limits<double>::infinity();
// The equations are written for v in mV and t in ms; the interface is SI.
constexpr double mv_per_volt = 1000.0;
constexpr double ms_per_second = 1000.0;

// Paper units throughout: v, c, v_peak in mV, h in ms, a and b per ms, u, d and I in the
// paper's current units (mV/ms).
struct izhikevich_hot {
    double a_h, b, c, d, v_peak, half_h;
};

void check_dt(double dt, const error_site& site) {
    if (dt > 1e-3 * (1 + 1e-9)) {
        throw config_error(fmt::format("the izhikevich model needs dt <= 1 ms (its reference scheme is "
                                       "explicit and stable only on that scale), got dt = {} s",
                                       dt),
                           site);
    }
}

// One fused, branch-free pass over the neurons. The arithmetic is that of the paper's MATLAB
// loop term by term (0.04*v.^2 is 0.04 * (v * v)), so that at dt = 1 ms the results are
// bit-identical to it.
bool izhikevich_pass(const izhikevich_hot& hot, double* __restrict in_i, double* __restrict v_mv,
                     double* __restrict v_si, double* __restrict u_state, std::uint8_t* __restrict fired,
                     std::size_t n) {
    const izhikevich_hot h = hot;
    int any = 0;
    for (std::size_t i = 0; i < n; ++i) {
        // The mV value is the one integrated: a round trip through volts every step would
        // perturb the last bit, and the 1 ms scheme amplifies that into shifted spikes. A
        // mismatch with the volts view means the view was written (initial values).
        const double written = v_si[i];
        const double vk = written == v_mv[i] / mv_per_volt ? v_mv[i] : written * mv_per_volt;
        const double uk = u_state[i];
        const double current = in_i[i];
        in_i[i] = 0.0;
        // Spike, reset and the recovery jump act on the state at t_k, as in the paper's loop.
        const bool spike = vk >= h.v_peak;
        double v = spike ? h.c : vk;
        double u = spike ? uk + h.d : uk;
        v = v + h.half_h * (0.04 * (v * v) + 5 * v + 140 - u + current);
        v = v + h.half_h * (0.04 * (v * v) + 5 * v + 140 - u + current);
        u = u + h.a_h * (h.b * v - u);
        v_mv[i] = v;
        v_si[i] = v / mv_per_volt;
        u_state[i] = u;
        fired[i] = spike;
        any |= spike;
    }
    return any != 0;
}

class izhikevich_block final : public neuron_block {
public:
    izhikevich_block(const izhikevich_hot& hot, std::uint32_t n) : hot_(hot), v_mv_(n), v_(n), u_(n), fired_(n, 0) {}

    void step(const step_input& in, std::vector<std::uint32_t>& spikes) override {
        if (!izhikevich_pass(hot_, in.receptors[0], v_mv_.data(), v_.data(), u_.data(), fired_.data(), v_.size())) {
            return;
        }
        append_fired(fired_, spikes);
    }

    bool zeroes_inputs() const override { return true; }

    std::span<double> state(std::size_t index) override { return index == 0 ? std::span<double>(v_) : u_; }

private:
    izhikevich_hot hot_;
    std::vector<double> v_mv_;  // mV, the integrated value
    std::vector<double> v_;     // V, the view probes read and initial values write
    std::vector<double> u_;     // paper units
    std::vector<std::uint8_t> fired_;
};

class izhikevich_model final : public neuron_model {
public:
    std::string_view name() const override { return "izhikevich"; }
    std::string_view description() const override {
        return "Izhikevich (2003) simple model, the paper's half-step integration scheme";
    }
    const param_schema& schema() const override { return schema_; }
    std::span<const receptor_def> receptors() const override { return receptors_; }
    std::span<const state_var> state_vars() const override { return vars_; }
    // The model's current is in the paper's units, not amperes: an external current in A has
    // no defined meaning here.
    bool accepts_current() const override { return false; }

    void check(const validated_params&, const block_context& ctx) const override { check_dt(ctx.dt, ctx.site); }

    std::unique_ptr<neuron_block> make_block(const validated_params& p,
                                             const block_context& ctx) const override {
        check_dt(ctx.dt, ctx.site);
        const double h_ms = ctx.dt * ms_per_second;
        izhikevich_hot h{};
        h.a_h = p.get("a") * h_ms;
        h.b = p.get("b");
        h.c = p.get("c") * mv_per_volt;
        h.d = p.get("d");
        h.v_peak = p.get("v_peak") * mv_per_volt;
        h.half_h = 0.5 * h_ms;
        return std::make_unique<izhikevich_block>(h, ctx.size);
    }

    double initial_value(std::size_t index, const validated_params& p) const override {
        return index == 0 ? p.get("c") : p.get("b") * (p.get("c") * mv_per_volt);
    }

private:
    param_schema schema_{
        {"a", dimension::dimensionless, 0.02, -inf, inf, false,
         "recovery rate, per ms (paper units; 0.02 = regular spiking)"},
        {"b", dimension::dimensionless, 0.2, -inf, inf, false,
         "sensitivity of u to v, per ms (paper units)"},
        {"c", dimension::voltage, -65e-3, -inf, inf, false, "reset potential (and initial v)"},
        {"d", dimension::dimensionless, 8.0, -inf, inf, false,
         "jump of u at a spike (paper current units, mV/ms)"},
        {"v_peak", dimension::voltage, 30e-3, -inf, inf, false, "spike cutoff; spike when v >= v_peak"},
    };
    std::array<receptor_def, 1> receptors_{{{"in", dimension::dimensionless}}};
    std::array<state_var, 2> vars_{{{"v", dimension::voltage}, {"u", dimension::dimensionless}}};
};

}  // namespace

std::unique_ptr<neuron_model> make_izhikevich_model() { return std::make_unique<izhikevich_model>(); }

}  // namespace fluxon
