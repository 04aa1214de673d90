#pragma once
// Crossbar settings: [crossbar] as given (overrides of the preset, the projections to map) and,
// for a run, as read and lowered once (the preset with those overrides, the drift age).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "devices/crossbar/crossbar_params.hpp"
#include "devices/crossbar/crossbar_preset.hpp"
#include "engine/base/device_request.hpp"
#include "engine/base/errors.hpp"
#include "engine/base/quantity.hpp"

namespace fluxon {

// Projections computed in resistive or SRAM crossbar arrays ([crossbar] in config files,
// docs/crossbar.md).
struct crossbar_spec {
    std::string preset;                     // shipped preset name or path to a preset file
    // Without `projections` and `layers`: every projection and every linear layer; with one
    // of them, only what it names.
    std::vector<std::string> projections;
    std::vector<error_site> projection_sites;
    bool projections_given = false;
    std::vector<std::string> layers;        // linear layers of a layered network
    std::vector<error_site> layer_sites;
    bool layers_given = false;
    // Projections whose weights are the devices' own mismatch: both cells of every pair are
    // programmed to the same level, and the projection's weight is the spread of the result.
    std::vector<std::string> random_weights;
    std::vector<error_site> random_weight_sites;
    std::optional<std::int64_t> weight_bits, adc_bits;  // override the preset's
    // Stand-alone MVMs only (spikes are one bit): bits of an input value.
    std::optional<std::int64_t> input_bits;
    std::optional<double> d2d_sigma, programming_sigma, read_sigma;
    std::optional<quantity_input> drift_age;  // time since programming when the run starts
    std::uint32_t replicas = 1;
    error_site site, preset_site;

    bool enabled() const { return !preset.empty(); }
};

struct crossbar_settings final : device_settings {
    crossbar_spec spec;
    crossbar_preset preset;   // as shipped or read from its file
    crossbar_params params;   // the preset with the overrides of `spec`
    double drift_age = 0;     // s
};

// The preset's parameters with the overrides of `spec` (weight_bits, adc_bits, the sigmas);
// throws config_error at spec.site when the result cannot be encoded.
crossbar_params crossbar_params_for(const crossbar_spec& spec, crossbar_params params);
// drift_age in seconds (0 when absent); config_error when negative.
double crossbar_drift_age(const crossbar_spec& spec);

}  // namespace fluxon
