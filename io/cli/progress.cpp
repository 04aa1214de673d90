#include "io/cli/progress.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace fluxon::cli {

std::string format_progress(double t_reached, double t_end, double wall_seconds) {
    constexpr int width = 20;
    const double fraction = t_end > 0 ? std::clamp(t_reached / t_end, 0.0, 1.0) : 1.0;
    const int filled = static_cast<int>(fraction * width);
    const std::string bar = fmt::format("[{}{}]", std::string(filled, '#'), std::string(width - filled, '.'));
    // Before any simulated time has passed there is nothing to extrapolate from.
    const std::string eta = fraction > 0 ? fmt::format("{:.1f} s", wall_seconds * (1 - fraction) / fraction) : "?";
    return fmt::format("{} {:3.0f}% {:.2f}/{:.2f} s sim, {:.1f} s wall, ETA {}", bar,
                       std::floor(fraction * 100), t_reached, t_end, wall_seconds, eta);
}

progress_bar::progress_bar(std::FILE* out) : out_(out), start_(std::chrono::steady_clock::now()) {}

progress_bar::~progress_bar() { finish(); }

void progress_bar::update(double t_reached, double t_end) {
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    // \x1b[K clears what a longer previous line left behind.
    fmt::print(out_, "\r{}\x1b[K", format_progress(t_reached, t_end, wall));
    std::fflush(out_);
    drawn_ = true;
}

void progress_bar::finish() {
    if (!drawn_) return;
    fmt::print(out_, "\n");
    std::fflush(out_);
    drawn_ = false;
}

}  // namespace fluxon::cli
