#include "devices/crossbar/plugin/crossbar_layer.hpp"

#include <cmath>

namespace fluxon {

crossbar_layer_op::crossbar_layer_op(std::unique_ptr<layer_op> exact, const crossbar_system& system,
                                     std::uint32_t matrix, std::uint32_t outputs, std::vector<double> bias)
    : exact_(std::move(exact)), reader_(system, matrix, 0, outputs), driver_(system.params().periphery),
      bias_(bias.empty() ? std::vector<double>(outputs, 0.0) : std::move(bias)) {}

void crossbar_layer_op::step(const layer_step& s) {
    exact_out_.clear();
    exact_->step(layer_step{s.step, s.sample_start, s.input, &exact_out_, s.counts});
    const event_batch& in = *s.input;
    acc_ = bias_;
    double scale = 0;
    bool uniform = true;
    for (const double v : in.value) scale = std::max(scale, std::abs(v));
    for (const double v : in.value) uniform = uniform && std::abs(v) == scale;
    for (const double sign : {1.0, -1.0}) {
        rows_.clear();
        values_.clear();
        for (std::size_t e = 0; e < in.size(); ++e) {
            if (in.value[e] * sign <= 0) continue;
            rows_.push_back(in.index[e]);
            values_.push_back(std::abs(in.value[e]) / scale);
        }
        if (rows_.empty()) continue;
        const std::uint64_t key = static_cast<std::uint64_t>(s.step) * 2 + (sign > 0 ? 0 : 1);
        if (uniform) {
            reader_.read(key, rows_, {}, sign * scale, acc_.data());
        } else {
            driver_.read(reader_, key, rows_, values_, sign * scale, acc_.data());
        }
    }
    // Both results are sorted by index: compare them entry by entry as they are emitted.
    std::size_t x = 0;
    for (std::size_t i = 0; i < acc_.size(); ++i) {
        double exact = 0;
        if (x < exact_out_.size() && exact_out_.index[x] == i) exact = exact_out_.value[x++];
        if (acc_[i] != 0.0) s.output->push(static_cast<std::uint32_t>(i), acc_[i]);
        if (acc_[i] != 0.0 || exact != 0.0) {
            ++error_.outputs;
            error_.sum_squared += (acc_[i] - exact) * (acc_[i] - exact);
            error_.sum_squared_exact += exact * exact;
        }
    }
}

}  // namespace fluxon
