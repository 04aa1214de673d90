#pragma once
// Whether the shards of the next window run in parallel or one after the other on the calling
// thread. A parallel window pays a round trip between cores (about 1 µs measured on the
// 2-core CI machine); a network whose window holds less work than that runs faster on one
// thread, whatever the user asked for. Results never depend on the choice: the shards are the
// same either way, only who runs them changes.
//
// The chooser runs each mode for a stretch, keeps the faster for a long stretch, then tries the
// other again, since a machine's speed drifts; while one mode keeps winning by a wide margin,
// the stretches between trials double (a trial of the slower mode costs time).
//
// A mode is judged by its steady pace, not by the windows right after a switch: a switch moves
// the shards' data between the cores' caches, and windows stayed slow for hundreds of windows
// after one (measured on CUBA: serial windows at N=4000 took 3.5 µs just after a switch and
// 2.3 µs 1000 windows later; parallel windows at N=40000, 23 µs and 13 µs; most of the
// difference is gone after 256 windows). So the first `warmup_windows` of a stretch are not
// counted, and a mode's pace is the mean of its last `measured_windows` without the longest
// sixteenth: a time slice taken by another process (milliseconds) must not decide, but a
// parallel window that is slow now and then because of the mode itself is a cost that counts.
#include <cstdint>
#include <vector>

namespace fluxon {

class parallel_chooser {
public:
    parallel_chooser();

    bool parallel() const { return parallel_; }
    // The wall time of a window run in the mode parallel() gave.
    void record(double seconds);
    std::int64_t parallel_windows() const { return parallel_windows_; }

    static constexpr int warmup_windows = 256;
    static constexpr int measured_windows = 768;
    // A stretch that tries a mode: the first two, one per mode, then one after every settled
    // stretch, of the mode not settled on.
    static constexpr int trial_windows = warmup_windows + measured_windows;
    static constexpr int settled_windows = 32768;
    static constexpr int longest_settled_windows = 8 * settled_windows;
    // How much faster a mode must be for its next settled stretch to be longer.
    static constexpr double wide_margin = 1.25;

private:
    enum class phase { first_trial, second_trial, settled, trial };
    double pace();
    void switch_mode();

    phase phase_ = phase::first_trial;
    bool parallel_ = true;
    int windows_ = 0;             // in the current stretch
    int settled_length_ = settled_windows;
    std::vector<double> last_;    // the last measured_windows times of the stretch, in any order
    double pace_[2] = {0, 0};     // per mode (serial, parallel), its latest pace
    std::int64_t parallel_windows_ = 0;
};

}  // namespace fluxon
