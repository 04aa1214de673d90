#pragma once
// The progress bar of `fluxon run`, redrawn in place on a terminal:
// "[#####.....] 42% 0.42/1.00 s sim, 1.3 s wall, ETA 1.8 s".
#include <chrono>
#include <cstdio>
#include <string>

namespace fluxon::cli {

std::string format_progress(double t_reached, double t_end, double wall_seconds);

class progress_bar {
public:
    explicit progress_bar(std::FILE* out);
    ~progress_bar();
    progress_bar(const progress_bar&) = delete;
    progress_bar& operator=(const progress_bar&) = delete;

    void update(double t_reached, double t_end);
    // Ends the bar's line so that what follows starts on a fresh one.
    void finish();

private:
    std::FILE* out_;
    std::chrono::steady_clock::time_point start_;
    bool drawn_ = false;
};

}  // namespace fluxon::cli
