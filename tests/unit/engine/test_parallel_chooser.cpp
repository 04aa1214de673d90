// The choice between running a window's shards in parallel or on the calling thread: trials of
// each mode, the faster kept for a long stretch, tried again; and the engine following it.
#include <doctest/doctest.h>

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

// A unit that steps every tick and does nothing else.
class idle_unit final : public unit {
public:
    void start(unit_context& ctx) override { ctx.schedule_self(id(), 0, priority_class::step, 0, 0); }
    void handle(const event& ev, unit_context& ctx) override {
        ++steps;
        ctx.schedule_self(id(), ev.time + 10, priority_class::step, 0, 0);
    }
    std::int64_t steps = 0;
};

std::int64_t parallel_windows_with(int windows) {
    event_engine engine(2);
    auto a = std::make_unique<idle_unit>();
    auto b = std::make_unique<idle_unit>();
    const idle_unit* first = a.get();
    const idle_unit* second = b.get();
    engine.add_unit(std::move(a), 0);
    engine.add_unit(std::move(b), 1);
    engine.limit_lookahead(10);
    engine.run(10 * windows, 2, [](tick_t) { return true; });
    CHECK(engine.windows() == windows);
    CHECK(first->steps == windows);  // whichever thread ran them, every window ran both shards
    CHECK(second->steps == windows);
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

TEST_CASE("parallel chooser: one long window in a trial does not decide it") {
    constexpr int trial = parallel_chooser::trial_windows, settled = parallel_chooser::settled_windows;
    parallel_chooser c;
    // Parallel windows take 1 us and serial ones 2 us, but in the parallel trial three windows
    // lost 5 ms each to another process: their sum is far slower, their median is not.
    for (int i = 0; i < trial; ++i) {
        REQUIRE(c.parallel());
        c.record(i % 20 == 7 ? 5e-3 : 1e-6);
    }
    CHECK(feed(c, trial + settled, 1e-6, 2e-6) == settled);
}

TEST_CASE("engine: windows of no work run on one thread") {
    // No work: the barrier round trip is all a parallel window costs, so the calling thread
    // runs both shards after the trials. (The opposite case, much work, is not checked here:
    // whether parallel windows win depends on what else the machine runs, and the tests run
    // two at a time.)
    const int windows = 2 * parallel_chooser::trial_windows + 2000;
    CHECK(parallel_windows_with(windows) < windows / 2);
}
