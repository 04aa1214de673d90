#pragma once
// The `units` attribute of every dataset of a run file (docs/run_file.md, "Units"): an SI
// symbol ("s", "V", "J", "Hz"), "1" for counts, ids and other plain numbers, "" for text. The
// layout's units are listed here in one place, path by path, rather than at each place that
// writes a dataset.
#include "io/hdf5.hpp"

namespace fluxon::io {

// Gives every dataset under `root` that has no `units` attribute the one its path calls for.
// Called before each flush, so a killed run's file has them too. A dataset whose units this
// layout does not know is left without (the run-file tests walk every dataset, so a new one
// cannot go unnoticed).
void annotate_units(const h5::group& root);

}  // namespace fluxon::io
