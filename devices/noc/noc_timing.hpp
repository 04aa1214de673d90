#pragma once
// Timed delivery of spike messages over a topology, with link serialisation: a link carries
// one message per link_cycle, so messages that want the same link queue behind each other
// (first come, first served; ties broken by the order of the sends). Hardware time is an
// integer count of femtoseconds so that timings can be checked exactly by hand. Link
// occupancy persists across calls: congestion in one step delays messages of the next.
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "devices/noc/topology.hpp"

namespace fluxon {

using hw_time = std::int64_t;  // femtoseconds of hardware time
constexpr hw_time hw_fs_per_second = 1'000'000'000'000'000;
// Rounds seconds to the nearest femtosecond.
hw_time to_hw_time(double seconds);
inline double hw_seconds(hw_time t) { return static_cast<double>(t) / static_cast<double>(hw_fs_per_second); }

struct noc_send {
    hw_time inject = 0;  // when the message enters the router of from_tile
    std::uint32_t from_tile = 0, to_tile = 0;
};

class noc_timing {
public:
    // hop_latency[k]: time to cross one link of hop_kind k once the link is free.
    noc_timing(const noc_topology& topology, std::array<hw_time, 3> hop_latency, hw_time link_cycle);

    // Writes into arrivals[i] when sends[i] reaches the router of its to_tile (its inject time
    // when from_tile == to_tile). Each link is taken by messages in the order they reach it;
    // a message reaching a busy link waits until it is free. Sends may come in any order.
    void deliver(std::span<const noc_send> sends, std::span<hw_time> arrivals);

    // Messages that crossed each link so far.
    const std::vector<std::uint64_t>& link_messages() const { return link_messages_; }
    // Total time messages spent waiting for busy links so far.
    hw_time queueing_delay() const { return queueing_; }

private:
    const noc_topology& topology_;
    std::array<hw_time, 3> hop_latency_;
    hw_time link_cycle_;
    std::vector<hw_time> link_free_;
    std::vector<std::uint64_t> link_messages_;
    hw_time queueing_ = 0;
    // A message reaching the link of hop `hop` of its route at `time`.
    struct hop_event {
        hw_time time;
        std::uint32_t send, hop;
    };
    void grant(const hop_event& e, std::span<hw_time> arrivals);

    // Scratch kept between calls so that delivery does not allocate once warmed up.
    std::vector<route_hop> hops_;            // the routes of one batch, back to back
    std::vector<std::size_t> route_begin_;   // sends.size() + 1 offsets into hops_
    std::vector<hop_event> queue_;           // min-heap by (time, send, hop)
};

}  // namespace fluxon
