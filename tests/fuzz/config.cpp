// Config files: the TOML parser, the schema checks and the conversion to an experiment.
#include "io/config.hpp"
#include "targets.hpp"

namespace fluxon::fuzz {

int config(input data) {
    return expect_named_errors([&] { io::parse_config_text(as_text(data), "fuzz.toml"); });
}

}  // namespace fluxon::fuzz
