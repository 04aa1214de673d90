#include "engine/parallel_chooser.hpp"

namespace fluxon {

void parallel_chooser::record(double seconds) {
    if (parallel()) ++parallel_windows_;
    ++windows_;
    switch (phase_) {
    case phase::trial_parallel:
        parallel_time_ += seconds;
        if (windows_ == trial_windows) {
            phase_ = phase::trial_serial;
            windows_ = 0;
        }
        break;
    case phase::trial_serial:
        serial_time_ += seconds;
        if (windows_ == trial_windows) {
            parallel_ = parallel_time_ <= serial_time_;
            phase_ = phase::settled;
            windows_ = 0;
        }
        break;
    case phase::settled:
        if (windows_ == settled_windows) {
            phase_ = phase::trial_parallel;
            windows_ = 0;
            parallel_time_ = serial_time_ = 0;
        }
        break;
    }
}

}  // namespace fluxon
