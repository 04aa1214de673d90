// Dram preset files: the TOML, every value's unit and range, the sources.
#include "devices/dram/dram_preset.hpp"
#include "targets.hpp"

namespace fluxon::fuzz {

int preset_dram(input data) {
    return expect_named_errors([&] { parse_dram_preset(as_text(data), "fuzz.toml"); });
}

}  // namespace fluxon::fuzz
