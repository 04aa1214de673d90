#pragma once
// Writes an SFQ run to a run file: the common root attributes and /ledger, plus /sfq with the
// pulse traces, the violations table and the energy totals (docs/run_file.md, docs/sfq.md).
#include <string>

#include "io/sfq_run.hpp"
#include "devices/sfq/plugin/sfq_circuit.hpp"

namespace fluxon::io {

void write_sfq_run_file(const std::string& path, const fluxon::sfq_circuit& circuit, const sfq_run_result& r);

}  // namespace fluxon::io
