#include "devices/noc/noc_timing.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "engine/base/errors.hpp"

namespace fluxon {

namespace {

constexpr const char* latency_keys[3] = {"noc.hop_east_west.latency", "noc.hop_north_south.latency",
                                         "noc.hop_tree.latency"};

// Orders a std heap (a max-heap) so that the earliest hop event, by (time, send, hop), is on top.
constexpr auto later = [](const auto& a, const auto& b) {
    if (a.time != b.time) return a.time > b.time;
    if (a.send != b.send) return a.send > b.send;
    return a.hop > b.hop;
};

hw_time add_time(hw_time a, hw_time b) {
    hw_time out = 0;
    if (__builtin_add_overflow(a, b, &out)) {
        throw time_error("network-on-chip time overflows 64-bit femtoseconds (about 2.5 hours)", {});
    }
    return out;
}

}  // namespace

hw_time to_hw_time(double seconds) {
    if (std::isnan(seconds) || seconds < 0) {
        throw time_error(fmt::format("hardware time {} s is not a non-negative time", seconds), {});
    }
    const long double fs = static_cast<long double>(seconds) * hw_fs_per_second;
    // 2^63 itself is not representable, hence the strict bound (which also refuses infinity).
    if (!(fs < 9.2233720368547758e18L)) {
        throw time_error(fmt::format("hardware time {} s overflows 64-bit femtoseconds (at most {:.4g} s)",
                                     seconds, std::numeric_limits<hw_time>::max() / double(hw_fs_per_second)),
                         {});
    }
    return static_cast<hw_time>(std::roundl(fs));
}

noc_timing::noc_timing(const noc_topology& topology, std::array<hw_time, 3> hop_latency, hw_time link_cycle)
    : topology_(topology), hop_latency_(hop_latency), link_cycle_(link_cycle),
      // A link nobody used yet is free since the beginning of time, whatever the inject times.
      link_free_(topology.links(), std::numeric_limits<hw_time>::min()),
      link_messages_(topology.links(), 0) {
    // Negative durations would let a message leave a link before it reached it and break the
    // time order the first-come-first-served grant relies on.
    for (std::size_t k = 0; k < hop_latency_.size(); ++k) {
        if (hop_latency_[k] < 0) {
            throw config_error(fmt::format("hop latency {} fs is negative", hop_latency_[k]),
                               {.key = latency_keys[k]});
        }
    }
    if (link_cycle_ < 0) {
        throw config_error(fmt::format("link cycle {} fs is negative", link_cycle_),
                           {.key = "noc.link_cycle"});
    }
}

void noc_timing::deliver(std::span<const noc_send> sends, std::span<hw_time> arrivals) {
    if (sends.size() != arrivals.size()) {
        throw internal_error(fmt::format("noc delivery of {} sends into {} arrivals", sends.size(),
                                         arrivals.size()));
    }
    if (sends.size() > std::numeric_limits<std::uint32_t>::max()) {
        throw internal_error(fmt::format("noc delivery of {} sends in one batch", sends.size()));
    }
    hops_.clear();
    route_begin_.clear();
    queue_.clear();
    for (std::uint32_t i = 0; i < sends.size(); ++i) {
        route_begin_.push_back(hops_.size());
        topology_.route(sends[i].from_tile, sends[i].to_tile, hops_);
        if (hops_.size() == route_begin_.back()) {
            arrivals[i] = sends[i].inject;
        } else {
            queue_.push_back({sends[i].inject, i, 0});
        }
    }
    route_begin_.push_back(hops_.size());
    // Hop by hop across the whole batch in time order, so that every link is granted in the
    // order messages reach it, whichever message was listed first.
    std::make_heap(queue_.begin(), queue_.end(), later);
    while (!queue_.empty()) {
        std::pop_heap(queue_.begin(), queue_.end(), later);
        const hop_event e = queue_.back();
        queue_.pop_back();
        grant(e, arrivals);
    }
}

// The message of `e` takes its link as soon as the link is free, then crosses it; the next hop
// (if any) is queued behind the events already due.
void noc_timing::grant(const hop_event& e, std::span<hw_time> arrivals) {
    const route_hop& h = hops_[route_begin_[e.send] + e.hop];
    hw_time& free = link_free_[h.link];
    const hw_time start = std::max(e.time, free);
    queueing_ = add_time(queueing_, start - e.time);
    free = add_time(start, link_cycle_);
    ++link_messages_[h.link];
    const hw_time reached = add_time(start, hop_latency_[static_cast<std::size_t>(h.kind)]);
    if (route_begin_[e.send] + e.hop + 1 < route_begin_[e.send + 1]) {
        queue_.push_back({reached, e.send, e.hop + 1});
        std::push_heap(queue_.begin(), queue_.end(), later);
    } else {
        arrivals[e.send] = reached;
    }
}

}  // namespace fluxon
