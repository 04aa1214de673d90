#include "neurons/layers/input.hpp"

#include <cmath>

#include <fmt/format.h>

namespace fluxon {
namespace {

const layer_array_def input_arrays[] = {
        {"data", true, "[steps, *shape]: one row per step"},
};

// The rows are read where the description holds them (it outlives the run): a dataset is
// often the largest array of a run, and is not copied.
class input_op final : public layer_op {
public:
    explicit input_op(const tensor& data) : data_(data.values) {
        rows_ = static_cast<std::size_t>(data.shape[0]);
        row_size_ = rows_ == 0 ? 0 : data_.size() / rows_;
    }

    void step(const layer_step& s) override {
        if (s.step < 0 || static_cast<std::size_t>(s.step) >= rows_) return;
        const double* row = &data_[static_cast<std::size_t>(s.step) * row_size_];
        for (std::size_t i = 0; i < row_size_; ++i) {
            if (row[i] != 0.0) s.output->push(static_cast<std::uint32_t>(i), row[i]);
        }
    }

private:
    std::span<const double> data_;
    std::size_t rows_ = 0, row_size_ = 0;
};

class input_kind final : public layer_kind {
public:
    input_kind() {
        schema_.push_back(param_def{.name = "steps_per_sample", .default_value = 0.0, .min = 0,
                                    .doc = "steps of each sample (stateful layers reset between samples); 0: one sample"});
    }
    std::string_view name() const override { return "input"; }
    std::string_view description() const override { return "the network's data, one row of `data` per step"; }
    layer_role role() const override { return layer_role::structural; }
    bool takes_input() const override { return false; }
    const param_schema& schema() const override { return schema_; }
    std::span<const layer_array_def> arrays() const override { return input_arrays; }

    tensor_shape output_shape(const validated_params&, const layer_context& ctx) const override {
        const tensor& d = data(ctx);
        tensor_shape s;
        for (std::size_t k = 1; k < d.shape.size(); ++k) s.dims.push_back(static_cast<std::uint32_t>(d.shape[k]));
        return s;
    }

    layer_static static_figures(const validated_params&, const layer_context&) const override { return {}; }

    std::unique_ptr<layer_op> make(const validated_params&, const layer_context& ctx) const override {
        return std::make_unique<input_op>(data(ctx));
    }

private:
    static const tensor& data(const layer_context& ctx) {
        const tensor* d = ctx.array("data");
        const error_site site = key_site(ctx, "data");
        if (d == nullptr) throw config_error(fmt::format("input layer '{}' needs 'data' of shape [steps, ...]", ctx.name), site);
        if (d->shape.size() < 2) {
            throw config_error(fmt::format("input layer '{}': 'data' has shape {}; expected [steps, *shape] with at "
                                           "least one dimension after the steps",
                                           ctx.name, to_string(*d)),
                               site);
        }
        for (const double v : d->values) {
            if (!std::isfinite(v)) {
                throw config_error(fmt::format("input layer '{}': 'data' holds {}; every value must be finite",
                                               ctx.name, v),
                                   site);
            }
        }
        return *d;
    }

    param_schema schema_;
};

}  // namespace

std::unique_ptr<layer_kind> make_input_layer() { return std::make_unique<input_kind>(); }

}  // namespace fluxon
