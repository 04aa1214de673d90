#include "neurons/layers/leaky_layer.hpp"

#include "neurons/layers/snntorch_leaky.hpp"

namespace fluxon {
namespace {

class leaky_op final : public layer_op {
public:
    explicit leaky_op(leaky_population p) : p_(std::move(p)), current_(p_.u.size()), spikes_(p_.u.size()) {}

    void step(const layer_step& s) override {
        if (s.sample_start) p_.reset();
        std::fill(current_.begin(), current_.end(), 0.0);
        const event_batch& in = *s.input;
        for (std::size_t e = 0; e < in.size(); ++e) current_[in.index[e]] = in.value[e];
        const std::uint64_t changed = p_.step(current_, spikes_);
        std::uint64_t fired = 0;
        for (std::size_t i = 0; i < spikes_.size(); ++i) {
            if (spikes_[i] == 0) continue;
            s.output->push(static_cast<std::uint32_t>(i), 1.0);
            ++fired;
        }
        s.counts->membrane_updates += s.sample_start ? spikes_.size() : changed;
        s.counts->activations += spikes_.size();
        s.counts->nonzero_activations += fired;
    }

private:
    leaky_population p_;
    std::vector<double> current_;
    std::vector<std::uint8_t> spikes_;
};

class leaky_kind final : public layer_kind {
public:
    leaky_kind() { add_leaky_params(schema_, "", "the neurons"); }
    std::string_view name() const override { return "leaky"; }
    std::string_view description() const override {
        return "snnTorch Leaky neurons: u = beta u + x - threshold after a spike, spike where u > threshold";
    }
    layer_role role() const override { return layer_role::activation; }
    const param_schema& schema() const override { return schema_; }
    std::span<const layer_array_def> arrays() const override { return {}; }
    tensor_shape output_shape(const validated_params&, const layer_context& ctx) const override { return ctx.input; }
    layer_static static_figures(const validated_params&, const layer_context&) const override { return {}; }
    std::unique_ptr<layer_op> make(const validated_params& params, const layer_context& ctx) const override {
        return std::make_unique<leaky_op>(lower_leaky(params, "", ctx.input.size()));
    }

private:
    param_schema schema_;
};

}  // namespace

std::unique_ptr<layer_kind> make_leaky_layer() { return std::make_unique<leaky_kind>(); }

}  // namespace fluxon
