#pragma once
// Runs a parameter sweep: every grid point is loaded and its network built before any point
// runs (so a point that cannot run fails first, naming it), then whole runs execute `jobs` at
// a time. The CLI (`fluxon sweep`) and Python (`fluxon.sweep`) share it, so they give the same
// numbers for the same grid.
#include <atomic>
#include <cmath>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/device.hpp"
#include "engine/simulation.hpp"
#include "io/sweep_grid.hpp"
#include "neurons/model.hpp"

namespace fluxon::io {

struct sweep_request {
    std::vector<sweep_axis> axes;
    std::vector<std::vector<std::string>> links;  // keys that step together (sweep_grid.hpp)
    // One point's experiment from its "key=value" overrides (a config file, or Python's text).
    std::function<net::experiment_spec(const std::vector<std::string>& overrides)> load;
    int threads = 0;  // threads per run; 0: as each point's config says
};

struct sweep_point {
    grid_point point;
    std::string file;  // run_NNNN.h5, relative to the sweep's directory
    net::experiment_spec spec;
    std::vector<population_summary> populations;  // as built
};

// "key=value, key=value" of a point, for messages.
std::string describe_point(const grid_point& point);

// Loads every point and builds its network and devices (then drops them: holding every built
// network of a large sweep at once could exhaust memory), so that a bad value or a point that
// cannot run (a crossbar that does not fit) throws user_error "sweep point I (key=value, ...):
// ..." before anything runs.
std::vector<sweep_point> prepare_sweep(const sweep_request& request, const model_registry& models,
                                       const device_registry& families);

// What one point did. Numbers only for a complete run: a partial one would give silently
// different numbers (NaN for reals, -1 for counts otherwise).
struct sweep_point_result {
    std::string status = "interrupted";  // "complete" | "interrupted" | "failed"
    std::string message = "not started: the sweep was interrupted";
    int failure = 0;  // 0, or the exit code class of a failed run: 2 user error, 3 internal error
    bool wrote_file = false;
    double time_reached = NAN, wall_time = NAN;  // s
    std::int64_t spikes = -1, synaptic_events = -1;
    std::optional<double> energy;  // J, for a run with at least one device
    std::vector<std::pair<std::string, std::int64_t>> spikes_per_population;
};

struct sweep_run_options {
    std::string directory;  // run files go to DIRECTORY/run_NNNN.h5; "": no files
    int jobs = 1;
    const std::atomic<bool>* stop = nullptr;  // when it becomes true, running points stop cleanly
    // Called (serialised) as each point ends, with its index, how many have ended and its result.
    std::function<void(std::size_t point, std::size_t finished, const sweep_point_result& result)> on_done;
};

std::vector<sweep_point_result> run_sweep(const std::vector<sweep_point>& points, const sweep_run_options& options,
                                          const model_registry& models);

// Runs at once when not told: cores / threads per run, at least 1.
int default_sweep_jobs(const std::vector<sweep_point>& points);

}  // namespace fluxon::io
