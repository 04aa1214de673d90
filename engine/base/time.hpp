#pragma once
// Simulated time is an integer count of ticks of a per-run time base. User quantities are
// converted once, at the edge; anything below the base's resolution or beyond int64 is refused.
#include <cstdint>
#include <string_view>

namespace fluxon {

using tick_t = std::int64_t;

class time_base {
public:
    static time_base picoseconds() { return time_base(1'000'000'000'000LL); }
    static time_base femtoseconds() { return time_base(1'000'000'000'000'000LL); }
    // "ps" or "fs"; throws config_error for anything else.
    static time_base from_name(std::string_view name);

    std::int64_t ticks_per_second() const { return ticks_per_second_; }
    std::string_view name() const;

    // Converts a duration in seconds to ticks. Throws time_error (naming `what`) when the value
    // is not finite, is not a whole number of ticks, or does not fit in int64.
    tick_t to_ticks(double seconds, std::string_view what) const;
    double to_seconds(tick_t ticks) const { return static_cast<double>(ticks) / ticks_per_second_; }

private:
    explicit time_base(std::int64_t tps) : ticks_per_second_(tps) {}
    std::int64_t ticks_per_second_;
};

// a * b with an error naming `what` when the product leaves int64.
tick_t checked_mul(tick_t a, tick_t b, std::string_view what);

}  // namespace fluxon
