#pragma once
// Runs an SFQ circuit given as text (the [circuit] table and any subcircuits) for tests.
#include <string>

#include "io/sfq_run.hpp"

namespace fluxon::test {

inline sfq_run_result run_sfq(const std::string& text) {
    sfq_run_options o;
    o.circuit = "test.toml";
    o.text = text;
    return run_sfq_circuit(o);
}

// The pulse times (fs) of circuit output `name`.
inline std::vector<tick_t> output(const sfq_run_result& r, const std::string& name) {
    for (const sfq_trace& t : r.outputs) {
        if (t.name == name) return t.times;
    }
    return {{-1}};
}

}  // namespace fluxon::test
