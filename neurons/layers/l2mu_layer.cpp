#include "neurons/layers/l2mu_layer.hpp"

#include <algorithm>

#include "neurons/layers/channel_array.hpp"
#include "neurons/layers/legendre_memory.hpp"
#include "neurons/layers/snntorch_leaky.hpp"

namespace fluxon {
namespace {

const layer_array_def l2mu_arrays[] = {
        {"input_encoders", true, "[memory_size, in]: E_x"},
        {"hidden_encoders", false, "[memory_size, hidden]: E_h; default zero"},
        {"memory_encoders", false, "[memory_size, memory_size * order]: E_m; default zero"},
        {"input_kernel", true, "[hidden, in]: W_x"},
        {"hidden_kernel", false, "[hidden, hidden]: W_h; default zero"},
        {"memory_kernel", false, "[hidden, memory_size * order]: W_m; default zero"},
};

// A matrix [rows, cols] applied to spike trains and events column by column: a column's
// non-zero entries are what one input event costs.
struct event_matrix {
    std::size_t rows = 0, cols = 0;
    std::vector<double> values;  // row-major
    std::vector<std::uint64_t> column_nonzero;

    event_matrix(std::size_t r, std::size_t c, std::vector<double> v) : rows(r), cols(c), values(std::move(v)) {
        column_nonzero.assign(cols, 0);
        for (std::size_t i = 0; i < rows; ++i) {
            for (std::size_t j = 0; j < cols; ++j) column_nonzero[j] += values[i * cols + j] != 0.0;
        }
    }
    // out += column j * x; returns the operations (the column's non-zero weights).
    std::uint64_t add_column(std::size_t j, double x, std::vector<double>& out) const {
        for (std::size_t i = 0; i < rows; ++i) out[i] += values[i * cols + j] * x;
        return column_nonzero[j];
    }
    std::uint64_t add_spikes(const std::vector<std::uint8_t>& spikes, std::vector<double>& out) const {
        std::uint64_t ops = 0;
        for (std::size_t j = 0; j < cols; ++j) {
            if (spikes[j] != 0) ops += add_column(j, 1.0, out);
        }
        return ops;
    }
};

struct l2mu_setup {
    std::size_t in = 0, hidden = 0, memory = 0, order = 0;
    lmu_system transition;  // a: T (A_d or its transpose), b: B_d
    event_matrix e_x, e_h, e_m, w_x, w_h, w_m;
    leaky_population u, m, h;
};

class l2mu_op final : public layer_op {
public:
    explicit l2mu_op(l2mu_setup s)
        : s_(std::move(s)),
          su_(s_.memory),
          sm_(s_.memory * s_.order),
          sh_(s_.hidden),
          sm_next_(sm_.size()),
          cur_u_(s_.memory),
          cur_m_(sm_.size()),
          cur_h_(s_.hidden) {
        for (std::size_t j = 0; j < s_.order; ++j) {
            std::uint64_t nonzero = 0;
            for (std::size_t i = 0; i < s_.order; ++i) nonzero += s_.transition.a[i * s_.order + j] != 0.0;
            transition_nonzero_.push_back(nonzero);
        }
        for (const double b : s_.transition.b) b_nonzero_ += b != 0.0;
    }

    void step(const layer_step& st) override {
        if (st.sample_start) {
            for (leaky_population* p : {&s_.u, &s_.m, &s_.h}) p->reset();
            std::fill(sm_.begin(), sm_.end(), 0);
            std::fill(sh_.begin(), sh_.end(), 0);
        }
        const event_batch& in = *st.input;
        const std::size_t d = s_.order;
        std::uint64_t input_ops = 0, spike_ops = 0;

        // The memory's input neurons, from x and the previous step's hidden and memory spikes.
        std::fill(cur_u_.begin(), cur_u_.end(), 0.0);
        for (std::size_t e = 0; e < in.size(); ++e) input_ops += s_.e_x.add_column(in.index[e], in.value[e], cur_u_);
        spike_ops += s_.e_h.add_spikes(sh_, cur_u_) + s_.e_m.add_spikes(sm_, cur_u_);
        std::uint64_t changed = s_.u.step(cur_u_, su_);

        // Each memory unit: its order-d spikes through T, and its input neuron's spike through B_d.
        std::fill(cur_m_.begin(), cur_m_.end(), 0.0);
        for (std::size_t q = 0; q < sm_.size(); ++q) {
            if (sm_[q] == 0) continue;
            const std::size_t unit = q / d, j = q % d;
            double* target = cur_m_.data() + unit * d;
            for (std::size_t i = 0; i < d; ++i) target[i] += s_.transition.a[i * d + j];
            spike_ops += transition_nonzero_[j];
        }
        for (std::size_t k = 0; k < s_.memory; ++k) {
            if (su_[k] == 0) continue;
            double* target = cur_m_.data() + k * d;
            for (std::size_t i = 0; i < d; ++i) target[i] += s_.transition.b[i];
            spike_ops += b_nonzero_;
        }
        changed += s_.m.step(cur_m_, sm_next_);

        // The hidden neurons, from x, the previous hidden spikes and this step's memory spikes.
        std::fill(cur_h_.begin(), cur_h_.end(), 0.0);
        for (std::size_t e = 0; e < in.size(); ++e) input_ops += s_.w_x.add_column(in.index[e], in.value[e], cur_h_);
        spike_ops += s_.w_h.add_spikes(sh_, cur_h_) + s_.w_m.add_spikes(sm_next_, cur_h_);
        changed += s_.h.step(cur_h_, sh_);
        std::swap(sm_, sm_next_);

        std::uint64_t fired = 0;
        for (std::size_t i = 0; i < s_.hidden; ++i) {
            if (sh_[i] == 0) continue;
            st.output->push(static_cast<std::uint32_t>(i), 1.0);
        }
        for (const auto* spikes : {&su_, &sm_, &sh_}) fired += static_cast<std::uint64_t>(std::count(spikes->begin(), spikes->end(), 1));
        const std::size_t neurons = su_.size() + sm_.size() + sh_.size();
        (in.binary() ? st.counts->effective_acs : st.counts->effective_macs) += input_ops;
        st.counts->effective_acs += spike_ops;
        st.counts->dense_ops += (s_.in + s_.hidden + sm_.size()) * (s_.memory + s_.hidden) + sm_.size() * (d + 1);
        st.counts->membrane_updates += st.sample_start ? neurons : changed;
        st.counts->activations += neurons;
        st.counts->nonzero_activations += fired;
    }

private:
    l2mu_setup s_;
    std::vector<std::uint8_t> su_, sm_, sh_, sm_next_;  // this step's spikes (sm_, sh_: the previous step's until updated)
    std::vector<double> cur_u_, cur_m_, cur_h_;
    std::vector<std::uint64_t> transition_nonzero_;
    std::uint64_t b_nonzero_ = 0;
};

class l2mu_kind final : public layer_kind {
public:
    l2mu_kind() {
        schema_.push_back(param_def{.name = "order", .min = 1, .max = 4096,
                                    .doc = "d: Legendre polynomials each memory unit holds"});
        schema_.push_back(param_def{.name = "theta", .min = 0, .min_exclusive = true,
                                    .doc = "the window the memory holds, in steps"});
        schema_.push_back(param_def{.name = "transition", .default_value = 0.0,
                                    .doc = "the memory's spikes through A_d (\"paper\") or A_d^T, as the released L2MU "
                                           "code computes (\"l2mu_code\")",
                                    .choices = {"paper", "l2mu_code"}});
        add_leaky_params(schema_, "_u", "the memory's input neurons");
        add_leaky_params(schema_, "_m", "the memory neurons");
        add_leaky_params(schema_, "_h", "the hidden neurons");
    }
    std::string_view name() const override { return "l2mu"; }
    std::string_view description() const override {
        return "spiking Legendre Memory Unit (L2MU): the LMU cell's input, memory and hidden state as snnTorch Leaky "
               "populations";
    }
    layer_role role() const override { return layer_role::activation; }
    bool internal_weights() const override { return true; }
    const param_schema& schema() const override { return schema_; }
    std::span<const layer_array_def> arrays() const override { return l2mu_arrays; }

    tensor_shape output_shape(const validated_params& params, const layer_context& ctx) const override {
        return tensor_shape{{static_cast<std::uint32_t>(lowered(params, ctx).hidden)}};
    }
    layer_static static_figures(const validated_params&, const layer_context& ctx) const override {
        layer_static s = array_statics(ctx, l2mu_arrays);
        for (const layer_array_def& a : l2mu_arrays) {
            if (const tensor* t = ctx.array(a.name)) {
                s.weights += t->size();
                for (const double v : t->values) s.zero_weights += v == 0.0;
            }
        }
        return s;
    }
    std::unique_ptr<layer_op> make(const validated_params& params, const layer_context& ctx) const override {
        return std::make_unique<l2mu_op>(lowered(params, ctx));
    }

private:
    static l2mu_setup lowered(const validated_params& params, const layer_context& ctx) {
        const std::size_t order = whole(params, "order", ctx), in = ctx.input.size();
        const tensor& e_x = require_input_matrix(ctx, "input_encoders", "memory_size");
        const tensor& w_x = require_input_matrix(ctx, "input_kernel", "hidden");
        const auto memory = static_cast<std::size_t>(e_x.shape[0]), hidden = static_cast<std::size_t>(w_x.shape[0]);
        const auto M = static_cast<std::int64_t>(memory), H = static_cast<std::int64_t>(hidden),
                   Md = static_cast<std::int64_t>(memory * order);
        std::vector<double> e_h = optional_array(ctx, "hidden_encoders", {M, H});
        std::vector<double> e_m = optional_array(ctx, "memory_encoders", {M, Md});
        std::vector<double> w_h = optional_array(ctx, "hidden_kernel", {H, H});
        std::vector<double> w_m = optional_array(ctx, "memory_kernel", {H, Md});
        require_finite(ctx, {&e_x.values, &w_x.values, &e_h, &e_m, &w_h, &w_m});
        lmu_system transition = zero_order_hold(lmu_continuous(static_cast<std::uint32_t>(order), params.get("theta")), 1.0);
        if (params.get("transition") == 1.0) {
            for (std::size_t i = 0; i < order; ++i) {
                for (std::size_t j = i + 1; j < order; ++j) std::swap(transition.a[i * order + j], transition.a[j * order + i]);
            }
        }
        return l2mu_setup{.in = in,
                          .hidden = hidden,
                          .memory = memory,
                          .order = order,
                          .transition = std::move(transition),
                          .e_x = event_matrix(memory, in, e_x.values),
                          .e_h = event_matrix(memory, hidden, std::move(e_h)),
                          .e_m = event_matrix(memory, memory * order, std::move(e_m)),
                          .w_x = event_matrix(hidden, in, w_x.values),
                          .w_h = event_matrix(hidden, hidden, std::move(w_h)),
                          .w_m = event_matrix(hidden, memory * order, std::move(w_m)),
                          .u = lower_leaky(params, "_u", memory),
                          .m = lower_leaky(params, "_m", memory * order),
                          .h = lower_leaky(params, "_h", hidden)};
    }

    param_schema schema_;
};

}  // namespace

std::unique_ptr<layer_kind> make_l2mu_layer() { return std::make_unique<l2mu_kind>(); }

}  // namespace fluxon
