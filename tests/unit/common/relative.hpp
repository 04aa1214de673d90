#pragma once
// doctest::Approx adds its scale (1 by default) to the magnitudes it compares, so for values
// far below 1 (pJ, fJ) an epsilon is an absolute tolerance and any two small values compare
// equal. relative(value, tolerance) compares within `tolerance` of the larger magnitude.
#include <doctest/doctest.h>

namespace fluxon::test {

inline doctest::Approx relative(double value, double tolerance) {
    return doctest::Approx(value).epsilon(tolerance).scale(0);
}

// doctest::Approx(value) made relative to the values compared (doctest's default epsilon,
// or a chained .epsilon()), absolute only around an expected 0, where nothing is relative.
inline doctest::Approx approx(double value) { return doctest::Approx(value).scale(value == 0.0 ? 1.0 : 0.0); }

}  // namespace fluxon::test
