#pragma once
// Collects what population slices recorded during a window into whole-population streams, in
// (time, id) order, and hands them to sinks (memory for Python, the run file for the CLI).
#include <cstdint>
#include <span>

#include "engine/network_builder.hpp"

namespace fluxon {

class record_sink {
public:
    virtual ~record_sink() = default;
    // `values`: one per event for a layer's (graded) stream, empty for a population's spikes.
    virtual void spikes(std::size_t stream, std::span<const double> times, std::span<const std::uint32_t> ids,
                        std::span<const double> values) = 0;
    virtual void probe(std::size_t probe, std::span<const double> times, std::span<const double> values) = 0;
};

// Moves everything the slices buffered since the last call into `sinks`.
void collect_recordings(built_network& net, std::span<record_sink* const> sinks);

}  // namespace fluxon
