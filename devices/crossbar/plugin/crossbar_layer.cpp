#include "devices/crossbar/plugin/crossbar_layer.hpp"

#include <algorithm>
#include <cmath>

namespace fluxon {

crossbar_layer_op::crossbar_layer_op(std::unique_ptr<layer_op> exact, const crossbar_system& system,
                                     std::uint32_t matrix, std::uint32_t channels, std::uint32_t positions,
                                     std::vector<double> bias)
    : exact_(std::move(exact)), reader_(system, matrix, 0, channels), driver_(system.params().periphery),
      channels_(channels), positions_(positions), acc_(std::size_t{channels} * positions, 0.0),
      column_sums_(channels) {
    bias_.assign(acc_.size(), 0.0);
    for (std::size_t c = 0; c < bias.size(); ++c) {
        std::fill_n(bias_.begin() + static_cast<std::ptrdiff_t>(c * positions), positions, bias[c]);
    }
}

void crossbar_layer_op::step(const layer_step& s) {
    exact_out_.clear();
    exact_->step(layer_step{s.step, s.sample_start, s.input, &exact_out_, s.counts, s.inputs});
    const event_batch& in = *s.input;
    acc_ = bias_;
    double scale = 0;
    for (const double v : in.value) scale = std::max(scale, std::abs(v));
    const bool uniform = std::all_of(in.value.begin(), in.value.end(), [&](double v) { return std::abs(v) == scale; });
    entries_.clear();
    for (std::size_t e = 0; e < in.size(); ++e) {
        position_row_.clear();
        if (!exact_->unfold(in.index[e], position_row_)) position_row_.emplace_back(0, in.index[e]);
        for (const auto& [position, row] : position_row_) entries_.push_back({position, row, in.value[e]});
    }
    std::sort(entries_.begin(), entries_.end(), [](const unfolded& a, const unfolded& b) {
        return a.position != b.position ? a.position < b.position : a.row < b.row;
    });
    for (std::size_t begin = 0; begin < entries_.size();) {
        const std::uint32_t position = entries_[begin].position;
        std::size_t end = begin;
        while (end < entries_.size() && entries_[end].position == position) ++end;
        std::fill(column_sums_.begin(), column_sums_.end(), 0.0);
        for (const double sign : {1.0, -1.0}) {
            rows_.clear();
            values_.clear();
            for (std::size_t k = begin; k < end; ++k) {
                if (entries_[k].value * sign <= 0) continue;
                rows_.push_back(entries_[k].row);
                values_.push_back(std::abs(entries_[k].value) / scale);
            }
            if (rows_.empty()) continue;
            const std::uint64_t key =
                    (static_cast<std::uint64_t>(s.step) * positions_ + position) * 2 + (sign > 0 ? 0 : 1);
            if (uniform) {
                reader_.read(key, rows_, {}, sign * scale, column_sums_.data());
            } else {
                driver_.read(reader_, key, rows_, values_, sign * scale, column_sums_.data());
            }
        }
        for (std::uint32_t c = 0; c < channels_; ++c) acc_[std::size_t{c} * positions_ + position] += column_sums_[c];
        begin = end;
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
