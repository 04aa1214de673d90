#include "engine/parallel_chooser.hpp"

#include <algorithm>
#include <numeric>

namespace fluxon {

parallel_chooser::parallel_chooser() : last_(measured_windows, 0.0) {}

// Called at the end of a stretch, after which the ring is refilled from the start.
double parallel_chooser::pace() {
    const auto kept = last_.end() - measured_windows / 16;
    std::nth_element(last_.begin(), kept, last_.end());
    return std::accumulate(last_.begin(), kept, 0.0) / static_cast<double>(kept - last_.begin());
}

void parallel_chooser::switch_mode() {
    parallel_ = !parallel_;
    windows_ = 0;
}

void parallel_chooser::record(double seconds) {
    if (parallel_) ++parallel_windows_;
    last_[static_cast<std::size_t>(windows_ % measured_windows)] = seconds;
    ++windows_;
    const int length = phase_ == phase::settled ? settled_length_ : trial_windows;
    if (windows_ < length) return;
    pace_[parallel_] = pace();
    switch (phase_) {
    case phase::first_trial:
        phase_ = phase::second_trial;
        switch_mode();
        break;
    case phase::second_trial:
    case phase::trial: {
        // The mode just tried against the other's latest pace; a tie keeps the threads.
        const bool faster_parallel = pace_[1] <= pace_[0];
        const bool confirmed = phase_ == phase::trial && faster_parallel != parallel_;
        const bool wide = std::max(pace_[0], pace_[1]) >= wide_margin * std::min(pace_[0], pace_[1]);
        settled_length_ = confirmed && wide ? std::min(2 * settled_length_, longest_settled_windows) : settled_windows;
        phase_ = phase::settled;
        if (faster_parallel != parallel_) {
            switch_mode();
        } else {
            windows_ = 0;
        }
        break;
    }
    case phase::settled:
        phase_ = phase::trial;
        switch_mode();
        break;
    }
}

}  // namespace fluxon
