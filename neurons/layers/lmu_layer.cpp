#include "neurons/layers/lmu_layer.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "neurons/layers/channel_array.hpp"
#include "neurons/layers/legendre_memory.hpp"

namespace fluxon {
namespace {

const layer_array_def lmu_arrays[] = {
        {"input_encoders", true, "[in]: e_x, the input's weight in the memory's input u"},
        {"hidden_encoders", false, "[hidden]: e_h; default zero"},
        {"memory_encoders", false, "[order]: e_m; default zero"},
        {"input_kernel", true, "[hidden, in]: W_x"},
        {"hidden_kernel", false, "[hidden, hidden]: W_h; default zero"},
        {"memory_kernel", false, "[hidden, order]: W_m; default zero"},
        {"bias", false, "[hidden]; default zero"},
};

enum class lmu_activation : std::uint8_t { tanh, relu, linear };

struct lmu_setup {
    std::size_t in = 0, hidden = 0, order = 0;
    lmu_system memory;  // discrete
    std::vector<double> e_x, e_h, e_m, w_x, w_h, w_m, bias;
    lmu_activation f = lmu_activation::tanh;
};

class lmu_op final : public layer_op {
public:
    explicit lmu_op(lmu_setup s) : s_(std::move(s)), m_(s_.order, 0.0), h_(s_.hidden, 0.0), m_next_(s_.order), pre_(s_.hidden) {
        for (std::size_t j = 0; j < s_.in; ++j) {
            std::uint64_t nonzero = 0;
            for (std::size_t i = 0; i < s_.hidden; ++i) nonzero += s_.w_x[i * s_.in + j] != 0.0;
            x_column_nonzero_.push_back(nonzero);
        }
        for (std::size_t j = 0; j < s_.hidden; ++j) {
            std::uint64_t nonzero = 0;
            for (std::size_t i = 0; i < s_.hidden; ++i) nonzero += s_.w_h[i * s_.hidden + j] != 0.0;
            h_column_nonzero_.push_back(nonzero);
        }
        for (const double w : s_.w_m) memory_nonzero_ += w != 0.0;
    }

    void step(const layer_step& st) override {
        if (st.sample_start) {
            std::fill(m_.begin(), m_.end(), 0.0);
            std::fill(h_.begin(), h_.end(), 0.0);
        }
        const event_batch& in = *st.input;
        const std::size_t d = s_.order, n = s_.hidden;
        std::uint64_t ops = 0;
        // u from the input's events, the previous h's non-zero entries and the previous m.
        double u = 0;
        for (std::size_t e = 0; e < in.size(); ++e) u += s_.e_x[in.index[e]] * in.value[e];
        for (std::size_t j = 0; j < n; ++j) {
            if (h_[j] != 0.0) u += s_.e_h[j] * h_[j];
        }
        for (std::size_t k = 0; k < d; ++k) u += s_.e_m[k] * m_[k];
        // m = A_d m + B_d u: dense, as the memory's state is.
        for (std::size_t i = 0; i < d; ++i) {
            double acc = 0;
            for (std::size_t k = 0; k < d; ++k) acc += s_.memory.a[i * d + k] * m_[k];
            m_next_[i] = acc + s_.memory.b[i] * u;
        }
        // h = f(W_x x + W_h h + W_m m + b).
        pre_ = s_.bias;
        for (std::size_t e = 0; e < in.size(); ++e) {
            const std::size_t j = in.index[e];
            for (std::size_t i = 0; i < n; ++i) pre_[i] += s_.w_x[i * s_.in + j] * in.value[e];
            ops += 1 + x_column_nonzero_[j];
        }
        for (std::size_t j = 0; j < n; ++j) {
            if (h_[j] == 0.0) continue;
            for (std::size_t i = 0; i < n; ++i) pre_[i] += s_.w_h[i * n + j] * h_[j];
            ops += 1 + h_column_nonzero_[j];
        }
        for (std::size_t i = 0; i < n; ++i) {
            for (std::size_t k = 0; k < d; ++k) pre_[i] += s_.w_m[i * d + k] * m_next_[k];
        }
        ops += d + d * d + d + memory_nonzero_;  // e_m m, A_d m, B_d u, W_m m
        std::uint64_t changed = 0, nonzero = 0;
        for (std::size_t k = 0; k < d; ++k) changed += m_next_[k] != m_[k];
        std::swap(m_, m_next_);
        for (std::size_t i = 0; i < n; ++i) {
            const double h = activate(pre_[i]);
            changed += h != h_[i];
            h_[i] = h;
            if (h != 0.0) {
                st.output->push(static_cast<std::uint32_t>(i), h);
                ++nonzero;
            }
        }
        st.counts->effective_macs += ops;
        st.counts->dense_ops += (s_.in + n) * (n + 1) + d + d * d + d + n * d;
        st.counts->membrane_updates += st.sample_start ? d + n : changed;
        st.counts->activations += n;
        st.counts->nonzero_activations += nonzero;
    }

private:
    double activate(double x) const {
        switch (s_.f) {
            case lmu_activation::tanh: return std::tanh(x);
            case lmu_activation::relu: return x > 0 ? x : 0.0;
            case lmu_activation::linear: return x;
        }
        return x;
    }

    lmu_setup s_;
    std::vector<double> m_, h_, m_next_, pre_;
    std::vector<std::uint64_t> x_column_nonzero_, h_column_nonzero_;
    std::uint64_t memory_nonzero_ = 0;
};

class lmu_kind final : public layer_kind {
public:
    lmu_kind() {
        schema_.push_back(param_def{.name = "order", .min = 1, .max = 4096,
                                    .doc = "d: Legendre polynomials the memory holds"});
        schema_.push_back(param_def{.name = "theta", .min = 0, .min_exclusive = true,
                                    .doc = "the window the memory holds, in steps"});
        schema_.push_back(param_def{.name = "activation", .default_value = 0.0,
                                    .doc = "f of the hidden state: \"tanh\" (keras-lmu), \"relu\" or \"linear\"",
                                    .choices = {"tanh", "relu", "linear"}});
    }
    std::string_view name() const override { return "lmu"; }
    std::string_view description() const override {
        return "Legendre Memory Unit cell: order-d memory of a theta-step window (ZOH), hidden state h = f(...)";
    }
    layer_role role() const override { return layer_role::activation; }
    bool internal_weights() const override { return true; }
    const param_schema& schema() const override { return schema_; }
    std::span<const layer_array_def> arrays() const override { return lmu_arrays; }

    tensor_shape output_shape(const validated_params& params, const layer_context& ctx) const override {
        return tensor_shape{{static_cast<std::uint32_t>(lowered(params, ctx).hidden)}};
    }
    layer_static static_figures(const validated_params&, const layer_context& ctx) const override {
        layer_static s = array_statics(ctx, lmu_arrays);
        for (const char* w : {"input_kernel", "hidden_kernel", "memory_kernel"}) {
            if (const tensor* t = ctx.array(w)) {
                s.weights += t->size();
                for (const double v : t->values) s.zero_weights += v == 0.0;
            }
        }
        return s;
    }
    std::unique_ptr<layer_op> make(const validated_params& params, const layer_context& ctx) const override {
        return std::make_unique<lmu_op>(lowered(params, ctx));
    }

private:
    static lmu_setup lowered(const validated_params& params, const layer_context& ctx) {
        lmu_setup s;
        s.order = whole(params, "order", ctx);
        const double theta = params.get("theta");
        s.f = static_cast<lmu_activation>(params.get("activation"));
        s.in = ctx.input.size();
        const tensor* w_x = &require_input_matrix(ctx, "input_kernel", "hidden");
        s.hidden = static_cast<std::size_t>(w_x->shape[0]);
        const auto in = static_cast<std::int64_t>(s.in), hidden = static_cast<std::int64_t>(s.hidden),
                   order = static_cast<std::int64_t>(s.order);
        s.w_x = w_x->values;
        s.e_x = require_shape(ctx, "input_encoders", {in}).values;
        s.e_h = optional_array(ctx, "hidden_encoders", {hidden});
        s.e_m = optional_array(ctx, "memory_encoders", {order});
        s.w_h = optional_array(ctx, "hidden_kernel", {hidden, hidden});
        s.w_m = optional_array(ctx, "memory_kernel", {hidden, order});
        s.bias = optional_array(ctx, "bias", {hidden});
        require_finite(ctx, {&s.w_x, &s.e_x, &s.e_h, &s.e_m, &s.w_h, &s.w_m, &s.bias});
        s.memory = zero_order_hold(lmu_continuous(s.order, theta), 1.0);
        return s;
    }

    param_schema schema_;
};

}  // namespace

std::unique_ptr<layer_kind> make_lmu_layer() { return std::make_unique<lmu_kind>(); }

}  // namespace fluxon
