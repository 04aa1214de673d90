#pragma once
// Runs the shards of a window in parallel on persistent threads that meet at a barrier. A
// window often holds one step of a few microseconds of work, so the threads must not be
// created or woken through a task scheduler per window: a fork-join per window (TBB's
// parallel_for, measured) costs as much as the work it shares. The calling thread runs shard 0.
#include <atomic>
#include <exception>
#include <functional>
#include <thread>
#include <vector>
#include <cstdint>

#include "engine/time.hpp"

namespace fluxon {

// A sense-reversing barrier that spins (then yields): windows are microseconds long, and a
// futex sleep and wake-up per window would cost more than the window.
class spin_barrier {
public:
    explicit spin_barrier(std::size_t parties) : parties_(parties) {}
    void arrive_and_wait();

private:
    const std::size_t parties_;
    std::atomic<std::size_t> waiting_{0};
    std::atomic<std::uint64_t> generation_{0};
};

class shard_workers {
public:
    using job = std::function<void(std::size_t shard, tick_t start, tick_t end)>;

    shard_workers(std::size_t shards, job work);
    ~shard_workers();
    shard_workers(const shard_workers&) = delete;
    shard_workers& operator=(const shard_workers&) = delete;

    // Runs work(s, start, end) for every shard and returns when all are done. Rethrows the
    // first exception a shard raised.
    void run(tick_t start, tick_t end);

private:
    void worker(std::size_t shard);

    job work_;
    spin_barrier sync_;
    std::vector<std::thread> threads_;
    std::vector<std::exception_ptr> errors_;
    tick_t start_ = 0, end_ = 0;
    bool done_ = false;
};

}  // namespace fluxon
