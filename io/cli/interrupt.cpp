#include "io/cli/interrupt.hpp"

#include <csignal>

namespace fluxon::cli {
namespace {

std::atomic<bool> interrupt_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free, "the signal handler needs a lock-free flag");

extern "C" void on_sigint(int) { interrupt_requested.store(true, std::memory_order_relaxed); }

}  // namespace

void catch_interrupts() {
    struct sigaction action {};
    action.sa_handler = on_sigint;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESETHAND;
    sigaction(SIGINT, &action, nullptr);
}

const std::atomic<bool>& interrupt_flag() { return interrupt_requested; }

}  // namespace fluxon::cli
