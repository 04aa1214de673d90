#pragma once
// Ctrl-C asks running simulations to stop at their next window end, so the run file is
// complete up to there. The handler only stores to a lock-free atomic (async-signal-safe).
#include <atomic>

namespace fluxon::cli {

// Installs the SIGINT handler. It is one-shot: a second Ctrl-C kills the process the default
// way, for a run that does not reach a window end soon enough.
void catch_interrupts();

// Set once SIGINT arrived; handed to run_options::stop.
const std::atomic<bool>& interrupt_flag();

}  // namespace fluxon::cli
