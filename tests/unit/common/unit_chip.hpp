#pragma once
// A chip of round numbers for hand-computed hardware tests, written to a temporary preset
// file: two tiles side by side, one core each, two neurons per core, 1 GHz links, and
// synapse_op 1 pJ / 1 ns, active update 10 pJ / 2 ns, inactive 4 pJ / 1 ns, message out
// 2 pJ / 1 ns, message in 3 pJ / 1 ns, east-west hop 5 pJ / 10 ns, barrier 5 ns (1 tile) and
// 7 ns (2 tiles), 1 mW per core.
#include <cstdint>
#include <string>

#include "temp_file.hpp"

namespace fluxon::test {

inline std::string unit_chip_text(std::uint64_t synapses_per_core = 100) {
    return R"(name = "unitchip"
description = "round numbers for hand-computed tests"
[noc]
topology = "mesh"
mesh_width = { value = 2, source = "test" }
mesh_height = { value = 1, source = "test" }
cores_per_tile = { value = 1, source = "test" }
tree_arity = { value = 2, source = "test" }
link_bandwidth = { value = "1 GHz", source = "test" }
hop_east_west = { energy = "5 pJ", latency = "10 ns", source = "test" }
hop_north_south = { energy = "7 pJ", latency = "10 ns", source = "test" }
hop_tree = { energy = "3 pJ", latency = "10 ns", source = "test" }
[capacity]
neurons_per_core = { value = 2, source = "test" }
synapses_per_core = { value = )" +
           std::to_string(synapses_per_core) + R"(, source = "test" }
fan_in_per_core = { value = 0, source = "test" }
fan_out_per_neuron = { value = 0, source = "test" }
[precision]
weight_bits = { value = 0, source = "test" }
[actions]
synapse_op = { energy = "1 pJ", latency = "1 ns", source = "test" }
update_active = { energy = "10 pJ", latency = "2 ns", source = "test" }
update_inactive = { energy = "4 pJ", latency = "1 ns", source = "test" }
message_out = { energy = "2 pJ", latency = "1 ns", source = "test" }
message_in = { energy = "3 pJ", latency = "1 ns", source = "test" }
[static]
core_power = { value = "1 mW", source = "test" }
barrier_sync = { points = [[1, "5 ns"], [2, "7 ns"]], source = "test" }
)";
}


}  // namespace fluxon::test
