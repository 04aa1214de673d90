#pragma once
// Chip presets: TOML data files (devices/neuromorphic/presets/*.toml, compiled into fluxon) that give a
// digital neuromorphic chip's capacities, precision, action costs, static power and
// network-on-chip, every number with its source. docs/hardware.md describes the format.
#include <string>
#include <string_view>
#include <vector>

#include "devices/neuromorphic/chip_params.hpp"
#include "engine/base/errors.hpp"
#include "engine/base/loaded_preset.hpp"

namespace fluxon {

using chip_preset = preset::loaded<chip_params>;

// Names of the presets shipped with fluxon, sorted.
std::vector<std::string> chip_preset_names();

// A shipped preset by name, or a TOML file by path (anything containing '/' or ending in
// ".toml" is a path). Throws config_error at `where` for an unknown name (listing the shipped
// ones), io_error for an unreadable file, and config_error naming the file, line and key for
// a malformed preset.
chip_preset load_chip_preset(const std::string& name_or_path, const error_site& where);

// Parses preset text; `origin` is named in errors as the file.
chip_preset parse_chip_preset(std::string_view text, const std::string& origin);

}  // namespace fluxon
