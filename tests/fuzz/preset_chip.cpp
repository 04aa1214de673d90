// Chip preset files: the TOML, every value's unit and range, the sources.
#include "devices/neuromorphic/chip_preset.hpp"
#include "targets.hpp"

namespace fluxon::fuzz {

int preset_chip(input data) {
    return expect_named_errors([&] { parse_chip_preset(as_text(data), "fuzz.toml"); });
}

}  // namespace fluxon::fuzz
