#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <thread>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/info.h>
#include <tbb/task_arena.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "engine/network_builder.hpp"
#include "devices/builtin_families.hpp"
#include "engine/simulation.hpp"
#include "io/cli/commands.hpp"
#include "io/cli/interrupt.hpp"
#include "io/cli/sweep_grid.hpp"
#include "io/config.hpp"
#include "io/run_file_output.hpp"
#include "io/run_writer.hpp"

namespace fluxon::cli {
namespace {

namespace fs = std::filesystem;

struct sweep_run {
    grid_point point;
    std::string file;  // relative to the output directory
    net::experiment_spec spec;
    std::string status = "interrupted";
    std::string message = "not started: the sweep was interrupted";
    std::int64_t spikes = -1;  // -1: no result
    std::optional<double> energy;  // J, for runs with at least one device
    int failure = exit_ok;     // exit code class of a failed run
};

std::string describe_point(const grid_point& point) {
    std::string out;
    for (const auto& [key, value] : point.values) {
        if (!out.empty()) out += ", ";
        out += key + "=" + value;
    }
    return out;
}

// Every point's config is read and checked before anything runs, so that a bad value costs
// nothing. Networks are built by the workers, one per job at a time: holding every built network
// of a large sweep at once could exhaust memory. A point whose network cannot be built fails alone.
std::vector<sweep_run> prepare_runs(const sweep_args& args, const std::vector<grid_point>& grid,
                                    const model_registry& models) {
    std::vector<sweep_run> runs(grid.size());
    for (std::size_t i = 0; i < grid.size(); ++i) {
        runs[i].point = grid[i];
        runs[i].file = fmt::format("run_{:04d}.h5", i);
        std::vector<std::string> overrides = grid[i].overrides;
        if (args.threads > 0) overrides.push_back(fmt::format("run.threads={}", args.threads));
        try {
            runs[i].spec = io::load_config(args.config, overrides);
            check_experiment(runs[i].spec, models);
        } catch (const user_error& e) {
            throw user_error(fmt::format("sweep point {} ({}): {}", i, describe_point(grid[i]), e.what()), {});
        }
    }
    return runs;
}

void run_one(sweep_run& run, const fs::path& outdir, const model_registry& models) {
    if (interrupt_flag().load()) return;
    run_options options;
    options.keep_in_memory = false;
    options.stop = &interrupt_flag();
    try {
        const device_registry families = builtin_families();
        simulation sim(run.spec, models, families);
        io::run_file_output file((outdir / run.file).string(), sim);
        options.output = &file;
        const run_result result = sim.run(options);
        run.status = result.status;
        run.spikes = result.spikes;
        if (!result.devices.empty()) run.energy = result.total_energy();
        run.message = result.status == "interrupted"
                          ? fmt::format("interrupted at t = {:g} s", result.time_reached) : "";
    } catch (const user_error& e) {
        run.status = "failed";
        run.message = e.what();
        run.failure = exit_user_error;
    } catch (const std::bad_alloc&) {
        run.status = "failed";
        run.message = "out of memory: the run needs more memory than this machine has available";
        run.failure = exit_user_error;
    } catch (const std::exception& e) {
        run.status = "failed";
        run.message = e.what();
        run.failure = exit_internal_error;
    } catch (...) {
        // Nothing may escape a worker thread: that would terminate the whole sweep.
        run.status = "failed";
        run.message = "unknown exception";
        run.failure = exit_internal_error;
    }
}

// Whole runs are TBB tasks, one grid point each, in an arena of `jobs` threads.
void run_all(std::vector<sweep_run>& runs, const fs::path& outdir, int jobs, bool quiet,
             const model_registry& models) {
    std::mutex report;
    std::size_t finished = 0;
    tbb::task_arena arena(std::min(jobs, tbb::info::default_concurrency()));
    arena.execute([&] {
        tbb::parallel_for(
            tbb::blocked_range<std::size_t>(0, runs.size(), 1),
            [&](const tbb::blocked_range<std::size_t>& range) {
                for (std::size_t i = range.begin(); i != range.end(); ++i) {
                    run_one(runs[i], outdir, models);
                    const std::lock_guard lock(report);
                    ++finished;
                    if (quiet) continue;
                    std::cerr << fmt::format("[{}/{}] {} {}\n", finished, runs.size(), runs[i].file, runs[i].status);
                }
            },
            tbb::simple_partitioner());
    });
}

// An earlier sweep's results in the directory (its index or a run file this sweep would write)
// are refused unless --force.
void refuse_earlier_sweep(const sweep_args& args, const std::vector<sweep_run>& runs) {
    io::refuse_existing_output((fs::path(args.outdir) / "index.json").string(), args.force, "--force");
    for (const sweep_run& run : runs) {
        io::refuse_existing_output((fs::path(args.outdir) / run.file).string(), args.force, "--force");
    }
}

int default_jobs(const std::vector<sweep_run>& runs) {
    int threads = 1;
    for (const sweep_run& run : runs) threads = std::max(threads, run.spec.run.threads);
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    return std::max(1, cores / threads);
}

// docs/run_file.md, "The sweep index". Written through a temporary file so that a reader never
// sees half an index.
void write_index(const sweep_args& args, const std::vector<sweep_axis>& axes,
                 const std::vector<sweep_run>& runs) {
    nlohmann::ordered_json index;
    index["format"] = "fluxon-sweep";
    index["format_version"] = 1;
    index["config"] = args.config;
    index["parameters"] = nlohmann::ordered_json::array();
    for (const sweep_axis& axis : axes) index["parameters"].push_back(axis.key);
    index["runs"] = nlohmann::ordered_json::array();
    for (const sweep_run& run : runs) {
        nlohmann::ordered_json values = nlohmann::ordered_json::object();
        for (const auto& [key, value] : run.point.values) values[key] = index_value(value);
        index["runs"].push_back({{"file", run.file}, {"values", values}, {"status", run.status},
                                 {"message", run.message}});
        if (run.energy) index["runs"].back()["energy"] = *run.energy;
    }
    const fs::path path = fs::path(args.outdir) / "index.json";
    const fs::path partial = fs::path(args.outdir) / "index.json.partial";
    error_site site;
    site.file = path.string();
    const std::string text = index.dump(2) + "\n";
    // A full disk may fail any of these; the partial index goes then, with the reason.
    std::FILE* out = std::fopen(partial.c_str(), "w");
    int error_number = out == nullptr ? errno : 0;
    if (out != nullptr) {
        if (std::fwrite(text.data(), 1, text.size(), out) != text.size() || std::fflush(out) != 0) error_number = errno;
        if (std::fclose(out) != 0 && error_number == 0) error_number = errno;
    }
    std::error_code ec;
    std::string reason = error_number != 0 ? std::strerror(error_number) : "";
    if (error_number == 0) {
        fs::rename(partial, path, ec);
        if (!ec) return;
        reason = ec.message();
    }
    fs::remove(partial, ec);
    throw io_error("cannot write the sweep index: " + reason, site);
}

void print_table(const std::vector<sweep_axis>& axes, const std::vector<sweep_run>& runs) {
    const bool energy = std::any_of(runs.begin(), runs.end(), [](const sweep_run& r) { return r.energy.has_value(); });
    std::vector<std::string> header{"file", "status", "spikes"};
    if (energy) header.push_back("energy J");
    for (const sweep_axis& axis : axes) header.push_back(axis.key);
    std::vector<std::vector<std::string>> rows{header};
    for (const sweep_run& run : runs) {
        std::vector<std::string> row{run.file, run.status, run.spikes < 0 ? "-" : std::to_string(run.spikes)};
        if (energy) row.push_back(run.energy ? fmt::format("{:.4g}", *run.energy) : "-");
        for (const auto& value : run.point.values) row.push_back(value.second);
        rows.push_back(std::move(row));
    }
    std::vector<std::size_t> widths(header.size(), 0);
    for (const auto& row : rows) {
        for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
    }
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t c = 0; c < row.size(); ++c) line += fmt::format("{:<{}}  ", row[c], widths[c]);
        std::cout << line.substr(0, line.find_last_not_of(' ') + 1) << "\n";
    }
    for (const sweep_run& run : runs) {
        if (run.status == "failed") std::cout << run.file << ": " << run.message << "\n";
    }
    std::cout << std::flush;
}

int sweep_exit_code(const std::vector<sweep_run>& runs) {
    int code = exit_ok;
    for (const sweep_run& run : runs) {
        if (run.status == "interrupted") return exit_interrupted;
        code = std::max(code, run.failure);
    }
    return code;
}

}  // namespace

int sweep_command(const sweep_args& args) {
    std::vector<sweep_axis> axes;
    for (const std::string& text : args.axes) axes.push_back(parse_axis(text));
    // Shared by every run (models are immutable) and alive until the last one has finished.
    const model_registry models = builtin_models();
    std::vector<sweep_run> runs = prepare_runs(args, make_grid(axes), models);
    refuse_earlier_sweep(args, runs);

    std::error_code ec;
    fs::create_directories(args.outdir, ec);
    if (ec) {
        error_site site;
        site.file = args.outdir;
        throw io_error("cannot create the output directory: " + ec.message(), site);
    }
    const int jobs = args.jobs > 0 ? args.jobs : default_jobs(runs);
    catch_interrupts();
    run_all(runs, args.outdir, std::min<int>(jobs, static_cast<int>(runs.size())), args.quiet, models);
    write_index(args, axes, runs);
    print_table(axes, runs);
    if (sweep_exit_code(runs) == exit_interrupted) std::cerr << "fluxon: the sweep was interrupted\n";
    return sweep_exit_code(runs);
}

}  // namespace fluxon::cli
