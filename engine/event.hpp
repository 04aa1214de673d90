#pragma once
// Events and their deterministic total order: (time, priority class, source unit, per-source
// sequence). Ties are broken by model identity, never by insertion order, so the order does
// not depend on how units are spread over threads.
#include <cstdint>
#include <tuple>

#include "engine/base/time.hpp"

namespace fluxon {

using unit_id = std::uint32_t;

// Among events at the same tick: clocked steps first, then device actions, then recording.
enum class priority_class : std::uint8_t { step = 0, device = 1, record = 2 };

struct event {
    tick_t time = 0;
    priority_class priority = priority_class::device;
    unit_id source = 0;
    std::uint64_t seq = 0;
    unit_id target = 0;
    std::uint32_t port = 0;
    double value = 0;  // graded payload; binary pulses leave it 0
};

inline bool comes_after(const event& a, const event& b) {
    return std::tie(a.time, a.priority, a.source, a.seq) > std::tie(b.time, b.priority, b.source, b.seq);
}

struct event_later {
    bool operator()(const event& a, const event& b) const { return comes_after(a, b); }
};

}  // namespace fluxon
