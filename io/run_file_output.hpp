#pragma once
// A run's output as a run file (docs/run_file.md): the layout the simulation knows before it
// runs (network, recordings, each device's description), then its recordings as they are
// collected, each device's report and the counters.
#include <string>

#include "engine/simulation.hpp"
#include "io/run_writer.hpp"

namespace fluxon::io {

// Everything a run file holds before the run: metadata, network, recordings, devices.
run_layout layout_of(const simulation& sim);

class run_file_output final : public run_output {
public:
    // Creates (truncates) `path`; throws io_error naming it when it cannot be written.
    run_file_output(const std::string& path, const simulation& sim);

    void spikes(std::size_t stream, std::span<const double> times, std::span<const std::uint32_t> ids,
                std::span<const double> values) override;
    void probe(std::size_t index, std::span<const double> times, std::span<const double> values) override;
    void progress(double time_reached) override;
    void device_finished(const device_report& report) override;
    void layers_finished(const layers_report& report) override;
    void finish(const run_result& result, const std::string& message) override;
    void failed(const std::string& message) override;

private:
    run_writer writer_;
};

}  // namespace fluxon::io
