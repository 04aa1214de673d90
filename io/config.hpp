#pragma once
// Config files (TOML, docs/config.md) → experiment descriptions. Errors are config_error with
// the file, line and dotted key of the culprit; values keep their sites so that the network
// builder's errors point into the file too.
#include <string>
#include <vector>

#include "networks/spec.hpp"

namespace fluxon::io {

// Reads and converts a config file. `overrides` are "dotted.key=value" strings (fluxon run
// --set) applied to the document before conversion. Data files named in the config are
// relative to the config file's directory.
net::experiment_spec load_config(const std::string& path, const std::vector<std::string>& overrides = {});

// The same for text already in memory; `source_name` is named in errors, and data files are
// relative to its directory.
net::experiment_spec parse_config_text(const std::string& text, const std::string& source_name,
                                       const std::vector<std::string>& overrides = {});

}  // namespace fluxon::io
