#include "engine/recording.hpp"

#include <algorithm>
#include <limits>

namespace fluxon {
namespace {

// Slices hold neuron ranges in order, so concatenating them step by step keeps (time, id) order.
void collect_spikes(built_network& net, std::size_t stream, std::span<record_sink* const> sinks,
                    std::vector<double>& times, std::vector<std::uint32_t>& ids) {
    auto& slices = net.populations[net.spike_streams[stream].population].slices;
    times.clear();
    ids.clear();
    std::vector<std::size_t> pos(slices.size(), 0);
    while (true) {
        std::int64_t step = std::numeric_limits<std::int64_t>::max();
        for (std::size_t s = 0; s < slices.size(); ++s) {
            const auto& steps = slices[s]->recorded_steps();
            if (pos[s] < steps.size()) step = std::min(step, steps[pos[s]]);
        }
        if (step == std::numeric_limits<std::int64_t>::max()) break;
        const double t = net.base.to_seconds(std::max<std::int64_t>(step - net.stamp_offset_steps, 0) * net.dt_ticks);
        for (std::size_t s = 0; s < slices.size(); ++s) {
            const auto& steps = slices[s]->recorded_steps();
            const auto& rec_ids = slices[s]->recorded_ids();
            for (; pos[s] < steps.size() && steps[pos[s]] == step; ++pos[s]) {
                times.push_back(t);
                ids.push_back(rec_ids[pos[s]]);
            }
        }
    }
    for (auto* slice : slices) {
        slice->recorded_steps().clear();
        slice->recorded_ids().clear();
    }
    if (times.empty()) return;
    for (auto* sink : sinks) sink->spikes(stream, times, ids, {});
}

// A layer's events, as it buffered them (step by step, by increasing index).
void collect_layer(built_network& net, std::size_t stream, std::span<record_sink* const> sinks,
                   std::vector<double>& times) {
    built_layer& layer = net.layers->layers()[static_cast<std::size_t>(net.spike_streams[stream].layer)];
    times.clear();
    for (const std::int64_t step : layer.rec_steps) times.push_back(net.base.to_seconds(step * net.dt_ticks));
    if (!times.empty()) {
        for (auto* sink : sinks) sink->spikes(stream, times, layer.rec_ids, layer.rec_values);
    }
    layer.rec_steps.clear();
    layer.rec_ids.clear();
    layer.rec_values.clear();
}

void collect_probe(built_network& net, std::size_t index, std::span<record_sink* const> sinks,
                   std::vector<double>& times, std::vector<double>& values) {
    const auto& plan = net.probes[index];
    auto& slices = net.populations[plan.population].slices;
    const auto& steps = slices.front()->probes()[plan.tap_index].sample_steps;
    times.clear();
    values.clear();
    for (std::size_t m = 0; m < steps.size(); ++m) {
        times.push_back(net.base.to_seconds(steps[m] * net.dt_ticks));
        for (auto* slice : slices) {
            const auto& tap = slice->probes()[plan.tap_index];
            const std::size_t k = tap.local_ids.size();
            values.insert(values.end(), tap.values.begin() + m * k, tap.values.begin() + (m + 1) * k);
        }
    }
    for (auto* slice : slices) {
        slice->probes()[plan.tap_index].sample_steps.clear();
        slice->probes()[plan.tap_index].values.clear();
    }
    if (times.empty()) return;
    for (auto* sink : sinks) sink->probe(index, times, values);
}

}  // namespace

void collect_recordings(built_network& net, std::span<record_sink* const> sinks) {
    std::vector<double> times, values;
    std::vector<std::uint32_t> ids;
    for (std::size_t s = 0; s < net.spike_streams.size(); ++s) {
        if (net.spike_streams[s].layer >= 0) {
            collect_layer(net, s, sinks, times);
        } else {
            collect_spikes(net, s, sinks, times, ids);
        }
    }
    for (std::size_t p = 0; p < net.probes.size(); ++p) collect_probe(net, p, sinks, times, values);
}

}  // namespace fluxon
