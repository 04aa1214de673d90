#include "engine/base/time.hpp"

#include <cmath>
#include <limits>
#include <string>

#include <fmt/format.h>

#include "engine/base/errors.hpp"

namespace fluxon {

time_base time_base::from_name(std::string_view name) {
    if (name == "ps") return picoseconds();
    if (name == "fs") return femtoseconds();
    throw config_error(fmt::format("time base '{}' is not known; expected \"ps\" or \"fs\"", name), {});
}

std::string_view time_base::name() const {
    return ticks_per_second_ == femtoseconds().ticks_per_second_ ? "fs" : "ps";
}

tick_t time_base::to_ticks(double seconds, std::string_view what) const {
    if (!std::isfinite(seconds)) {
        throw time_error(fmt::format("{} is not a finite time ({})", what, seconds), {});
    }
    const long double exact = static_cast<long double>(seconds) * ticks_per_second_;
    // 2^63 itself is not representable, hence the strict bound.
    if (std::fabs(exact) >= 9.2233720368547758e18L) {
        throw time_error(fmt::format("{} = {} s overflows the {} time base (at most {:.4g} s)", what,
                                     seconds, name(),
                                     std::numeric_limits<tick_t>::max() / double(ticks_per_second_)),
                         {});
    }
    const long double rounded = std::nearbyint(exact);
    // Decimal inputs like 0.1 ms are not exact in binary; accept errors far below one tick.
    if (std::fabs(exact - rounded) > 1e-6L * std::max(1.0L, std::fabs(rounded))) {
        throw time_error(fmt::format("{} = {} s is not a whole number of ticks of the {} time base; "
                                     "use a multiple of 1 {}",
                                     what, seconds, name(), name()),
                         {});
    }
    return static_cast<tick_t>(rounded);
}

tick_t checked_mul(tick_t a, tick_t b, std::string_view what) {
    tick_t out = 0;
    if (__builtin_mul_overflow(a, b, &out)) {
        throw time_error(fmt::format("{} overflows 64-bit simulated time", what), {});
    }
    return out;
}

}  // namespace fluxon
