// Crossbar preset files: the TOML, every value's unit and range, the sources.
#include "devices/crossbar/crossbar_preset.hpp"
#include "targets.hpp"

namespace fluxon::fuzz {

int preset_crossbar(input data) {
    return expect_named_errors([&] { parse_crossbar_preset(as_text(data), "fuzz.toml"); });
}

}  // namespace fluxon::fuzz
