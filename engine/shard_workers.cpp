#include "engine/shard_workers.hpp"

#include <utility>

namespace fluxon {

void spin_barrier::arrive_and_wait() {
    const std::uint64_t generation = generation_.load(std::memory_order_acquire);
    if (waiting_.fetch_add(1, std::memory_order_acq_rel) + 1 == parties_) {
        waiting_.store(0, std::memory_order_relaxed);
        generation_.fetch_add(1, std::memory_order_acq_rel);
        return;
    }
    for (std::uint32_t spins = 0; generation_.load(std::memory_order_acquire) == generation; ++spins) {
        if (spins < 4096) {
            __builtin_ia32_pause();
        } else {
            std::this_thread::yield();
        }
    }
}

shard_workers::shard_workers(std::size_t shards, job work)
    : work_(std::move(work)), sync_(shards), errors_(shards) {
    for (std::size_t s = 1; s < shards; ++s) threads_.emplace_back([this, s] { worker(s); });
}

shard_workers::~shard_workers() {
    done_ = true;
    sync_.arrive_and_wait();  // releases the workers, which see done_ and leave
    for (auto& t : threads_) t.join();
}

void shard_workers::worker(std::size_t shard) {
    while (true) {
        sync_.arrive_and_wait();  // a window was posted (or we are done)
        if (done_) return;
        try {
            work_(shard, start_, end_);
        } catch (...) {
            errors_[shard] = std::current_exception();
        }
        sync_.arrive_and_wait();  // the window is finished
    }
}

void shard_workers::run(tick_t start, tick_t end) {
    start_ = start;
    end_ = end;
    sync_.arrive_and_wait();
    try {
        work_(0, start, end);
    } catch (...) {
        errors_[0] = std::current_exception();
    }
    sync_.arrive_and_wait();
    for (auto& e : errors_) {
        if (e) std::rethrow_exception(std::exchange(e, nullptr));
    }
}

}  // namespace fluxon
