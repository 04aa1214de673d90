#include "engine/shard_workers.hpp"

#include <utility>

namespace fluxon {
namespace {

// Spins (then yields) until flag holds at least `target`; returns what it holds. Windows are
// microseconds long: a futex sleep and wake-up per window would cost more than the window.
std::uint64_t wait_for(const std::atomic<std::uint64_t>& flag, std::uint64_t target) {
    std::uint64_t seen = flag.load(std::memory_order_acquire);
    for (std::uint32_t spins = 0; seen < target; ++spins) {
        if (spins < 4096) {
            __builtin_ia32_pause();
        } else {
            std::this_thread::yield();
        }
        seen = flag.load(std::memory_order_acquire);
    }
    return seen;
}

}  // namespace

shard_workers::shard_workers(std::size_t shards, job work)
    : work_(std::move(work)), finished_(new signal[shards]), errors_(shards) {
    for (std::size_t s = 1; s < shards; ++s) threads_.emplace_back([this, s] { worker(s); });
}

shard_workers::~shard_workers() {
    posted_.window.store(quit, std::memory_order_release);
    for (auto& t : threads_) t.join();
}

void shard_workers::worker(std::size_t shard) {
    for (std::uint64_t window = 1;; ++window) {
        if (wait_for(posted_.window, window) == quit) return;
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
    posted_.window.store(++window_, std::memory_order_release);
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
