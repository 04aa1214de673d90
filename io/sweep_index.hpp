#pragma once
// A sweep's directory: run_NNNN.h5 per point, index.json (the runs, for fluxon.analysis and
// reports) and index.h5 (the table of numbers, for h5py), as docs/run_file.md describes.
#include <string>
#include <string_view>
#include <vector>

#include "io/sweep_table.hpp"

namespace fluxon::io {

// Refuses `directory` when it exists and is not empty, unless `overwrite` (`how` says how to
// allow it: "--force", "force=True"). Throws io_error naming the directory and what it holds.
void refuse_existing_sweep(const std::string& directory, bool overwrite, std::string_view how);

// Creates `directory`, and removes what an earlier sweep left there: index.json, index.h5,
// run_NNNN.h5 and the report/ that `fluxon report` writes; other files stay.
void prepare_sweep_directory(const std::string& directory);

struct sweep_index_info {
    std::string config;  // the config file swept, or "python"
    std::vector<std::vector<std::string>> links;
};

// Writes index.json and index.h5 into `directory`, each through a temporary file renamed into
// place, so that a reader never sees half an index.
void write_sweep_index(const std::string& directory, const sweep_index_info& info, const sweep_table& table);

}  // namespace fluxon::io
