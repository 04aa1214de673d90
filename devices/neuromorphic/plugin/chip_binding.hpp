#pragma once
// Binds a built network to a modelled digital neuromorphic chip: maps its populations onto
// cores, rounds weights to the chip's fixed point, makes the slices count active neurons (and
// apply late deliveries in timed fidelity), and after every window feeds the window's spikes,
// step by step, to the chip model that charges the ledger.
//
// A layered network is placed too: its input layers and neuron layers (not the connection and
// structural layers between them, whose weights and windows become the synapses) are placed
// like populations, after them; every event of such a layer (a spike, or a graded value, which
// costs what a spike costs) is a message to each core its synapses reach, and a neuron that
// received input in a step is an active update. Layer weights keep their precision and its
// events their timing: annotated fidelity only.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "devices/neuromorphic/chip_model.hpp"
#include "devices/neuromorphic/plugin/chip_settings.hpp"
#include "devices/noc/topology.hpp"
#include "engine/base/ledger.hpp"
#include "engine/late_table.hpp"
#include "engine/network_builder.hpp"
#include "mappers/core_mapper.hpp"
#include "networks/spec.hpp"

namespace fluxon {

class chip_binding {
public:
    // The longest the chip may hold back synaptic inputs in timed fidelity; the delay rings of
    // such runs keep room for it (device_family::ring_headroom).
    static constexpr std::uint32_t max_late_steps = 64;

    // Throws network_error when the network does not fit, config_error for settings that do
    // not suit the run (a step period whose hardware time would overflow).
    chip_binding(const chip_settings& settings, const net::experiment_spec& experiment, built_network& net);

    // Called serially after every window, with its spikes in the slices' logs.
    void account_window();
    // Called once after the run.
    void finish();

    const chip_params& chip() const { return chip_; }
    // What the mapping's population indices name: the populations, then the placed layers.
    const std::vector<std::string>& placed_names() const { return placed_names_; }
    const core_mapping& mapping() const { return mapping_; }
    const noc_topology& topology() const { return *topology_; }
    const ledger& book() const { return ledger_; }
    const chip_statistics& statistics() const { return model_->statistics(); }
    // One per projection computed in arrays beside the chip (chip_model.hpp).
    const std::vector<chip_array_port>& array_ports() const { return model_->ports(); }
    const noc_timing& model_noc() const { return model_->noc(); }
    hw_time barrier() const { return model_->barrier(); }
    const chip_run_options& options() const { return options_; }
    const std::optional<dram_params>& dram() const { return dram_; }
    // Per link: messages crossing it if every neuron spiked once.
    std::vector<std::uint64_t> link_messages_per_round() const;
    // Per projection: the weight exponent used (absent when weights are exact).
    const std::vector<int>& weight_exponents() const { return exponents_; }

private:
    void map(const chip_settings& settings, const net::experiment_spec& experiment);
    void quantize_weights();
    void attach_slices();
    std::vector<chip_array_port> place_array_ports() const;

    chip_params chip_;
    built_network& net_;
    std::unique_ptr<noc_topology> topology_;
    core_mapping mapping_;
    chip_run_options options_;
    std::optional<dram_params> dram_;  // the chip model refers to it
    ledger ledger_;
    std::unique_ptr<chip_model> model_;
    late_table late_;
    std::vector<int> exponents_;
    // Scratch for account_window.
    std::vector<std::vector<std::uint32_t>> spikes_;
    std::vector<std::span<const std::uint32_t>> spike_spans_;
    std::vector<std::uint32_t> active_;
    std::vector<std::vector<std::uint32_t>> group_cores_;  // per slice (population order): its input groups' cores
    std::vector<late_message> late_messages_;
    std::vector<std::string> placed_names_;
    std::size_t first_layer_ = 0;  // mapping index of the first placed layer (= populations)
};

}  // namespace fluxon
