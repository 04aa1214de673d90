#pragma once
// Config files (TOML, docs/config.md) → experiment descriptions. Errors are config_error with
// the file, line and dotted key of the culprit; values keep their sites so that the network
// builder's errors point into the file too.
#include <filesystem>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "engine/device.hpp"
#include "networks/spec.hpp"

namespace fluxon::io {

// Reads and converts a config file. `overrides` are "dotted.key=value" strings (fluxon run
// --set) applied to the document before conversion. Data files named in the config are
// relative to the config file's directory.
// `families` reads the device sections ([hardware], [crossbar], ...); null: the families fluxon
// ships (devices/builtin_families.hpp).
net::experiment_spec load_config(const std::string& path, const std::vector<std::string>& overrides = {},
                                 const device_registry* families = nullptr);

// The same for text already in memory; `source_name` is named in errors, and data files are
// relative to its directory.
net::experiment_spec parse_config_text(const std::string& text, const std::string& source_name,
                                       const std::vector<std::string>& overrides = {},
                                       const device_registry* families = nullptr);

// How a document is read beyond its text.
struct config_options {
    // A bare number for a dimensioned quantity ("tau_m = 0.02") is a value in SI units. Config
    // files refuse it (20 would silently mean 20 s); the Python builder's descriptions set it.
    bool numbers_are_si = false;
    // Neuron indices may be floats with whole values (numpy arrays of any dtype); config files
    // need integers.
    bool whole_float_ids = false;
    // Data files ({ file = "x.npy" }) are relative to this directory.
    std::filesystem::path base_dir;
    // The device families whose sections the document may hold; null: the shipped ones.
    const device_registry* families = nullptr;
};

// The conversion itself, from a document already built (the Python bindings build one from
// the builder's description). `source_name` is recorded as the config source; errors name
// the file the document was parsed from and lines only if it was parsed (a table built in
// memory has neither, and its errors name just the dotted key and node). The document,
// serialized as TOML, becomes the config text.
net::experiment_spec convert_config_table(const toml::table& doc, const std::string& source_name,
                                          const config_options& options = {});

}  // namespace fluxon::io
