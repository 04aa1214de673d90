// The choice between running a window's shards in parallel or on the calling thread: trials of
// each mode, the faster kept for a long stretch, tried again; and the engine following it.
#include <doctest/doctest.h>

#include <memory>

#include "engine/event_engine.hpp"
#include "engine/parallel_chooser.hpp"

using namespace fluxon;

namespace {

// Feeds the chooser `n` windows whose times `time(parallel, index in this feed)` gives;
// returns how many ran in parallel.
template <class Time>
std::int64_t feed(parallel_chooser& c, int n, Time time) {
    std::int64_t parallel = 0;
    for (int i = 0; i < n; ++i) {
        const bool p = c.parallel();
        parallel += p;
        c.record(time(p, i));
    }
    return parallel;
}

// Windows that take `parallel_s` or `serial_s` by mode.
std::int64_t feed(parallel_chooser& c, int n, double parallel_s, double serial_s) {
    return feed(c, n, [&](bool p, int) { return p ? parallel_s : serial_s; });
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

constexpr int trial = parallel_chooser::trial_windows, settled = parallel_chooser::settled_windows;

TEST_CASE("parallel chooser: a trial of each mode, then the faster for a long stretch") {
    parallel_chooser slow_parallel;
    // Parallel windows take 3 us, serial ones 1 us: after the trials every window is serial
    // until parallel is tried again.
    CHECK(feed(slow_parallel, 2 * trial + settled, 3e-6, 1e-6) == trial);
    CHECK(feed(slow_parallel, trial, 3e-6, 1e-6) == trial);  // the next trial
    CHECK(feed(slow_parallel, settled, 3e-6, 1e-6) == 0);

    parallel_chooser fast_parallel;
    CHECK(feed(fast_parallel, 2 * trial + settled, 1e-6, 3e-6) == trial + settled);
    // The machine changes. Serial's trial ties with parallel's pace as last measured, so the
    // threads stay for a stretch, which measures their new pace; serial's next trial wins.
    CHECK(feed(fast_parallel, trial + settled, 3e-6, 1e-6) == settled);
    CHECK(feed(fast_parallel, trial + settled, 3e-6, 1e-6) == 0);
}

TEST_CASE("parallel chooser: trials grow rarer while one mode keeps winning by far") {
    parallel_chooser c;
    CHECK(feed(c, 2 * trial + settled, 1e-6, 3e-6) == trial + settled);
    CHECK(feed(c, trial + 2 * settled, 1e-6, 3e-6) == 2 * settled);
    CHECK(feed(c, trial + 4 * settled, 1e-6, 3e-6) == 4 * settled);
    CHECK(feed(c, trial + 8 * settled, 1e-6, 3e-6) == 8 * settled);
    CHECK(feed(c, trial + 8 * settled, 1e-6, 3e-6) == 8 * settled);  // the longest stretch
    // A narrow win starts over from the shortest stretch.
    CHECK(feed(c, trial + settled, 1e-6, 1.1e-6) == settled);
    CHECK(feed(c, trial, 1e-6, 1.1e-6) == 0);
}

TEST_CASE("parallel chooser: the windows right after a switch do not count") {
    parallel_chooser c;
    // Serial windows take 1 us once the caches have followed the switch, 10 us before; parallel
    // windows always 2 us. Judged by whole trials, serial would lose.
    const auto time = [](bool p, int i) {
        if (p) return 2e-6;
        return i < trial + parallel_chooser::warmup_windows ? 10e-6 : 1e-6;
    };
    CHECK(feed(c, 2 * trial + settled, time) == trial);
}

TEST_CASE("parallel chooser: a few very long windows do not decide a trial") {
    parallel_chooser c;
    // Parallel windows take 1 us and serial ones 2 us, but three measured parallel windows
    // lost 5 ms each to another process: with them, the parallel mean is far slower.
    const auto time = [](bool p, int i) {
        if (!p) return 2e-6;
        return i == 300 || i == 700 || i == 900 ? 5e-3 : 1e-6;
    };
    CHECK(feed(c, 2 * trial + settled, time) == trial + settled);
}

TEST_CASE("parallel chooser: parallel windows that are often slow count as slow") {
    parallel_chooser c;
    // A quarter of the parallel windows take 10 us (a worker slow to answer, say), the rest
    // 1 us; serial windows take 2 us. The typical parallel window is faster, the mean is not.
    const auto time = [](bool p, int i) {
        if (!p) return 2e-6;
        return i % 4 == 0 ? 10e-6 : 1e-6;
    };
    CHECK(feed(c, 2 * trial + settled, time) == trial);
}

TEST_CASE("engine: windows of no work run on one thread") {
    // No work: the hand-over is all a parallel window costs, so the calling thread
    // runs both shards after the trials. (The opposite case, much work, is not checked here:
    // whether parallel windows win depends on what else the machine runs, and the tests run
    // two at a time.)
    const int windows = 2 * parallel_chooser::trial_windows + 2000;
    CHECK(parallel_windows_with(windows) < windows / 2);
}
