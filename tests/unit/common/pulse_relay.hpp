#pragma once
// Pure event-driven test units with no clock: a relay that forwards every pulse it receives
// through its output links (each link adds its latency), a source that emits pulses at given
// ticks, and a sink that records arrival times. They exercise the engine's event order and
// links at its finest time resolution.
#include <cstdint>
#include <vector>

#include "engine/unit.hpp"

namespace fluxon {

class pulse_relay final : public unit {
public:
    void add_output(std::uint32_t link_index) { outputs_.push_back(link_index); }
    void handle(const event& ev, unit_context& ctx) override;
    std::int64_t pulses() const { return pulses_; }

private:
    std::vector<std::uint32_t> outputs_;
    std::int64_t pulses_ = 0;
};

class pulse_source final : public unit {
public:
    // Pulses at these ticks (sorted on construction), with these payloads (or 0).
    explicit pulse_source(std::vector<tick_t> times, std::vector<double> values = {});
    void add_output(std::uint32_t link_index) { outputs_.push_back(link_index); }
    void start(unit_context& ctx) override;
    void handle(const event& ev, unit_context& ctx) override;

private:
    std::vector<tick_t> times_;
    std::vector<double> values_;
    std::vector<std::uint32_t> outputs_;
};

class pulse_sink final : public unit {
public:
    struct arrival {
        tick_t time;
        unit_id from;
        std::uint32_t port;
        double value;
    };
    void handle(const event& ev, unit_context&) override { arrivals_.push_back({ev.time, ev.source, ev.port, ev.value}); }
    const std::vector<arrival>& arrivals() const { return arrivals_; }

private:
    std::vector<arrival> arrivals_;
};

}  // namespace fluxon
