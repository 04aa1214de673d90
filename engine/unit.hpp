#pragma once
// Units are everything that acts: a slice of a neuron population, a device, a router. They
// exchange events only through links (which carry a latency) or by scheduling their own
// future events (clocks). Each unit lives on one shard and is only touched by that shard's
// thread during a window.
#include <cstdint>

#include "engine/event.hpp"

namespace fluxon {

class unit_context;

// Cache-line aligned: units of different shards are allocated side by side and written every step.
class alignas(64) unit {
public:
    virtual ~unit() = default;
    // Schedules the unit's first events; called once before the run.
    virtual void start(unit_context&) {}
    // Called on the unit's shard at the start of every window, before its events.
    virtual void on_window_start(tick_t /*window_start*/) {}
    virtual void handle(const event& ev, unit_context& ctx) = 0;

    unit_id id() const { return id_; }
    // Set once by the engine when the unit is added.
    void assign_id(unit_id id) { id_ = id; }
    // The sequence number of the unit's next event (the last key of the event order). Kept in
    // the unit, which only its shard's thread touches: in a shared array, counters of units on
    // different shards would share cache lines that both threads write every step.
    std::uint64_t next_sequence() { return next_seq_++; }

private:
    unit_id id_ = 0;
    std::uint64_t next_seq_ = 0;
};

// A directed connection from a unit to a port of another, with a latency > 0.
struct link {
    unit_id source = 0;
    unit_id target = 0;
    std::uint32_t port = 0;
    tick_t latency = 1;
};

// What a unit may do while it is being run: read the time, schedule its own events, send
// events through its links.
class unit_context {
public:
    virtual ~unit_context() = default;
    virtual tick_t now() const = 0;
    virtual tick_t window_end() const = 0;
    virtual void schedule_self(unit_id self, tick_t at, priority_class priority, std::uint32_t port,
                               double value) = 0;
    // Sends `value` through link `link_index`; it arrives at now() + delay + latency.
    virtual void send(std::uint32_t link_index, double value, tick_t delay = 0) = 0;
};

}  // namespace fluxon
