#pragma once
// DRAM address traces in DRAMSim3's text format: one request per line,
//   <address> <op> <cycle>        e.g.  0x1f3a40 READ 1200
// with the byte address in hex (0x prefix) or decimal, the op READ/WRITE or R/W in any case,
// and the arrival cycle a non-negative whole number of DRAM clocks that never decreases from
// line to line. Blank lines and lines starting with '#' are skipped.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "devices/dram/dram_controller.hpp"

namespace fluxon {

// The requests of the trace file at `path`, in file order. Throws io_error naming the file and
// the line for a malformed line, an address not below `capacity_bytes`, a cycle before the
// previous one or after `last_cycle`, and naming the file when it cannot be read.
std::vector<dram_request> read_dram_trace(const std::string& path, std::uint64_t capacity_bytes,
                                          dram_clock last_cycle = std::numeric_limits<dram_clock>::max());

// The last cycle a trace may name at clock period `tck` (s): 2^62 ps of memory time (about 53
// days), so that the run's end, its completions included, stays within the picosecond time base.
dram_clock last_trace_cycle(double tck);

}  // namespace fluxon
