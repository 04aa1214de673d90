#include "io/sweep_runner.hpp"

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <new>
#include <thread>

#include <tbb/blocked_range.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <fmt/format.h>

#include "devices/builtin_families.hpp"
#include "io/run_file_output.hpp"

namespace fluxon::io {

std::string describe_point(const grid_point& point) {
    std::string out;
    for (const auto& [key, value] : point.values) {
        if (!out.empty()) out += ", ";
        out += key + "=" + value;
    }
    return out;
}

std::vector<sweep_point> prepare_sweep(const sweep_request& request, const model_registry& models,
                                       const device_registry& families) {
    const std::vector<grid_point> grid = make_grid(request.axes, request.links);
    std::vector<sweep_point> points(grid.size());
    for (std::size_t i = 0; i < grid.size(); ++i) {
        sweep_point& p = points[i];
        p.point = grid[i];
        p.file = fmt::format("run_{:04d}.h5", i);
        std::vector<std::string> overrides = grid[i].overrides;
        if (request.threads > 0) overrides.push_back(fmt::format("run.threads={}", request.threads));
        try {
            p.spec = request.load(overrides);
            // Built and dropped: what fails here (connectivity, a device's mapping) would
            // otherwise fail only when the point's turn came.
            const simulation sim(p.spec, models, families);
            p.populations = sim.populations();
        } catch (const user_error& e) {
            throw user_error(fmt::format("sweep point {} ({}): {}", i, describe_point(grid[i]), e.what()), {});
        } catch (const std::bad_alloc&) {
            throw user_error(fmt::format("sweep point {} ({}): out of memory: the run needs more memory than this "
                                         "machine has available",
                                         i, describe_point(grid[i])),
                             {});
        }
    }
    return points;
}

namespace {

void run_one(const sweep_point& point, sweep_point_result& out, const sweep_run_options& options,
             const model_registry& models) {
    if (options.stop && options.stop->load()) return;
    run_options run;
    run.keep_in_memory = false;
    run.stop = options.stop;
    try {
        const device_registry families = builtin_families();
        simulation sim(point.spec, models, families);
        std::optional<run_file_output> file;
        if (!options.directory.empty()) {
            file.emplace((std::filesystem::path(options.directory) / point.file).string(), sim);
            out.wrote_file = true;
            run.output = &*file;
        }
        const run_result result = sim.run(run);
        out.status = result.status;
        out.message = result.status == "interrupted" ? fmt::format("interrupted at t = {:g} s", result.time_reached)
                                                     : "";
        if (result.status != "complete") return;
        out.time_reached = result.time_reached;
        out.wall_time = result.wall_time;
        out.spikes = result.spikes;
        out.synaptic_events = result.synaptic_events;
        out.spikes_per_population = result.spikes_per_population;
        if (!result.devices.empty()) out.energy = result.total_energy();
    } catch (const user_error& e) {
        out.status = "failed";
        out.message = e.what();
        out.failure = 2;
    } catch (const std::bad_alloc&) {
        out.status = "failed";
        out.message = "out of memory: the run needs more memory than this machine has available";
        out.failure = 2;
    } catch (const std::exception& e) {
        out.status = "failed";
        out.message = e.what();
        out.failure = 3;
    } catch (...) {
        // Nothing may escape a worker thread: that would terminate the whole sweep.
        out.status = "failed";
        out.message = "unknown exception";
        out.failure = 3;
    }
}

}  // namespace

// Whole runs are TBB tasks, one grid point each, in an arena of `jobs` threads.
std::vector<sweep_point_result> run_sweep(const std::vector<sweep_point>& points, const sweep_run_options& options,
                                          const model_registry& models) {
    std::vector<sweep_point_result> results(points.size());
    if (points.empty()) return results;
    std::mutex report;
    std::size_t finished = 0;
    const int jobs = std::clamp(options.jobs, 1, static_cast<int>(points.size()));
    tbb::task_arena arena(std::min(jobs, tbb::info::default_concurrency()));
    arena.execute([&] {
        tbb::parallel_for(
            tbb::blocked_range<std::size_t>(0, points.size(), 1),
            [&](const tbb::blocked_range<std::size_t>& range) {
                for (std::size_t i = range.begin(); i != range.end(); ++i) {
                    run_one(points[i], results[i], options, models);
                    const std::lock_guard lock(report);
                    ++finished;
                    if (options.on_done) options.on_done(i, finished, results[i]);
                }
            },
            tbb::simple_partitioner());
    });
    return results;
}

int default_sweep_jobs(const std::vector<sweep_point>& points) {
    int threads = 1;
    for (const sweep_point& p : points) threads = std::max(threads, p.spec.run.threads);
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    return std::max(1, cores / threads);
}

}  // namespace fluxon::io
