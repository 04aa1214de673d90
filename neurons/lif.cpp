#include "neurons/lif.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <type_traits>

#include "engine/base/errors.hpp"
#include "neurons/exp_current_lif.hpp"
#include "neurons/lif_kernel.hpp"

namespace fluxon {
namespace {

using lif_hot = exp_current_lif_hot;

// T is the state's precision. A float block counts steps from an epoch it moves forward every
// 2^22 steps, so that step numbers (refractory ends) stay exact in float's 24-bit mantissa
// however long the run.
template <class T>
class lif_block final : public neuron_block {
public:
    lif_block(const lif_hot& hot, std::uint32_t n)
        : hot_(hot), kernels_(lif_kernels_for_this_cpu()), v_(n), ie_(n), ii_(n), free_at_(n, T(0)), spiked_(n) {}

    void step(const step_input& in, std::vector<std::uint32_t>& spikes) override {
        if constexpr (std::is_same_v<T, float>) {
            if (in.step - epoch_ >= epoch_span) move_epoch();
        }
        const bool inputs = !in.receptors.empty();
        if (inputs) {
            in.i_ext ? advance<true, true>(in, spikes) : advance<true, false>(in, spikes);
        } else {
            in.i_ext ? advance<false, true>(in, spikes) : advance<false, false>(in, spikes);
        }
    }

    bool zeroes_inputs() const override { return true; }
    std::span<double> input_accumulator(std::size_t receptor) override {
        if constexpr (std::is_same_v<T, double>) return receptor == 0 ? ie_ : ii_;
        return {};
    }
    std::span<float> input_accumulator_single(std::size_t receptor) override {
        if constexpr (std::is_same_v<T, float>) return receptor == 0 ? ie_ : ii_;
        return {};
    }

    std::span<double> state(std::size_t index) override {
        if constexpr (std::is_same_v<T, double>) return array(index);
        throw internal_error("a single-precision block's state is read through read_state");
    }
    void set_state(std::size_t index, std::span<const double> values) override {
        std::ranges::transform(values, array(index).begin(), [](double x) { return static_cast<T>(x); });
    }
    void read_state(std::size_t index, std::span<const std::uint32_t> ids, std::vector<double>& out) override {
        const auto values = array(index);
        for (const std::uint32_t i : ids) out.push_back(values[i]);
    }

private:
    static constexpr std::int64_t epoch_span = std::int64_t{1} << 22;

    std::span<T> array(std::size_t index) {
        switch (index) {
            case 0: return v_;
            case 1: return ie_;
            default: return ii_;
        }
    }

    // Refractory ends move with the epoch; those long past only need to stay in the past.
    void move_epoch() {
        epoch_ += epoch_span;
        for (T& f : free_at_) f = std::max(f - static_cast<T>(epoch_span), T(-1));
    }

    template <bool with_inputs, bool with_current>
    void advance(const step_input& in, std::vector<std::uint32_t>& spikes) {
        double* in_e = with_inputs ? in.receptors[0] : nullptr;
        double* in_i = with_inputs ? in.receptors[1] : nullptr;
        const bool subtract = hot_.reset_subtract;
        const auto pass = [&] {
            if constexpr (std::is_same_v<T, double>) return kernels_.pass[with_inputs][with_current][subtract];
            else return kernels_.single[with_inputs][with_current][subtract];
        }();
        const std::size_t count = pass({&hot_, in.step - epoch_, in_e, in_i, in.i_ext, v_.data(), ie_.data(),
                                        ii_.data(), free_at_.data(), v_.size(), spiked_.data()});
        spikes.insert(spikes.end(), spiked_.begin(), spiked_.begin() + static_cast<std::ptrdiff_t>(count));
    }

    lif_hot hot_;
    lif_kernels kernels_;
    std::vector<T> v_, ie_, ii_, free_at_;
    std::vector<std::uint32_t> spiked_;  // the pass's spikes, before they are appended
    std::int64_t epoch_ = 0;             // steps are passed to the kernel relative to it
};

class lif_model final : public exp_current_lif_model {
public:
    std::string_view name() const override { return "lif"; }
    std::string_view description() const override {
        return "leaky integrate-and-fire, exponential current synapses (exc/inh), exact integration";
    }
    const param_schema& schema() const override { return schema_; }
    std::span<const state_var> state_vars() const override { return vars_; }

    bool has_single_precision() const override { return true; }
    std::unique_ptr<neuron_block> make_block(const validated_params& p,
                                             const block_context& ctx) const override {
        if (ctx.precision == state_precision::single_precision) {
            return std::make_unique<lif_block<float>>(lower_exp_current_lif(p, ctx), ctx.size);
        }
        return std::make_unique<lif_block<double>>(lower_exp_current_lif(p, ctx), ctx.size);
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
