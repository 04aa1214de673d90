// The hand-over of windows to the shard threads: every shard runs once per window, on the
// window posted, and sees what every shard wrote in the windows before; a shard's exception
// reaches the caller and does not outlive its window.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "engine/shard_workers.hpp"

using namespace fluxon;

TEST_CASE("shard workers: each window runs every shard once and publishes what they wrote") {
    constexpr std::size_t shards = 3;
    constexpr tick_t windows = 3000;
    // As the spike logs do: in window w shard s writes written[w % 2][s] and reads every
    // shard's written[(w - 1) % 2]. A hand-over that did not order one window's writes before
    // the next window's reads would show stale values.
    std::vector<tick_t> written[2] = {std::vector<tick_t>(shards, -2), std::vector<tick_t>(shards, -1)};
    std::vector<std::int64_t> runs(shards, 0);
    std::atomic<int> stale{0}, wrong_window{0};
    tick_t posted = 0;
    shard_workers workers(shards, [&](std::size_t s, tick_t start, tick_t end) {
        if (start != posted || end != posted + 1) ++wrong_window;
        for (std::size_t other = 0; other < shards; ++other) {
            if (written[(start + 1) % 2][other] != start - 1) ++stale;
        }
        ++runs[s];
        written[start % 2][s] = start;
    });
    for (posted = 0; posted < windows; ++posted) workers.run(posted, posted + 1);
    for (std::size_t s = 0; s < shards; ++s) CHECK(runs[s] == windows);
    CHECK(stale == 0);
    CHECK(wrong_window == 0);
}

TEST_CASE("shard workers: a shard's exception reaches the caller, lowest shard first, once") {
    shard_workers workers(3, [](std::size_t s, tick_t start, tick_t) {
        if (start == 5 && s >= 1) throw std::runtime_error("shard " + std::to_string(s));
    });
    for (tick_t w = 0; w < 5; ++w) workers.run(w, w + 1);
    std::string message;
    try {
        workers.run(5, 6);
    } catch (const std::runtime_error& e) {
        message = e.what();
    }
    CHECK(message == "shard 1");
    // The failed window's exceptions are not thrown again by the next one.
    CHECK_NOTHROW(workers.run(6, 7));
}

TEST_CASE("shard workers: a worker that fell asleep between windows runs the next one") {
    std::vector<std::int64_t> runs(2, 0);
    shard_workers workers(2, [&](std::size_t s, tick_t, tick_t) { ++runs[s]; });
    for (tick_t w = 0; w < 6; ++w) {
        // Long enough for the worker to stop spinning and sleep (a few hundred microseconds).
        if (w % 2 == 1) std::this_thread::sleep_for(std::chrono::milliseconds(20));
        workers.run(w, w + 1);
        CHECK(runs[1] == w + 1);
    }
}

TEST_CASE("shard workers: the caller's writes before a window reach the workers, theirs reach it after") {
    // Plain (non-atomic) data both ways, as the engine hands the slices their inputs and takes
    // their spikes back; ThreadSanitizer (scripts/tsan) reports any access the hand-over does
    // not order. Some windows follow a pause long enough for the workers to fall asleep.
    constexpr std::size_t shards = 4;
    std::vector<std::int64_t> input(shards, 0), output(shards, 0);
    shard_workers workers(shards, [&](std::size_t s, tick_t start, tick_t) { output[s] = input[s] * 2 + start; });
    std::int64_t wrong = 0;
    for (tick_t w = 0; w < 2000; ++w) {
        for (std::size_t s = 0; s < shards; ++s) input[s] = w + static_cast<std::int64_t>(s);
        if (w % 500 == 499) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        workers.run(w, w + 1);
        for (std::size_t s = 0; s < shards; ++s) wrong += output[s] != 2 * (w + static_cast<std::int64_t>(s)) + w;
    }
    CHECK(wrong == 0);
}
