#pragma once
// A chip instance as its config section ([hardware], docs/hardware.md) describes it, read and
// validated once: the preset with the run's overrides applied, the DRAM holding the synaptic
// rows that do not fit on chip, the fidelity and the mapper's choices.
#include <cstdint>
#include <optional>
#include <string>

#include "devices/dram/dram_preset.hpp"
#include "devices/neuromorphic/chip_model.hpp"
#include "devices/neuromorphic/chip_preset.hpp"
#include "engine/base/device_request.hpp"
#include "engine/base/errors.hpp"
#include "mappers/core_mapper.hpp"

namespace fluxon {

struct chip_settings final : device_settings {
    chip_preset preset;  // as shipped or read from its file
    chip_params chip;    // the preset with [hardware] topology and weight_bits applied
    chip_run_options options;  // fidelity and step period
    mapper_strategy mapper = mapper_strategy::metis;
    std::uint32_t chunk_neurons = 0;  // 0: the mapper's default
    // The DRAM of [hardware] synapse_dram, holding the synaptic rows that do not fit on their
    // cores; absent: every synapse on chip (synapses_per_core is then a hard limit).
    std::optional<dram_preset> synapse_dram;
    std::uint32_t bytes_per_synapse = 4;
    error_site site, step_period_site, fidelity_site;
};

}  // namespace fluxon
