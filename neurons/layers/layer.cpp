#include "neurons/layers/layer.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace fluxon {

std::size_t tensor_shape::size() const {
    std::size_t n = 1;
    for (const std::uint32_t d : dims) n *= d;
    return n;
}

std::string to_string(const tensor_shape& shape) { return fmt::format("[{}]", fmt::join(shape.dims, ", ")); }
std::string to_string(const tensor& t) { return fmt::format("[{}]", fmt::join(t.shape, ", ")); }

bool event_batch::binary() const {
    return std::all_of(value.begin(), value.end(), [](double v) { return v == 1.0 || v == -1.0 || v == 0.0; });
}

layer_counts& layer_counts::operator+=(const layer_counts& o) {
    effective_acs += o.effective_acs;
    effective_macs += o.effective_macs;
    dense_ops += o.dense_ops;
    activations += o.activations;
    nonzero_activations += o.nonzero_activations;
    membrane_updates += o.membrane_updates;
    accumulate_only += o.accumulate_only;
    bit_ops += o.bit_ops;
    return *this;
}

const tensor* layer_context::array(std::string_view name) const {
    if (arrays == nullptr) return nullptr;
    const auto it = arrays->find(std::string(name));
    return it == arrays->end() ? nullptr : &it->second;
}

void layer_registry::add(std::unique_ptr<layer_kind> kind) {
    if (find(kind->name()) != nullptr) throw internal_error(fmt::format("layer kind '{}' registered twice", kind->name()));
    kinds_.push_back(std::move(kind));
}

const layer_kind* layer_registry::find(std::string_view name) const {
    for (const auto& k : kinds_) {
        if (k->name() == name) return k.get();
    }
    return nullptr;
}

const layer_kind& layer_registry::get(std::string_view name, const error_site& site) const {
    if (const layer_kind* k = find(name)) return *k;
    throw config_error(fmt::format("unknown layer kind '{}'; the known kinds are: {}", name, fmt::join(names(), ", ")),
                       site);
}

std::vector<std::string> layer_registry::names() const {
    std::vector<std::string> out;
    for (const auto& k : kinds_) out.emplace_back(k->name());
    return out;
}

error_site key_site(const layer_context& ctx, std::string_view name) {
    error_site site = ctx.site;
    site.key = site.key.empty() ? std::string(name) : site.key + "." + std::string(name);
    return site;
}

std::vector<double> optional_array(const layer_context& ctx, std::string_view name, const std::vector<std::int64_t>& shape) {
    std::size_t size = 1;
    for (const std::int64_t d : shape) size *= static_cast<std::size_t>(d);
    if (ctx.array(name) == nullptr) return std::vector<double>(size, 0.0);
    return require_shape(ctx, name, shape).values;
}

void require_finite(const layer_context& ctx, std::initializer_list<const std::vector<double>*> arrays) {
    for (const auto* values : arrays) {
        for (const double v : *values) {
            if (!std::isfinite(v)) {
                throw config_error(fmt::format("layer '{}': an array holds {}; every value must be finite", ctx.name, v),
                                   ctx.site);
            }
        }
    }
}

const tensor& require_shape(const layer_context& ctx, std::string_view name, const std::vector<std::int64_t>& shape) {
    const tensor* t = ctx.array(name);
    const error_site site = key_site(ctx, name);
    if (t == nullptr) {
        throw config_error(fmt::format("layer '{}' needs the array '{}' of shape [{}]", ctx.name, name,
                                       fmt::join(shape, ", ")),
                           site);
    }
    if (t->shape != shape) {
        throw config_error(fmt::format("layer '{}': '{}' has shape {}, expected [{}] for its input of shape {}",
                                       ctx.name, name, to_string(*t), fmt::join(shape, ", "), to_string(ctx.input)),
                           site);
    }
    for (const double v : t->values) {
        if (!std::isfinite(v)) {
            throw config_error(fmt::format("layer '{}': '{}' holds {}; every value must be finite", ctx.name, name, v),
                               site);
        }
    }
    return *t;
}

const tensor& require_input_matrix(const layer_context& ctx, std::string_view name, std::string_view rows_word) {
    const tensor* w = ctx.array(name);
    const auto in = static_cast<std::int64_t>(ctx.input.size());
    if (w == nullptr || w->shape.size() != 2 || w->shape[0] < 1) {
        throw config_error(fmt::format("layer '{}' needs '{}' of shape [{}, {}] for its input of shape {}{}", ctx.name,
                                       name, rows_word, in, to_string(ctx.input),
                                       w == nullptr ? std::string() : ", got " + to_string(*w)),
                           key_site(ctx, name));
    }
    return require_shape(ctx, name, {w->shape[0], in});
}

std::uint32_t whole(const validated_params& params, const std::string& name, const layer_context& ctx) {
    const double v = params.get(name);
    if (v != std::floor(v) || v < 0 || v > 1e9) {
        throw config_error(fmt::format("layer '{}': {} must be a whole number >= 0, got {}", ctx.name, name, v),
                           key_site(ctx, name));
    }
    return static_cast<std::uint32_t>(v);
}

}  // namespace fluxon
