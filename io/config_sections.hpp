#pragma once
// The readers of the sections of a config document (docs/config.md); config.cpp calls them in
// order. Each one checks its keys against config_schema and its values' types, and leaves the
// checks that need the built network (names that must exist, model parameters) to the builder.
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/config_node.hpp"
#include "networks/spec.hpp"
#include "neurons/model.hpp"

namespace fluxon::io {

net::run_spec read_run(const config_node& run);
std::vector<net::population_spec> read_populations(const config_node& section, const model_registry& models,
                                                   const net::run_spec& run);
std::vector<net::projection_spec> read_projections(const config_node& section,
                                                   const std::vector<net::population_spec>& populations,
                                                   const model_registry& models);
net::connector_spec read_connector(const config_node& at);
std::vector<net::current_spec> read_currents(const config_node& section);
std::vector<net::drive_spec> read_drives(const config_node& section);
std::vector<net::layer_spec> read_layers(const config_node& section, const net::run_spec& run);
// A layer's array: a nested list of numbers, { file = "w.npy" } or { events = "rec.bin", ... }
// (frames of a recording, one per step of the run's dt).
tensor read_layer_array(const config_node& at, const net::run_spec& run);
// [nir]: a NIR graph's layers appended to the network, its input layers given their data;
// returns the names of its Output layers, which the run records.
std::vector<std::string> read_nir_section(const config_node& section, const net::run_spec& run,
                                          net::network_spec& network);
// Event recordings (config_events.cpp, docs/events.md): populations.<name>.events, checked against
// the population's `size` node, and an input layer's data = { events = "rec.bin", ... }. Both
// need the run's dt: spikes of one input in one step, and the frames' time window.
void read_population_events(const config_node& at, const config_node& size, const net::run_spec& run,
                            net::population_spec& pop);
tensor read_event_frames(const config_node& at, const net::run_spec& run);
void read_record(const config_node& record, const std::vector<net::population_spec>& populations,
                 net::experiment_spec& spec);

// Names of populations, projections and currents become HDF5 group names and parts of dotted
// keys, so they are restricted to letters, digits, '_' and '-'. `kind` is "population", ...
void check_entry_name(const config_node& entry, const std::string& name, std::string_view kind);

}  // namespace fluxon::io
