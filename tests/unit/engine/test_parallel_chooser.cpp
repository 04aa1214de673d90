// The choice between running a window's shards in parallel or on the calling thread: trials of
// each mode, the faster kept for a long stretch, tried again; and the engine following it.
#include <doctest/doctest.h>

#include <chrono>
#include <memory>

#include "engine/event_engine.hpp"
#include "engine/parallel_chooser.hpp"

using namespace fluxon;

namespace {

// Feeds the chooser windows that take `parallel_s` or `serial_s` by mode; returns how many of
// `n` windows ran in parallel.
std::int64_t feed(parallel_chooser& c, int n, double parallel_s, double serial_s) {
    std::int64_t parallel = 0;
    for (int i = 0; i < n; ++i) {
        const bool p = c.parallel();
        parallel += p;
        c.record(p ? parallel_s : serial_s);
    }
    return parallel;
}

// A unit that works for a fixed wall time every tick.
class busy_unit final : public unit {
public:
    explicit busy_unit(int microseconds) : work_(microseconds) {}
    void start(unit_context& ctx) override { ctx.schedule_self(id(), 0, priority_class::step, 0, 0); }
    void handle(const event& ev, unit_context& ctx) override {
        const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(work_);
        while (std::chrono::steady_clock::now() < until) {
        }
        ctx.schedule_self(id(), ev.time + 10, priority_class::step, 0, 0);
    }

private:
    int work_;
};

std::int64_t parallel_windows_with(int microseconds, int windows) {
    event_engine engine(2);
    engine.add_unit(std::make_unique<busy_unit>(microseconds), 0);
    engine.add_unit(std::make_unique<busy_unit>(microseconds), 1);
    engine.limit_lookahead(10);
    engine.run(10 * windows, 2, [](tick_t) { return true; });
    CHECK(engine.windows() == windows);
    return engine.parallel_windows();
}

}  // namespace

TEST_CASE("parallel chooser: trials of both modes, then the faster for a long stretch") {
    constexpr int trial = parallel_chooser::trial_windows, settled = parallel_chooser::settled_windows;
    parallel_chooser slow_parallel;
    // Parallel windows take 3 us, serial ones 1 us: after the trials every window is serial
    // until the next parallel trial.
    CHECK(feed(slow_parallel, 2 * trial + settled, 3e-6, 1e-6) == trial);
    CHECK(feed(slow_parallel, trial, 3e-6, 1e-6) == trial);  // the next trial
    parallel_chooser fast_parallel;
    CHECK(feed(fast_parallel, 2 * trial + settled, 1e-6, 3e-6) == trial + settled);
    // The machine changes: the next round of trials follows it.
    CHECK(feed(fast_parallel, 2 * trial + settled, 3e-6, 1e-6) == trial);
}

TEST_CASE("engine: windows of no work run on one thread, windows of much work in parallel") {
    const int windows = 2 * parallel_chooser::trial_windows + 2000;
    // Two units of 40 us on two shards: about 40 us a window in parallel, 80 us in series.
    CHECK(parallel_windows_with(40, windows) > windows / 2);
    // No work: the barrier round trip is all a parallel window costs.
    CHECK(parallel_windows_with(0, windows) < windows / 2);
}
