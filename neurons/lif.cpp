#include "neurons/lif.hpp"

#include <array>
#include <cmath>
#include <limits>

#include "neurons/exp_current_lif.hpp"
#include "neurons/lif_kernel.hpp"

namespace fluxon {
namespace {

using lif_hot = exp_current_lif_hot;

class lif_block final : public neuron_block {
public:
    lif_block(const lif_hot& hot, std::uint32_t n)
        : hot_(hot), kernels_(lif_kernels_for_this_cpu()), v_(n), ie_(n), ii_(n), free_at_(n, 0.0), spiked_(n) {}

    void step(const step_input& in, std::vector<std::uint32_t>& spikes) override {
        const bool inputs = !in.receptors.empty();
        if (inputs) {
            in.i_ext ? advance<true, true>(in, spikes) : advance<true, false>(in, spikes);
        } else {
            in.i_ext ? advance<false, true>(in, spikes) : advance<false, false>(in, spikes);
        }
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
    void advance(const step_input& in, std::vector<std::uint32_t>& spikes) {
        double* in_e = with_inputs ? in.receptors[0] : nullptr;
        double* in_i = with_inputs ? in.receptors[1] : nullptr;
        const lif_pass_fn pass = kernels_.pass[with_inputs][with_current][hot_.reset_subtract];
        const std::size_t count = pass({&hot_, in.step, in_e, in_i, in.i_ext, v_.data(), ie_.data(), ii_.data(),
                                        free_at_.data(), v_.size(), spiked_.data()});
        spikes.insert(spikes.end(), spiked_.begin(), spiked_.begin() + static_cast<std::ptrdiff_t>(count));
    }

    lif_hot hot_;
    lif_kernels kernels_;
    std::vector<double> v_, ie_, ii_, free_at_;
    std::vector<std::uint32_t> spiked_;  // the pass's spikes, before they are appended
};

class lif_model final : public exp_current_lif_model {
public:
    std::string_view name() const override { return "lif"; }
    std::string_view description() const override {
        return "leaky integrate-and-fire, exponential current synapses (exc/inh), exact integration";
    }
    const param_schema& schema() const override { return schema_; }
    std::span<const state_var> state_vars() const override { return vars_; }

    std::unique_ptr<neuron_block> make_block(const validated_params& p,
                                             const block_context& ctx) const override {
        return std::make_unique<lif_block>(lower_exp_current_lif(p, ctx), ctx.size);
    }

private:
    param_schema schema_ = exp_current_lif_schema("threshold; spike when v > v_th",
                                                  "\"value\": v = v_reset; \"subtract\": v -= v_th - v_reset");
    std::array<state_var, 3> vars_{{{"v", dimension::voltage},
                                    {"i_exc", dimension::voltage},
                                    {"i_inh", dimension::voltage}}};
};

}  // namespace

std::unique_ptr<neuron_model> make_lif_model() { return std::make_unique<lif_model>(); }

}  // namespace fluxon
