#include "neurons/layers/delay.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "neurons/layers/channel_array.hpp"

namespace fluxon {
namespace {

const layer_array_def delay_arrays[] = {
        {"delay", true, "[1], [C] or the input's shape: the delay of each entry, s (whole steps of dt)"},
};

// A ring of future steps; an event of entry k at step t lands in slot (t + delay_k) mod size.
// Entries of one slot come from different steps, so a slot is sorted by index when it is due.
class delay_op final : public layer_op {
public:
    explicit delay_op(std::vector<std::uint32_t> steps)
        : steps_(std::move(steps)), ring_(*std::max_element(steps_.begin(), steps_.end()) + 1) {}

    void step(const layer_step& s) override {
        if (s.sample_start) {
            for (event_batch& slot : ring_) slot.clear();
        }
        const std::size_t size = ring_.size();
        const std::size_t now = static_cast<std::size_t>(s.step) % size;
        const event_batch& in = *s.input;
        for (std::size_t e = 0; e < in.size(); ++e) {
            ring_[(now + steps_[in.index[e]]) % size].push(in.index[e], in.value[e]);
        }
        event_batch& due = ring_[now];
        order_.resize(due.size());
        std::iota(order_.begin(), order_.end(), std::size_t{0});
        std::sort(order_.begin(), order_.end(), [&](std::size_t a, std::size_t b) { return due.index[a] < due.index[b]; });
        for (const std::size_t k : order_) s.output->push(due.index[k], due.value[k]);
        due.clear();
    }

    bool fan_out(std::uint32_t input, std::vector<std::uint32_t>& outputs) const override {
        outputs.push_back(input);
        return true;
    }

private:
    std::vector<std::uint32_t> steps_;  // per entry
    std::vector<event_batch> ring_;
    std::vector<std::size_t> order_;
};

class delay_kind final : public layer_kind {
public:
    std::string_view name() const override { return "delay"; }
    std::string_view description() const override {
        return "y(t) = x(t - delay) per entry, delay in s, whole steps of dt (NIR Delay)";
    }
    layer_role role() const override { return layer_role::structural; }
    const param_schema& schema() const override { return schema_; }
    std::span<const layer_array_def> arrays() const override { return delay_arrays; }

    tensor_shape output_shape(const validated_params&, const layer_context& ctx) const override {
        in_steps(ctx);
        return ctx.input;
    }
    layer_static static_figures(const validated_params&, const layer_context& ctx) const override {
        layer_static s;
        s.parameters = array_numbers(ctx, "delay");
        s.footprint_bytes = 4 * s.parameters;
        return s;
    }
    std::unique_ptr<layer_op> make(const validated_params&, const layer_context& ctx) const override {
        return std::make_unique<delay_op>(in_steps(ctx));
    }

private:
    static std::vector<std::uint32_t> in_steps(const layer_context& ctx) {
        const std::vector<double> seconds = per_entry(ctx, "delay", std::nullopt);
        std::vector<std::uint32_t> steps(seconds.size());
        for (std::size_t k = 0; k < seconds.size(); ++k) {
            const double exact = seconds[k] / ctx.dt;
            const double whole = std::round(exact);
            if (seconds[k] < 0 || std::abs(exact - whole) > 1e-9 * std::max(1.0, whole) || whole > 1e6) {
                throw config_error(fmt::format("layer '{}': entry {} has delay {} s, which is not a whole number of "
                                               "steps of dt = {} s between 0 and 10^6 steps",
                                               ctx.name, k, seconds[k], ctx.dt),
                                   key_site(ctx, "delay"));
            }
            steps[k] = static_cast<std::uint32_t>(whole);
        }
        return steps;
    }

    param_schema schema_;
};

}  // namespace

std::unique_ptr<layer_kind> make_delay_layer() { return std::make_unique<delay_kind>(); }

}  // namespace fluxon
