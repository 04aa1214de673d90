// SFQ cell library preset files: cells, timings, energies, the sources.
#include "devices/sfq/sfq_library_preset.hpp"
#include "targets.hpp"

namespace fluxon::fuzz {

int preset_sfq(input data) {
    return expect_named_errors([&] { parse_sfq_library(as_text(data), "fuzz.toml"); });
}

}  // namespace fluxon::fuzz
