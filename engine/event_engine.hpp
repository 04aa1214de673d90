#pragma once
// The discrete-event engine. Units are partitioned into shards; shards advance together in
// windows no longer than the lookahead (the smallest latency any event can have between two
// units, fixed by the network and not by the number of threads), each shard processing its own
// events on its own thread (TBB). Events for another shard wait in an outbox and are merged at
// the window end; they cannot be due before then because of the lookahead.
#include <cstdint>
#include <functional>
#include <memory>
#include <queue>
#include <vector>

#include "engine/unit.hpp"

namespace fluxon {

class event_engine {
public:
    explicit event_engine(int shards);
    ~event_engine();

    int shards() const { return static_cast<int>(shards_.size()); }
    unit_id add_unit(std::unique_ptr<unit> u, int shard);
    unit& get(unit_id id) { return *units_[id].object; }
    // Adds a link; latency must be > 0 (throws user_error otherwise).
    std::uint32_t add_link(const link& l);
    // Caps the window length; the spiking layer sets it to its smallest delay.
    void limit_lookahead(tick_t ticks);
    tick_t lookahead() const;

    // Processes every event with time < t_end. After each window, `window_done(t)` is called on
    // the calling thread with the time reached; returning false stops the run there. Returns the
    // time reached. `threads` worker threads run the shards (1: all on the calling thread).
    tick_t run(tick_t t_end, int threads, const std::function<bool(tick_t)>& window_done);

    std::int64_t events_processed() const;
    // Windows of the last run() that ran their shards in parallel (the others ran one after
    // the other on the calling thread: engine/parallel_chooser.hpp).
    std::int64_t parallel_windows() const { return parallel_windows_; }
    std::int64_t windows() const { return windows_; }

private:
    struct unit_slot {
        std::unique_ptr<unit> object;
        int shard = 0;
    };
    class shard;

    std::vector<unit_slot> units_;
    std::vector<link> links_;
    std::vector<std::unique_ptr<shard>> shards_;
    tick_t lookahead_cap_;
    bool started_ = false;
    std::int64_t parallel_windows_ = 0, windows_ = 0;
};

}  // namespace fluxon
