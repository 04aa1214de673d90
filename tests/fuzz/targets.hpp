#pragma once
// The fuzz targets (docs/testing.md): each takes one input and reads it through the entry
// point a user's file goes through, with the rule of fuzz_input.hpp. Built one per libFuzzer
// binary with FLUXON_FUZZ=ON, and all together into the replay driver of the normal build.
#include "fuzz_input.hpp"

namespace fluxon::fuzz {

int config(input data);           // a config file (TOML): parse and convert to an experiment
int sfq_circuit(input data);      // an SFQ circuit file (TOML)
int dram_trace(input data);       // a DRAM address trace (DRAMSim3 text)
int preset_chip(input data);      // a neuromorphic chip preset file
int preset_crossbar(input data);  // a crossbar preset file
int preset_dram(input data);      // a DRAM preset file
int preset_sfq(input data);       // an SFQ cell library preset file
int array_npy(input data);        // a NumPy .npy array file
int array_npz(input data);        // a NumPy .npz archive, member "x"
int run_file(input data);         // a run file (HDF5), as `fluxon inspect` reads it
int nir_file(input data);         // a NIR file (HDF5)
int event_file(input data);       // an event-camera recording; the first byte picks the format

}  // namespace fluxon::fuzz
