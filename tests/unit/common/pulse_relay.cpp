#include "tests/unit/common/pulse_relay.hpp"

#include <algorithm>
#include <numeric>

namespace fluxon {

void pulse_relay::handle(const event& ev, unit_context& ctx) {
    ++pulses_;
    for (std::uint32_t out : outputs_) ctx.send(out, ev.value);
}

pulse_source::pulse_source(std::vector<tick_t> times, std::vector<double> values) {
    std::vector<std::size_t> order(times.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return times[a] < times[b]; });
    for (std::size_t k : order) {
        times_.push_back(times[k]);
        values_.push_back(k < values.size() ? values[k] : 0.0);
    }
}

void pulse_source::start(unit_context& ctx) {
    // One self-event per pulse: the port carries the pulse's index.
    for (std::size_t k = 0; k < times_.size(); ++k) {
        ctx.schedule_self(id(), times_[k], priority_class::device, static_cast<std::uint32_t>(k), values_[k]);
    }
}

void pulse_source::handle(const event& ev, unit_context& ctx) {
    for (std::uint32_t out : outputs_) ctx.send(out, ev.value);
}

}  // namespace fluxon
