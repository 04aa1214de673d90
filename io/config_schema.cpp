#include "io/config_schema.hpp"

#include <algorithm>

namespace fluxon::io {
namespace {

// Every leaf path of the format; docs/config.md describes each one.
constexpr std::string_view schema_paths[] = {
    "run.dt", "run.duration", "run.seed", "run.threads", "run.min_slice", "run.time_base", "run.flush_interval",
    "populations.<name>.size", "populations.<name>.model", "populations.<name>.params.*",
    "populations.<name>.initial.*", "populations.<name>.times", "populations.<name>.ids",
    "projections.<name>.pre", "projections.<name>.post", "projections.<name>.receptor",
    "projections.<name>.connector.type", "projections.<name>.connector.p",
    "projections.<name>.connector.n", "projections.<name>.connector.autapses",
    "projections.<name>.connector.multapses", "projections.<name>.connector.pre",
    "projections.<name>.connector.post", "projections.<name>.weight", "projections.<name>.delay",
    "currents.<name>.target", "currents.<name>.ids", "currents.<name>.times",
    "currents.<name>.amplitudes", "currents.<name>.amplitude",
    "record.spikes.[].population", "record.spikes.[].ids",
    "record.probes.[].population", "record.probes.[].variable", "record.probes.[].ids",
    "record.probes.[].interval",
    "hardware.preset", "hardware.fidelity", "hardware.topology", "hardware.weight_bits",
    "hardware.step_period", "hardware.mapper", "hardware.chunk_neurons", "hardware.synapse_dram",
    "hardware.bytes_per_synapse",
    "crossbar.preset", "crossbar.projections", "crossbar.random_weights", "crossbar.weight_bits",
    "crossbar.adc_bits", "crossbar.d2d_sigma", "crossbar.programming_sigma", "crossbar.read_sigma",
    "crossbar.drift_age", "crossbar.replicas"};

}  // namespace

std::vector<std::string_view> schema_children(std::string_view pattern) {
    std::vector<std::string_view> children;
    for (const std::string_view path : schema_paths) {
        std::string_view rest = path;
        if (!pattern.empty()) {
            if (!path.starts_with(pattern) || path.size() <= pattern.size() ||
                path[pattern.size()] != '.') {
                continue;
            }
            rest = path.substr(pattern.size() + 1);
        }
        const std::string_view next = rest.substr(0, rest.find('.'));
        if (std::find(children.begin(), children.end(), next) == children.end()) {
            children.push_back(next);
        }
    }
    return children;
}

}  // namespace fluxon::io
