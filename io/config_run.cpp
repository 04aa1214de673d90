#include <limits>

#include <fmt/format.h>

#include "io/config_schema.hpp"
#include "io/config_sections.hpp"
#include "io/config_values.hpp"

namespace fluxon::io {
namespace {

void read_run_integers(const config_node& run, net::run_spec& spec) {
    if (const config_node seed = run.child("seed"); seed.present()) {
        const std::int64_t value = read_integer(seed, "an integer >= 0");
        if (value < 0) seed.fail(fmt::format("seed must be >= 0, got {}", value));
        spec.seed = static_cast<std::uint64_t>(value);
    }
    if (const config_node threads = run.child("threads"); threads.present()) {
        const std::int64_t value = read_integer(threads, "an integer >= 1");
        if (value < 1 || value > net::max_threads) {
            threads.fail(fmt::format("threads must be between 1 and {} (results do not depend on it; more threads "
                                     "than cores only slow a run down), got {}",
                                     net::max_threads, value));
        }
        spec.threads = static_cast<int>(value);
    }
    if (const config_node min_slice = run.child("min_slice"); min_slice.present()) {
        const std::int64_t value = read_integer(min_slice, "a number of neurons >= 1");
        if (value < 1 || value > std::numeric_limits<std::uint32_t>::max()) {
            min_slice.fail(fmt::format("min_slice must be a number of neurons >= 1, got {}", value));
        }
        spec.min_slice = static_cast<std::uint32_t>(value);
    }
}

void read_run_settings(const config_node& run, net::run_spec& spec) {
    if (const config_node convention = run.child("convention"); convention.present()) {
        const std::string word = read_string(convention, "\"nest\" or \"brian2\"");
        if (word != "nest" && word != "brian2") {
            convention.fail(fmt::format("convention must be \"nest\" or \"brian2\", got \"{}\"", word));
        }
        spec.convention = word == "brian2" ? timing_convention::brian2 : timing_convention::nest;
    }
    spec.precision_site = run.child("precision").site();
    if (const config_node precision = run.child("precision"); precision.present()) {
        const std::string word = read_string(precision, "\"double\" or \"single\"");
        if (word != "double" && word != "single") {
            precision.fail(fmt::format("precision must be \"double\" or \"single\", got \"{}\"", word));
        }
        spec.precision = word == "single" ? state_precision::single_precision : state_precision::double_precision;
    }
    if (const config_node base = run.child("time_base"); base.present()) {
        spec.time_base = read_string(base, "\"ps\" or \"fs\"");
        if (spec.time_base != "ps" && spec.time_base != "fs") {
            base.fail(fmt::format("time_base must be \"ps\" or \"fs\", got \"{}\"", spec.time_base));
        }
    }
    if (const config_node flush = run.child("flush_interval"); flush.present()) {
        spec.flush_interval = read_number(flush, "a number of wall-clock seconds");
        if (!(spec.flush_interval > 0) || spec.flush_interval == std::numeric_limits<double>::infinity()) {
            flush.fail(fmt::format("flush_interval must be a positive number of seconds, got {}",
                                   spec.flush_interval));
        }
    }
}

}  // namespace

net::run_spec read_run(const config_node& run) {
    net::run_spec spec;
    spec.site = run.site();
    // Defaults point at where the key would be, so a builder error about them is still located.
    spec.dt.site = run.child("dt").site();
    spec.duration.site = run.child("duration").site();
    if (!run.present()) return spec;
    run.table("a table [run]");
    run.allow_only(schema_children("run"));
    if (const config_node dt = run.child("dt"); dt.present()) spec.dt = read_quantity(dt, dimension::time);
    if (const config_node d = run.child("duration"); d.present()) {
        spec.duration = read_quantity(d, dimension::time);
        spec.duration_given = true;
    }
    read_run_integers(run, spec);
    read_run_settings(run, spec);
    return spec;
}

}  // namespace fluxon::io
