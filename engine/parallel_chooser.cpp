#include "engine/parallel_chooser.hpp"

#include <algorithm>

namespace fluxon {
namespace {

template <std::size_t N>
double median(std::array<double, N>& times) {
    std::nth_element(times.begin(), times.begin() + N / 2, times.end());
    return times[N / 2];
}

}  // namespace

void parallel_chooser::record(double seconds) {
    if (parallel()) ++parallel_windows_;
    switch (phase_) {
    case phase::trial_parallel:
        parallel_times_[windows_++] = seconds;
        if (windows_ == trial_windows) {
            phase_ = phase::trial_serial;
            windows_ = 0;
        }
        break;
    case phase::trial_serial:
        serial_times_[windows_++] = seconds;
        if (windows_ == trial_windows) {
            parallel_ = median(parallel_times_) <= median(serial_times_);
            phase_ = phase::settled;
            windows_ = 0;
        }
        break;
    case phase::settled:
        if (++windows_ == settled_windows) {
            phase_ = phase::trial_parallel;
            windows_ = 0;
        }
        break;
    }
}

}  // namespace fluxon
