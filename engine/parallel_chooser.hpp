#pragma once
// Whether the shards of the next window run in parallel or one after the other on the calling
// thread. A parallel window pays a round trip between cores (about 1 µs measured on the
// 2-core CI machine); a network whose window holds less work than that runs faster on one
// thread, whatever the user asked for. Results never depend on the choice: the shards are the
// same either way, only who runs them changes. The chooser times a trial of each mode, keeps
// the faster for a long stretch, and tries again, since a machine's speed drifts.
//
// A trial lasts about a millisecond, and one time slice taken by another process inside it
// (milliseconds) would outweigh all its windows together: trials are compared by their median
// window, which such an outlier does not move.
#include <array>
#include <cstdint>

namespace fluxon {

class parallel_chooser {
public:
    bool parallel() const { return phase_ == phase::trial_parallel || (phase_ == phase::settled && parallel_); }
    // The wall time of a window run in the mode parallel() gave.
    void record(double seconds);
    std::int64_t parallel_windows() const { return parallel_windows_; }

    static constexpr int trial_windows = 64;
    static constexpr int settled_windows = 8192;

private:
    enum class phase { trial_parallel, trial_serial, settled };
    phase phase_ = phase::trial_parallel;
    bool parallel_ = true;
    int windows_ = 0;  // in the current phase
    std::array<double, trial_windows> parallel_times_{}, serial_times_{};
    std::int64_t parallel_windows_ = 0;
};

}  // namespace fluxon
