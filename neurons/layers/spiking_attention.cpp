#include "neurons/layers/spiking_attention.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace fluxon {
namespace {

enum class attention_mode : std::uint8_t { linear, mask };

struct attention_setup {
    attention_mode mode = attention_mode::linear;
    std::size_t heads = 1, tokens = 0, channels = 0;  // channels: per head
    bool channels_first = false;                      // operands [heads * channels, tokens]
    double scale = 0.125;
    double tau = 2, v_threshold = 0.5;  // mask mode's LIF
};

class attention_op final : public layer_op {
public:
    explicit attention_op(attention_setup s)
        : s_(s), kv_(s.heads * s.channels * (s.mode == attention_mode::linear ? s.channels : 1), 0.0),
          out_(s.heads * s.tokens * s.channels, 0.0), v_(s.mode == attention_mode::mask ? s.heads * s.channels : 0, 0.0) {
        if (!s_.channels_first) return;
        // Entry (head h, channel j, token n) of [C, N] is (h, n, j) of the [heads, N, d] the
        // passes below work in.
        to_heads_.resize(out_.size());
        for (std::size_t c = 0; c < s_.heads * s_.channels; ++c) {
            const std::size_t h = c / s_.channels, j = c % s_.channels;
            for (std::size_t n = 0; n < s_.tokens; ++n) {
                to_heads_[c * s_.tokens + n] = static_cast<std::uint32_t>((h * s_.tokens + n) * s_.channels + j);
            }
        }
    }

    void step(const layer_step& st) override {
        const event_batch* operands[3] = {st.inputs[0], st.inputs[1], st.inputs[2]};
        if (s_.channels_first) {
            for (std::size_t i = 0; i < 3; ++i) operands[i] = &to_head_major(*operands[i], permuted_[i]);
        }
        const event_batch& q = *operands[0];
        const event_batch& k = *operands[1];
        const event_batch& v = *operands[2];
        const bool binary = q.binary() && k.binary() && v.binary();
        const std::uint64_t ops = s_.mode == attention_mode::linear ? linear(q, k, v) : mask(st, q, k, v);
        (binary ? st.counts->effective_acs : st.counts->effective_macs) += ops;
        if (binary) st.counts->accumulate_only += ops;
        const std::size_t per_head = s_.tokens * s_.channels;
        st.counts->dense_ops += s_.heads * (s_.mode == attention_mode::linear ? 2 * per_head * s_.channels : per_head);
        std::uint64_t nonzero = 0;
        for (std::size_t i = 0; i < out_.size(); ++i) {
            const double a = out_[s_.channels_first ? to_heads_[i] : i];
            if (a == 0.0) continue;
            st.output->push(static_cast<std::uint32_t>(i), a);
            ++nonzero;
        }
        st.counts->activations += out_.size();
        st.counts->nonzero_activations += nonzero;
    }

private:
    // `b`'s events at their head-major index, sorted as the passes expect.
    const event_batch& to_head_major(const event_batch& b, event_batch& into) {
        order_.clear();
        for (std::size_t e = 0; e < b.size(); ++e) order_.emplace_back(to_heads_[b.index[e]], b.value[e]);
        std::sort(order_.begin(), order_.end());
        into.clear();
        for (const auto& [i, value] : order_) into.push(i, value);
        return into;
    }

    // The events of one token of one head: [begin, end) of a batch sorted by flat index.
    std::pair<std::size_t, std::size_t> token(const event_batch& b, std::size_t first, std::size_t& cursor) const {
        const std::size_t begin = cursor;
        while (cursor < b.size() && b.index[cursor] < first + s_.channels) ++cursor;
        return {begin, cursor};
    }

    std::uint64_t linear(const event_batch& q, const event_batch& k, const event_batch& v) {
        const std::size_t d = s_.channels;
        std::fill(kv_.begin(), kv_.end(), 0.0);
        std::fill(out_.begin(), out_.end(), 0.0);
        std::uint64_t ops = 0;
        std::size_t ck = 0, cv = 0;
        for (std::size_t h = 0; h < s_.heads; ++h) {
            double* kv = &kv_[h * d * d];
            for (std::size_t n = 0; n < s_.tokens; ++n) {
                const std::size_t first = (h * s_.tokens + n) * d;
                const auto [kb, ke] = token(k, first, ck);
                const auto [vb, ve] = token(v, first, cv);
                for (std::size_t a = kb; a < ke; ++a) {
                    for (std::size_t b = vb; b < ve; ++b) {
                        kv[(k.index[a] - first) * d + (v.index[b] - first)] += k.value[a] * v.value[b];
                    }
                }
                ops += (ke - kb) * (ve - vb);
            }
        }
        for (std::size_t e = 0; e < q.size(); ++e) {
            const std::size_t at = q.index[e], h = at / (s_.tokens * d), i = at % d;
            const double* row = &kv_[(h * d + i) * d];
            double* out = &out_[at - i];
            for (std::size_t j = 0; j < d; ++j) {
                if (row[j] == 0.0) continue;
                out[j] += q.value[e] * row[j];
                ++ops;
            }
        }
        for (double& a : out_) a *= s_.scale;
        return ops;
    }

    std::uint64_t mask(const layer_step& st, const event_batch& q, const event_batch& k, const event_batch& v) {
        const std::size_t d = s_.channels;
        if (st.sample_start) std::fill(v_.begin(), v_.end(), 0.0);
        std::fill(kv_.begin(), kv_.end(), 0.0);
        std::fill(out_.begin(), out_.end(), 0.0);
        std::uint64_t ops = 0;
        // Sum over tokens of K AND V: a merge of the two sorted batches.
        for (std::size_t a = 0, b = 0; a < k.size() && b < v.size();) {
            if (k.index[a] < v.index[b]) {
                ++a;
            } else if (v.index[b] < k.index[a]) {
                ++b;
            } else {
                const std::size_t at = k.index[a], h = at / (s_.tokens * d);
                kv_[h * d + at % d] += k.value[a] * v.value[b];
                ++ops;
                ++a;
                ++b;
            }
        }
        // The talking-heads LIF on the column sums, then Q where the mask fires.
        std::uint64_t changed = 0;
        std::vector<bool> fired(kv_.size(), false);
        for (std::size_t c = 0; c < kv_.size(); ++c) {
            const double before = v_[c];
            double h = before + (kv_[c] - before) / s_.tau;
            if (h >= s_.v_threshold) {
                fired[c] = true;
                h = 0.0;
            }
            changed += h != before;
            v_[c] = h;
        }
        st.counts->membrane_updates += st.sample_start ? v_.size() : changed;
        for (std::size_t e = 0; e < q.size(); ++e) {
            const std::size_t at = q.index[e], h = at / (s_.tokens * d);
            if (fired[h * d + at % d]) out_[at] = q.value[e];
        }
        return ops;
    }

    attention_setup s_;
    std::vector<double> kv_, out_, v_;
    std::vector<std::uint32_t> to_heads_;  // channels_first: flat [C, N] index -> [heads, N, d]
    event_batch permuted_[3];
    std::vector<std::pair<std::uint32_t, double>> order_;
};

class attention_kind final : public layer_kind {
public:
    attention_kind() {
        schema_.push_back(param_def{.name = "mode", .default_value = 0.0,
                                    .doc = "\"linear\": Q (K^T V) scale (Spikformer SSA, SDT-V2); \"mask\": Q AND "
                                           "LIF(column sum of K AND V) (SDT-V1 SDSA)",
                                    .choices = {"linear", "mask"}});
        schema_.push_back(param_def{.name = "scale", .default_value = 0.125, .doc = "linear mode's scale"});
        schema_.push_back(param_def{.name = "tau", .default_value = 2.0, .min = 1, .min_exclusive = true,
                                    .doc = "mask mode's LIF time constant, in steps"});
        schema_.push_back(param_def{.name = "v_threshold", .default_value = 0.5, .min = 0, .min_exclusive = true,
                                    .doc = "mask mode's LIF threshold (spike where v >= it)"});
        schema_.push_back(param_def{.name = "layout", .default_value = 0.0,
                                    .doc = "\"tokens_channels\": operands [tokens, channels] or [heads, tokens, "
                                           "channels]; \"channels_tokens\": [channels, ...] as conv layers make them, "
                                           "channels split into `heads` groups",
                                    .choices = {"tokens_channels", "channels_tokens"}});
        schema_.push_back(param_def{.name = "heads", .default_value = 1.0, .min = 1, .max = 65536,
                                    .doc = "channels_tokens layout: heads the channels are split into"});
    }
    std::string_view name() const override { return "spiking_attention"; }
    std::string_view description() const override {
        return "self-attention of Q, K, V event streams without softmax: Q (K^T V) scale, or SDT's mask Q AND "
               "LIF(sum K AND V)";
    }
    layer_role role() const override { return layer_role::activation; }
    const param_schema& schema() const override { return schema_; }
    std::span<const layer_array_def> arrays() const override { return {}; }
    std::size_t separate_inputs() const override { return 3; }

    tensor_shape output_shape(const validated_params& params, const layer_context& ctx) const override {
        lowered(params, ctx);
        return ctx.input;
    }
    layer_static static_figures(const validated_params&, const layer_context&) const override { return {}; }
    std::unique_ptr<layer_op> make(const validated_params& params, const layer_context& ctx) const override {
        return std::make_unique<attention_op>(lowered(params, ctx));
    }

private:
    static attention_setup lowered(const validated_params& params, const layer_context& ctx) {
        const tensor_shape& q = ctx.inputs.at(0);
        const bool channels_first = params.get("layout") == 1.0;
        if (channels_first ? q.dims.size() < 2 : q.dims.size() != 2 && q.dims.size() != 3) {
            throw config_error(fmt::format("layer '{}': Q, K and V are {}; Q has shape {}", ctx.name,
                                           channels_first ? "[channels, tokens...] (layout \"channels_tokens\")"
                                                          : "[tokens, channels] or [heads, tokens, channels]",
                                           to_string(q)),
                               key_site(ctx, "input"));
        }
        for (std::size_t k = 1; k < 3; ++k) {
            if (ctx.inputs[k] != q) {
                throw config_error(fmt::format("layer '{}': Q has shape {} but {} has {}; they must agree", ctx.name,
                                               to_string(q), k == 1 ? "K" : "V", to_string(ctx.inputs[k])),
                                   key_site(ctx, "input"));
            }
        }
        attention_setup s;
        s.mode = static_cast<attention_mode>(params.get("mode"));
        s.channels_first = channels_first;
        if (channels_first) {
            s.heads = whole(params, "heads", ctx);
            if (q.dims[0] % s.heads != 0) {
                throw config_error(fmt::format("layer '{}': {} channels do not split into {} heads", ctx.name,
                                               q.dims[0], s.heads),
                                   key_site(ctx, "heads"));
            }
            s.channels = q.dims[0] / s.heads;
            s.tokens = q.size() / q.dims[0];
        } else {
            if (params.get("heads") != 1.0) {
                throw config_error(fmt::format("layer '{}': heads is for layout \"channels_tokens\"; operands "
                                               "[heads, tokens, channels] give their heads",
                                               ctx.name),
                                   key_site(ctx, "heads"));
            }
            s.heads = q.dims.size() == 3 ? q.dims[0] : 1;
            s.tokens = q.dims[q.dims.size() - 2];
            s.channels = q.dims.back();
        }
        s.scale = params.get("scale");
        s.tau = params.get("tau");
        s.v_threshold = params.get("v_threshold");
        return s;
    }

    param_schema schema_;
};

}  // namespace

std::unique_ptr<layer_kind> make_spiking_attention_layer() { return std::make_unique<attention_kind>(); }

}  // namespace fluxon
