#include "engine/shard_workers.hpp"

#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "engine/base/errors.hpp"

namespace fluxon {
namespace {

constexpr std::uint32_t pause_spins = 4096, yield_spins = 64;

// Spins, then yields, until flag holds at least `target`; returns what it holds. Windows are
// microseconds long: a futex sleep and wake-up per window would cost more than the window.
// Given `sleepers`, a wait that outlasts the spinning (the engine runs windows on the calling
// thread for a stretch) sleeps on the flag instead of keeping a core busy, counted in sleepers
// so that whoever changes the flag wakes it (see post()).
std::uint64_t wait_for(const std::atomic<std::uint64_t>& flag, std::uint64_t target,
                       std::atomic<int>* sleepers = nullptr) {
    std::uint64_t seen = flag.load(std::memory_order_acquire);
    for (std::uint32_t spins = 0; seen < target; ++spins) {
        if (spins < pause_spins) {
            __builtin_ia32_pause();
        } else if (spins < pause_spins + yield_spins || !sleepers) {
            std::this_thread::yield();
        } else {
            sleepers->fetch_add(1, std::memory_order_seq_cst);
            flag.wait(seen, std::memory_order_seq_cst);
            sleepers->fetch_sub(1, std::memory_order_relaxed);
        }
        seen = flag.load(std::memory_order_acquire);
    }
    return seen;
}

}  // namespace

shard_workers::shard_workers(std::size_t shards, job work)
    : work_(std::move(work)), finished_(new signal[shards]), errors_(shards) {
    try {
        threads_.reserve(shards - 1);
        for (std::size_t s = 1; s < shards; ++s) threads_.emplace_back([this, s] { worker(s); });
    } catch (const std::system_error& e) {
        // The system refused a thread (a process or memory limit): the ones started end, and
        // the run is refused by name instead of terminating on a joinable std::thread.
        const std::size_t started = threads_.size();
        post(quit);
        for (auto& t : threads_) t.join();
        error_site site;
        site.key = "run.threads";
        site.resource = "threads";
        throw user_error(fmt::format("the system could not start {} threads ({} started: {}); ask for fewer threads",
                                     shards, started + 1, e.what()),
                         site);
    }
}

shard_workers::~shard_workers() {
    post(quit);
    for (auto& t : threads_) t.join();
}

// Sequentially consistent on both sides (the store here, the sleeper's count then its check
// of the flag in wait()): either this sees the sleeper and wakes it, or the sleeper sees the
// new window and does not sleep. Waking costs a system call, paid only when someone sleeps.
void shard_workers::post(std::uint64_t window) {
    posted_.window.store(window, std::memory_order_seq_cst);
    if (sleepers_.load(std::memory_order_seq_cst) > 0) posted_.window.notify_all();
}

void shard_workers::worker(std::size_t shard) {
    for (std::uint64_t window = 1;; ++window) {
        if (wait_for(posted_.window, window, &sleepers_) == quit) return;
        try {
            work_(shard, start_, end_);
        } catch (...) {
            errors_[shard] = std::current_exception();
        }
        finished_[shard].window.store(window, std::memory_order_release);
    }
}

void shard_workers::run(tick_t start, tick_t end) {
    start_ = start;
    end_ = end;
    post(++window_);
    try {
        work_(0, start, end);
    } catch (...) {
        errors_[0] = std::current_exception();
    }
    for (std::size_t s = 1; s < errors_.size(); ++s) wait_for(finished_[s].window, window_);
    std::exception_ptr first;
    for (auto& e : errors_) {
        if (e && !first) first = e;
        e = nullptr;
    }
    if (first) std::rethrow_exception(first);
}

}  // namespace fluxon
