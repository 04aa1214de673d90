#pragma once
// Binds a built network to modelled crossbar arrays ([crossbar]): the chosen projections'
// weight matrices are programmed onto arrays (crossbar_system), and from then on every
// step's presynaptic spikes drive the rows of the arrays and the targets receive what the
// converters produce, a uniform delay later.
#include <cstdint>
#include <memory>
#include <vector>

#include "devices/crossbar/plugin/crossbar_layer.hpp"
#include "devices/crossbar/plugin/crossbar_system.hpp"
#include "devices/crossbar/plugin/crossbar_settings.hpp"
#include "engine/network_builder.hpp"
#include "networks/spec.hpp"

namespace fluxon {

class crossbar_binding {
public:
    // Throws network_error when a matrix does not fit the arrays, config_error for projections
    // that cannot be mapped (naming them).
    crossbar_binding(const crossbar_settings& settings, const net::experiment_spec& experiment, built_network& net);

    // Called once after the run: gathers the slices' counts into the ledger.
    void finish();

    // After finish: the synaptic events the mapped projections' arrays delivered (each spike
    // times the synapses of its row), and the energy of those arrays' reads (every action but
    // programming, which is paid once whatever the traffic). Layers in arrays are not counted:
    // their events are graded activations, not synaptic events.
    std::int64_t synaptic_events() const;
    double synaptic_energy() const;

    const crossbar_system& system() const { return *system_; }
    // The mapped projections' indices in built_network::projections: the first matrices.
    const std::vector<std::size_t>& projections() const { return chosen_; }
    // The mapped layers (after the projections' matrices), with what the arrays did to them.
    struct mapped_layer {
        std::string name;
        const crossbar_layer_op* op = nullptr;  // owned by the layered network
    };
    const std::vector<mapped_layer>& layers() const { return layers_; }

private:
    std::unique_ptr<crossbar_system> system_;
    std::vector<std::size_t> chosen_;
    std::vector<const crossbar_reader*> readers_;  // owned by the slices and the layers
    std::vector<const std::int64_t*> delivered_events_;  // per projection slice, owned by the slices
    std::vector<mapped_layer> layers_;
};

}  // namespace fluxon
