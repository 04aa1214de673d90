// SFQ circuit files: parsing, flattening and validating the netlist.
#include "devices/sfq/plugin/sfq_circuit.hpp"
#include "targets.hpp"

namespace fluxon::fuzz {

int sfq_circuit(input data) {
    return expect_named_errors([&] { parse_sfq_circuit(as_text(data), "fuzz.toml"); });
}

}  // namespace fluxon::fuzz
