#include "neurons/layers/egru_layer.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include <fmt/format.h>

#include "neurons/layers/channel_array.hpp"

namespace fluxon {
namespace {

const layer_array_def egru_arrays[] = {
        {"w_update", true, "[hidden, in]: W_u"},
        {"w_reset", false, "[hidden, in]: W_r; default zero"},
        {"w_candidate", false, "[hidden, in]: W_z; default zero"},
        {"u_update", false, "[hidden, hidden]: U_u; default zero"},
        {"u_reset", false, "[hidden, hidden]: U_r; default zero"},
        {"u_candidate", false, "[hidden, hidden]: U_z; default zero"},
        {"b_update", false, "[hidden]; default zero"},
        {"b_reset", false, "[hidden]; default zero"},
        {"b_candidate", false, "[hidden]; default zero"},
        {"threshold", true, "[hidden]: a unit emits when c > threshold"},
};

enum class egru_reset : std::uint8_t { output, threshold };
enum gate : std::size_t { update, reset, candidate };

struct egru_setup {
    std::size_t in = 0, hidden = 0;
    std::array<std::vector<double>, 3> w, u, b;  // per gate
    std::vector<double> threshold;
    egru_reset reset_mode = egru_reset::output;
};

// Non-zero entries of each column of the three [hidden, cols] matrices together: the
// synaptic operations one event of that column costs.
std::vector<std::uint64_t> column_nonzeros(const std::array<std::vector<double>, 3>& m, std::size_t rows,
                                           std::size_t cols) {
    std::vector<std::uint64_t> n(cols, 0);
    for (const auto& matrix : m) {
        for (std::size_t i = 0; i < rows; ++i) {
            for (std::size_t j = 0; j < cols; ++j) n[j] += matrix[i * cols + j] != 0.0;
        }
    }
    return n;
}

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

class egru_op final : public layer_op {
public:
    explicit egru_op(egru_setup s)
        : s_(std::move(s)), c_(s_.hidden, 0.0), y_(s_.hidden, 0.0), next_y_(s_.hidden, 0.0),
          x_ops_(column_nonzeros(s_.w, s_.hidden, s_.in)), y_ops_(column_nonzeros(s_.u, s_.hidden, s_.hidden)) {
        for (auto& g : pre_) g.resize(s_.hidden);
        recurrent_z_.resize(s_.hidden);
    }

    void step(const layer_step& st) override {
        if (st.sample_start) {
            std::fill(c_.begin(), c_.end(), 0.0);
            std::fill(y_.begin(), y_.end(), 0.0);
        }
        const event_batch& in = *st.input;
        const std::size_t n = s_.hidden;
        for (std::size_t g = 0; g < 3; ++g) pre_[g] = s_.b[g];
        std::fill(recurrent_z_.begin(), recurrent_z_.end(), 0.0);
        std::uint64_t input_ops = 0, recurrent_ops = 0;
        for (std::size_t e = 0; e < in.size(); ++e) {
            const std::size_t j = in.index[e];
            for (std::size_t g = 0; g < 3; ++g) {
                for (std::size_t i = 0; i < n; ++i) pre_[g][i] += s_.w[g][i * s_.in + j] * in.value[e];
            }
            input_ops += x_ops_[j];
        }
        // Only the units that emitted at t-1 reach the others.
        for (std::size_t j = 0; j < n; ++j) {
            const double y = y_[j];
            if (y == 0.0) continue;
            for (std::size_t i = 0; i < n; ++i) {
                pre_[update][i] += s_.u[update][i * n + j] * y;
                pre_[reset][i] += s_.u[reset][i * n + j] * y;
                recurrent_z_[i] += s_.u[candidate][i * n + j] * y;
            }
            recurrent_ops += y_ops_[j];
        }
        std::uint64_t changed = 0, emitted = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const double u = sigmoid(pre_[update][i]);
            const double r = sigmoid(pre_[reset][i]);
            const double z = std::tanh(pre_[candidate][i] + r * recurrent_z_[i]);
            const double subtract =
                    s_.reset_mode == egru_reset::output ? y_[i] : (y_[i] != 0.0 ? s_.threshold[i] : 0.0);
            const double c = u * z + (1.0 - u) * c_[i] - subtract;
            changed += c != c_[i];
            c_[i] = c;
            next_y_[i] = c > s_.threshold[i] ? c : 0.0;
            if (next_y_[i] != 0.0) {
                st.output->push(static_cast<std::uint32_t>(i), next_y_[i]);
                ++emitted;
            }
        }
        std::swap(y_, next_y_);
        // The recurrent events carry values: MACs. The input's are ACs when it is binary.
        (in.binary() ? st.counts->effective_acs : st.counts->effective_macs) += input_ops;
        st.counts->effective_macs += recurrent_ops;
        st.counts->dense_ops += 3 * n * (s_.in + n);
        st.counts->membrane_updates += st.sample_start ? n : changed;
        st.counts->activations += n;
        st.counts->nonzero_activations += emitted;
    }

private:
    egru_setup s_;
    std::vector<double> c_, y_, next_y_, recurrent_z_;
    std::array<std::vector<double>, 3> pre_;
    std::vector<std::uint64_t> x_ops_, y_ops_;
};

class egru_kind final : public layer_kind {
public:
    egru_kind() {
        schema_.push_back(param_def{.name = "reset", .default_value = 0.0,
                                    .doc = "what an emitting unit's c loses at the next step: \"output\" (its "
                                           "event's value, the paper's form) or \"threshold\"",
                                    .choices = {"output", "threshold"}});
    }
    std::string_view name() const override { return "egru"; }
    std::string_view description() const override {
        return "event-based GRU (Subramoney et al. 2023): units emit their state c as a graded event when c > "
               "threshold; only emitted events reach the recurrent weights";
    }
    layer_role role() const override { return layer_role::activation; }
    bool internal_weights() const override { return true; }
    const param_schema& schema() const override { return schema_; }
    std::span<const layer_array_def> arrays() const override { return egru_arrays; }

    tensor_shape output_shape(const validated_params& params, const layer_context& ctx) const override {
        return tensor_shape{{static_cast<std::uint32_t>(lowered(params, ctx).hidden)}};
    }
    layer_static static_figures(const validated_params&, const layer_context& ctx) const override {
        layer_static s = array_statics(ctx, egru_arrays);
        for (const char* w : {"w_update", "w_reset", "w_candidate", "u_update", "u_reset", "u_candidate"}) {
            if (const tensor* t = ctx.array(w)) {
                s.weights += t->size();
                for (const double v : t->values) s.zero_weights += v == 0.0;
            }
        }
        return s;
    }
    std::unique_ptr<layer_op> make(const validated_params& params, const layer_context& ctx) const override {
        return std::make_unique<egru_op>(lowered(params, ctx));
    }

private:
    static egru_setup lowered(const validated_params& params, const layer_context& ctx) {
        egru_setup s;
        s.reset_mode = static_cast<egru_reset>(params.get("reset"));
        s.in = ctx.input.size();
        const tensor& w_u = require_input_matrix(ctx, "w_update", "hidden");
        s.hidden = static_cast<std::size_t>(w_u.shape[0]);
        const auto in = static_cast<std::int64_t>(s.in), hidden = static_cast<std::int64_t>(s.hidden);
        s.w = {w_u.values, optional_array(ctx, "w_reset", {hidden, in}), optional_array(ctx, "w_candidate", {hidden, in})};
        s.u = {optional_array(ctx, "u_update", {hidden, hidden}), optional_array(ctx, "u_reset", {hidden, hidden}),
               optional_array(ctx, "u_candidate", {hidden, hidden})};
        s.b = {optional_array(ctx, "b_update", {hidden}), optional_array(ctx, "b_reset", {hidden}),
               optional_array(ctx, "b_candidate", {hidden})};
        s.threshold = require_shape(ctx, "threshold", {hidden}).values;
        require_finite(ctx, {&s.w[0], &s.w[1], &s.w[2], &s.u[0], &s.u[1], &s.u[2], &s.b[0], &s.b[1], &s.b[2],
                             &s.threshold});
        return s;
    }

    param_schema schema_;
};

}  // namespace

std::unique_ptr<layer_kind> make_egru_layer() { return std::make_unique<egru_kind>(); }

}  // namespace fluxon
