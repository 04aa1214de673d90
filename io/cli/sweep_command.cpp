#include <algorithm>
#include <cmath>
#include <iostream>

#include <fmt/format.h>

#include "devices/builtin_families.hpp"
#include "io/cli/commands.hpp"
#include "io/cli/interrupt.hpp"
#include "io/config.hpp"
#include "io/sweep_index.hpp"
#include "io/sweep_runner.hpp"
#include "io/sweep_table.hpp"

namespace fluxon::cli {
namespace {

// file, status, spikes, energy (with a device), the rate of every population, the swept values.
void print_table(const io::sweep_table& table) {
    std::vector<std::string> header{"file", "status", "spikes"};
    std::vector<const data_column*> numbers;
    const data_column* energy = table.metrics.find("energy");
    if (energy) {
        header.push_back("energy J");
        numbers.push_back(energy);
    }
    for (const data_column& c : table.metrics.columns) {
        if (c.name.rfind("rate/", 0) != 0) continue;
        header.push_back(c.name.substr(5) + " Hz");
        numbers.push_back(&c);
    }
    for (const data_column& c : table.given.columns) header.push_back(c.name);
    const auto& file = std::get<std::vector<std::string>>(table.points.find("file")->values);
    const auto& status = std::get<std::vector<std::string>>(table.points.find("status")->values);
    const auto& message = std::get<std::vector<std::string>>(table.points.find("message")->values);
    const auto& spikes = std::get<std::vector<std::int64_t>>(table.metrics.find("spikes")->values);
    std::vector<std::vector<std::string>> rows{header};
    for (std::size_t i = 0; i < table.points.rows(); ++i) {
        std::vector<std::string> row{file[i].empty() ? "-" : file[i], status[i],
                                     spikes[i] < 0 ? "-" : std::to_string(spikes[i])};
        for (const data_column* c : numbers) {
            const double v = std::get<std::vector<double>>(c->values)[i];
            row.push_back(std::isfinite(v) ? fmt::format("{:.4g}", v) : "-");
        }
        for (const data_column& c : table.given.columns) row.push_back(std::get<std::vector<std::string>>(c.values)[i]);
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
    for (std::size_t i = 0; i < table.points.rows(); ++i) {
        if (status[i] == "failed") std::cout << file[i] << ": " << message[i] << "\n";
    }
    std::cout << std::flush;
}

int sweep_exit_code(const std::vector<io::sweep_point_result>& results) {
    int code = exit_ok;
    for (const io::sweep_point_result& r : results) {
        if (r.status == "interrupted") return exit_interrupted;
        code = std::max(code, r.failure);
    }
    return code;
}

}  // namespace

int sweep_command(const sweep_args& args) {
    io::sweep_request request;
    for (const std::string& text : args.axes) request.axes.push_back(io::parse_axis(text));
    for (const std::string& text : args.links) request.links.push_back(io::parse_link(text));
    request.threads = args.threads;
    request.load = [&](const std::vector<std::string>& overrides) { return io::load_config(args.config, overrides); };
    // Refused before anything is built, so a refusal costs nothing.
    io::refuse_existing_sweep(args.outdir, args.force, "--force");
    // Shared by every run (models are immutable) and alive until the last one has finished.
    const model_registry models = builtin_models();
    const std::vector<io::sweep_point> points = io::prepare_sweep(request, models, builtin_families());
    // Only once every point is known to run does an earlier sweep's output go.
    io::prepare_sweep_directory(args.outdir);

    io::sweep_run_options options;
    options.directory = args.outdir;
    options.jobs = args.jobs > 0 ? args.jobs : io::default_sweep_jobs(points);
    catch_interrupts();
    options.stop = &interrupt_flag();
    options.on_done = [&](std::size_t i, std::size_t finished, const io::sweep_point_result& result) {
        if (!args.quiet) std::cerr << fmt::format("[{}/{}] {} {}\n", finished, points.size(), points[i].file, result.status);
    };
    const std::vector<io::sweep_point_result> results = io::run_sweep(points, options, models);
    const io::sweep_table table = io::tabulate_sweep(request.axes, points, results);
    io::write_sweep_index(args.outdir, {args.config, request.links}, table);
    print_table(table);
    if (sweep_exit_code(results) == exit_interrupted) std::cerr << "fluxon: the sweep was interrupted\n";
    return sweep_exit_code(results);
}

}  // namespace fluxon::cli
