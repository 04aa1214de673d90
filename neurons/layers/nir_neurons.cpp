#include "neurons/layers/nir_neurons.hpp"

#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "neurons/layers/channel_array.hpp"

namespace fluxon {
namespace {

// Which of NIR's terms a kind has; the six kinds are the combinations NIR names.
struct nir_neuron_info {
    std::string_view name, description;
    bool leak = false;     // a membrane time constant (tau, or tau_mem with a synapse)
    bool synapse = false;  // a current I with tau_syn and w_in (the Cuba kinds)
    bool spiking = false;  // a threshold and a reset
};

enum class integration : std::uint8_t { euler, exact };

// Per neuron, the numbers one step needs, computed once from the arrays and dt.
struct nir_neuron_coefficients {
    // Membrane: without a leak, v += r x. Euler: v += km ((v_leak - v) + r in). Exact:
    // v = v_leak + am (v - v_leak) + (1 - am) r in for the plain kinds, and for the Cuba kinds
    // v = v_leak + r is + am (v - v_leak - r is) + r (I - is) kappa, with is = w_in x.
    std::vector<double> r, v_leak, km, am;
    // Synapse: Euler I += ks (-I + w_in x); exact I = is + as (I - is).
    std::vector<double> w_in, ks, as, kappa;
    std::vector<double> v_threshold, v_reset;
};

class nir_neuron_op final : public layer_op {
public:
    nir_neuron_op(const nir_neuron_info& info, integration rule, bool subtract, nir_neuron_coefficients c,
                  std::size_t size)
        : info_(info), rule_(rule), subtract_(subtract), c_(std::move(c)), v_(size, 0.0),
          i_(info.synapse ? size : 0, 0.0) {}

    void step(const layer_step& s) override {
        if (s.sample_start) {
            std::fill(v_.begin(), v_.end(), 0.0);
            std::fill(i_.begin(), i_.end(), 0.0);
        }
        const event_batch& in = *s.input;
        const std::size_t n = v_.size();
        std::uint64_t changed = 0, nonzero = 0;
        std::size_t e = 0;
        for (std::size_t k = 0; k < n; ++k) {
            double x = 0.0;
            if (e < in.size() && in.index[e] == k) x = in.value[e++];
            const double v_before = v_[k];
            const double i_before = info_.synapse ? i_[k] : 0.0;
            double v = charge(k, v_before, x);
            bool moved = v != v_before || (info_.synapse && i_[k] != i_before);
            if (info_.spiking) {
                if (v > c_.v_threshold[k]) {
                    v = subtract_ ? v - c_.v_threshold[k] : c_.v_reset[k];
                    s.output->push(static_cast<std::uint32_t>(k), 1.0);
                    ++nonzero;
                    moved = moved || v != v_before;
                }
            } else if (v != 0.0) {
                s.output->push(static_cast<std::uint32_t>(k), v);
                ++nonzero;
            }
            changed += moved;
            v_[k] = v;
        }
        s.counts->membrane_updates += s.sample_start ? n : changed;
        s.counts->activations += n;
        s.counts->nonzero_activations += nonzero;
    }

private:
    // The membrane after one step from v with input x; updates I first for the Cuba kinds.
    double charge(std::size_t k, double v, double x) {
        if (!info_.leak) return v + c_.r[k] * x;
        if (!info_.synapse) {
            if (rule_ == integration::euler) return v + c_.km[k] * ((c_.v_leak[k] - v) + c_.r[k] * x);
            return c_.v_leak[k] + c_.am[k] * (v - c_.v_leak[k]) + (1.0 - c_.am[k]) * c_.r[k] * x;
        }
        double& current = i_[k];
        if (rule_ == integration::euler) {
            current = current + c_.ks[k] * (-current + c_.w_in[k] * x);
            return v + c_.km[k] * ((c_.v_leak[k] - v) + c_.r[k] * current);
        }
        const double held = c_.w_in[k] * x;
        const double excess = current - held;
        current = held + c_.as[k] * excess;
        const double rest = c_.v_leak[k] + c_.r[k] * held;
        return rest + c_.am[k] * (v - rest) + c_.r[k] * excess * c_.kappa[k];
    }

    nir_neuron_info info_;
    integration rule_;
    bool subtract_;
    nir_neuron_coefficients c_;
    std::vector<double> v_, i_;
};

constexpr std::string_view shapes_doc = "[1], [C] or the input's shape";

class nir_neuron_kind final : public layer_kind {
public:
    explicit nir_neuron_kind(nir_neuron_info info) : info_(info) {
        schema_.push_back(param_def{.name = "integration", .default_value = 0.0,
                                    .doc = "how a step of dt integrates the ODE: \"euler\" (forward Euler, as NIR's "
                                           "reference code and the frameworks) or \"exact\" (input held over the step)",
                                    .choices = {"euler", "exact"}});
        if (info_.spiking) {
            schema_.push_back(param_def{.name = "reset", .default_value = 0.0,
                                        .doc = "\"hard\": v = v_reset after a spike (NIR); \"subtract\": v -= "
                                               "v_threshold (snnTorch's default)",
                                        .choices = {"hard", "subtract"}});
        }
        const auto array = [&](std::string name, bool required, std::string doc) {
            arrays_.push_back(layer_array_def{std::move(name), required, fmt::format("{}: {}", shapes_doc, doc)});
        };
        if (info_.synapse) {
            array("tau_syn", true, "synaptic time constant, s");
            array("tau_mem", true, "membrane time constant, s");
        } else if (info_.leak) {
            array("tau", true, "membrane time constant, s");
        }
        array("r", false, "resistance R (default 1)");
        if (info_.leak) array("v_leak", false, "leak potential (default 0)");
        if (info_.synapse) array("w_in", false, "input weight of the synapse (default 1)");
        if (info_.spiking) {
            array("v_threshold", true, "spike where v > v_threshold");
            array("v_reset", false, "v after a spike (default 0)");
        }
    }

    std::string_view name() const override { return info_.name; }
    std::string_view description() const override { return info_.description; }
    layer_role role() const override { return layer_role::activation; }
    const param_schema& schema() const override { return schema_; }
    std::span<const layer_array_def> arrays() const override { return arrays_; }

    tensor_shape output_shape(const validated_params& params, const layer_context& ctx) const override {
        lowered(params, ctx);
        return ctx.input;
    }

    layer_static static_figures(const validated_params&, const layer_context& ctx) const override {
        return array_statics(ctx, arrays_);
    }

    std::unique_ptr<layer_op> make(const validated_params& params, const layer_context& ctx) const override {
        const auto rule = static_cast<integration>(params.get("integration"));
        const bool subtract = info_.spiking && params.get("reset") == 1.0;
        return std::make_unique<nir_neuron_op>(info_, rule, subtract, lowered(params, ctx), ctx.input.size());
    }

private:
    std::vector<double> time_constant(const layer_context& ctx, std::string_view name) const {
        std::vector<double> tau = per_entry(ctx, name, std::nullopt);
        for (std::size_t k = 0; k < tau.size(); ++k) {
            if (!(tau[k] > 0.0)) {
                throw config_error(fmt::format("layer '{}': '{}' must be > 0 s (a time constant), neuron {} has {}",
                                               ctx.name, name, k, tau[k]),
                                   key_site(ctx, name));
            }
        }
        return tau;
    }

    nir_neuron_coefficients lowered(const validated_params& params, const layer_context& ctx) const {
        nir_neuron_coefficients c;
        c.r = per_entry(ctx, "r", 1.0);
        const std::size_t n = c.r.size();
        if (info_.leak) {
            c.v_leak = per_entry(ctx, "v_leak", 0.0);
            const std::vector<double> tau_m = time_constant(ctx, info_.synapse ? "tau_mem" : "tau");
            c.km.resize(n);
            c.am.resize(n);
            for (std::size_t k = 0; k < n; ++k) {
                c.km[k] = ctx.dt / tau_m[k];
                c.am[k] = std::exp(-ctx.dt / tau_m[k]);
            }
            if (info_.synapse) {
                c.w_in = per_entry(ctx, "w_in", 1.0);
                const std::vector<double> tau_s = time_constant(ctx, "tau_syn");
                c.ks.resize(n);
                c.as.resize(n);
                c.kappa.resize(n);
                for (std::size_t k = 0; k < n; ++k) {
                    c.ks[k] = ctx.dt / tau_s[k];
                    c.as[k] = std::exp(-ctx.dt / tau_s[k]);
                    // The share of an initial current excess that reaches v within the step;
                    // the limit (dt/tau) e^(-dt/tau) when the two time constants are equal.
                    c.kappa[k] = tau_s[k] == tau_m[k] ? c.km[k] * c.am[k]
                                                      : tau_s[k] / (tau_s[k] - tau_m[k]) * (c.as[k] - c.am[k]);
                }
            }
        }
        if (info_.spiking) {
            c.v_threshold = per_entry(ctx, "v_threshold", std::nullopt);
            c.v_reset = per_entry(ctx, "v_reset", 0.0);
            if (params.get("reset") == 1.0) {
                for (std::size_t k = 0; k < n; ++k) {
                    if (!(c.v_threshold[k] > 0.0)) {
                        throw config_error(fmt::format("layer '{}': a subtractive reset needs v_threshold > 0 (v "
                                                       "would grow without end); neuron {} has {}",
                                                       ctx.name, k, c.v_threshold[k]),
                                           key_site(ctx, "v_threshold"));
                    }
                }
            }
        }
        return c;
    }

    nir_neuron_info info_;
    param_schema schema_;
    std::vector<layer_array_def> arrays_;
};

}  // namespace

std::unique_ptr<layer_kind> make_nir_i_layer() {
    return std::make_unique<nir_neuron_kind>(nir_neuron_info{
            "nir_i", "NIR I (integrator): v += R x per step; output v", false, false, false});
}
std::unique_ptr<layer_kind> make_nir_li_layer() {
    return std::make_unique<nir_neuron_kind>(nir_neuron_info{
            "nir_li", "NIR LI: tau v' = (v_leak - v) + R x, stepped with dt; output v", true, false, false});
}
std::unique_ptr<layer_kind> make_nir_if_layer() {
    return std::make_unique<nir_neuron_kind>(nir_neuron_info{
            "nir_if", "NIR IF: v += R x per step; spike where v > v_threshold, v = v_reset", false, false, true});
}
std::unique_ptr<layer_kind> make_nir_lif_layer() {
    return std::make_unique<nir_neuron_kind>(nir_neuron_info{
            "nir_lif", "NIR LIF: tau v' = (v_leak - v) + R x, stepped with dt; spike where v > v_threshold, v = v_reset",
            true, false, true});
}
std::unique_ptr<layer_kind> make_nir_cuba_li_layer() {
    return std::make_unique<nir_neuron_kind>(nir_neuron_info{
            "nir_cuba_li", "NIR CubaLI: tau_syn I' = -I + w_in x, tau_mem v' = (v_leak - v) + R I; output v", true, true,
            false});
}
std::unique_ptr<layer_kind> make_nir_cuba_lif_layer() {
    return std::make_unique<nir_neuron_kind>(nir_neuron_info{
            "nir_cuba_lif",
            "NIR CubaLIF: tau_syn I' = -I + w_in x, tau_mem v' = (v_leak - v) + R I; spike where v > v_threshold, "
            "v = v_reset",
            true, true, true});
}

}  // namespace fluxon
