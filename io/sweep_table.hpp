#pragma once
// A sweep's numbers, one row per grid point: what `fluxon.sweep` returns and the sweep's
// index.h5 holds (docs/run_file.md, "The sweep index").
#include <string>
#include <vector>

#include "engine/base/stats.hpp"
#include "io/sweep_runner.hpp"
#include "io/sweep_values.hpp"

namespace fluxon::io {

struct sweep_table {
    // file (run_NNNN.h5, "" when the point wrote none), status, message: str columns.
    data_table points;
    // One column per swept key, named by the key: float64 in the SI unit of the quantity when
    // every value spells a number (unit "1" for a bare number), else the text as given (unit "").
    data_table parameters;
    // One str column per swept key: the values as given.
    data_table given;
    // time_reached (s), wall_time (s), spikes and synaptic_events (int64, unit "1"), energy (J,
    // only when a point has a device; NaN for one without), rate/<population> (Hz: spikes per
    // neuron per second of the run) for every population of any point. Reals are NaN and
    // counts -1 for a point that did not complete.
    data_table metrics;
};

sweep_table tabulate_sweep(const std::vector<sweep_axis>& axes, const std::vector<sweep_point>& points,
                           const std::vector<sweep_point_result>& results);

}  // namespace fluxon::io
