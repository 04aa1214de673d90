#include "io/sweep_table.hpp"

#include <algorithm>
#include <cmath>

namespace fluxon::io {
namespace {

void add_rates(const std::vector<sweep_point>& points, const std::vector<sweep_point_result>& results,
               data_table& metrics) {
    std::vector<std::string> names;  // every population of any point, in order of first appearance
    for (const sweep_point& p : points) {
        for (const population_summary& pop : p.populations) {
            if (std::find(names.begin(), names.end(), pop.name) == names.end()) names.push_back(pop.name);
        }
    }
    for (const std::string& name : names) {
        std::vector<double> rate(points.size(), NAN);
        for (std::size_t i = 0; i < points.size(); ++i) {
            const sweep_point_result& r = results[i];
            if (r.status != "complete" || !(r.time_reached > 0)) continue;
            const auto pop = std::find_if(points[i].populations.begin(), points[i].populations.end(),
                                          [&](const population_summary& s) { return s.name == name; });
            const auto count = std::find_if(r.spikes_per_population.begin(), r.spikes_per_population.end(),
                                            [&](const auto& entry) { return entry.first == name; });
            if (pop == points[i].populations.end() || count == r.spikes_per_population.end() || pop->size == 0) {
                continue;
            }
            // As fluxon.plot computes it from a run file: spikes / (neurons * time reached).
            rate[i] = static_cast<double>(count->second) / (static_cast<double>(pop->size) * r.time_reached);
        }
        metrics.add("rate/" + name, std::move(rate), "Hz");
    }
}

}  // namespace

sweep_table tabulate_sweep(const std::vector<sweep_axis>& axes, const std::vector<sweep_point>& points,
                           const std::vector<sweep_point_result>& results) {
    sweep_table t;
    const std::size_t n = points.size();
    std::vector<std::string> file(n), status(n), message(n);
    for (std::size_t i = 0; i < n; ++i) {
        file[i] = results[i].wrote_file ? points[i].file : "";
        status[i] = results[i].status;
        message[i] = results[i].message;
    }
    t.points.add("file", std::move(file)).add("status", std::move(status)).add("message", std::move(message));

    for (const sweep_axis& axis : axes) {
        swept_values values = index_values(axis);
        // A grid point takes one value of each axis; its column follows the points' order.
        std::vector<std::string> given(n);
        std::vector<double> numbers(n);
        for (std::size_t i = 0; i < n; ++i) {
            const auto& pairs = points[i].point.values;
            const auto at = std::find_if(pairs.begin(), pairs.end(), [&](const auto& kv) { return kv.first == axis.key; });
            given[i] = at->second;
            const std::size_t position =
                static_cast<std::size_t>(std::find(axis.values.begin(), axis.values.end(), at->second) - axis.values.begin());
            if (values.numeric) numbers[i] = values.numbers[position];
        }
        if (values.numeric) {
            t.parameters.add(axis.key, std::move(numbers), values.unit);
        } else {
            t.parameters.add(axis.key, given);
        }
        t.given.add(axis.key, std::move(given));
    }

    std::vector<double> time_reached(n), wall_time(n), energy(n, NAN);
    std::vector<std::int64_t> spikes(n), synaptic_events(n);
    bool any_energy = false;
    for (std::size_t i = 0; i < n; ++i) {
        time_reached[i] = results[i].time_reached;
        wall_time[i] = results[i].wall_time;
        spikes[i] = results[i].spikes;
        synaptic_events[i] = results[i].synaptic_events;
        if (results[i].energy) energy[i] = *results[i].energy;
        // A point with a device that did not complete still makes energy a column of the table.
        any_energy = any_energy || results[i].energy || !points[i].spec.devices.empty();
    }
    t.metrics.add("time_reached", std::move(time_reached), "s")
        .add("wall_time", std::move(wall_time), "s")
        .add("spikes", std::move(spikes), "1")
        .add("synaptic_events", std::move(synaptic_events), "1");
    if (any_energy) t.metrics.add("energy", std::move(energy), "J");
    add_rates(points, results, t.metrics);
    return t;
}

}  // namespace fluxon::io
