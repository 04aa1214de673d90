#include "io/config_schema.hpp"

#include <algorithm>

#include "engine/device.hpp"

namespace fluxon::io {
namespace {

// Every leaf path of the format; docs/config.md describes each one.
constexpr std::string_view schema_paths[] = {
    "run.dt", "run.duration", "run.seed", "run.threads", "run.min_slice", "run.time_base", "run.flush_interval", "run.convention", "run.precision",
    "populations.<name>.size", "populations.<name>.model", "populations.<name>.params.*",
    "populations.<name>.initial.*", "populations.<name>.times", "populations.<name>.ids",
    "populations.<name>.events.file", "populations.<name>.events.format", "populations.<name>.events.sensor",
    "populations.<name>.events.sensor_size", "populations.<name>.events.crop", "populations.<name>.events.downsample",
    "populations.<name>.events.merge_polarity", "populations.<name>.events.start", "populations.<name>.events.stop",
    "populations.<name>.events.offset", "populations.<name>.events.on_same_step",
    "projections.<name>.pre", "projections.<name>.post", "projections.<name>.receptor",
    "projections.<name>.connector.type", "projections.<name>.connector.p",
    "projections.<name>.connector.n", "projections.<name>.connector.autapses",
    "projections.<name>.connector.multapses", "projections.<name>.connector.pre",
    "projections.<name>.connector.post", "projections.<name>.weight", "projections.<name>.delay",
    "currents.<name>.target", "currents.<name>.ids", "currents.<name>.times",
    "currents.<name>.amplitudes", "currents.<name>.amplitude",
    "drives.<name>.target", "drives.<name>.receptor", "drives.<name>.rate", "drives.<name>.inputs",
    "drives.<name>.weight",
    "record.spikes.[].population", "record.spikes.[].ids",
    "record.probes.[].population", "record.probes.[].variable", "record.probes.[].ids",
    "record.probes.[].interval", "record.layers", "record.weights",
    "layers.<name>.*",
    "nir.file", "nir.integration", "nir.reset", "nir.input", "nir.steps_per_sample"};

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

std::vector<std::string_view> schema_children(std::string_view pattern, const device_registry& families) {
    if (pattern.empty()) {
        std::vector<std::string_view> children = schema_children(pattern);
        for (const device_family* f : families.all()) children.push_back(f->section());
        return children;
    }
    if (const device_family* f = families.by_section(pattern)) return f->keys();
    return schema_children(pattern);
}

}  // namespace fluxon::io
