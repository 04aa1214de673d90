#include <doctest/doctest.h>

#include "tests/unit/common/relative.hpp"

#include <limits>
#include <string>

#include "engine/base/errors.hpp"
#include "engine/base/quantity.hpp"
#include "engine/base/time.hpp"

using namespace fluxon;

TEST_CASE("time base: decimal durations convert exactly to ticks") {
    const auto ps = time_base::picoseconds();
    CHECK(ps.to_ticks(0.1e-3, "dt") == 100'000'000);
    CHECK(ps.to_ticks(1e-12, "x") == 1);
    CHECK(ps.to_ticks(10.0, "duration") == 10'000'000'000'000);
    CHECK(time_base::femtoseconds().to_ticks(3e-15, "x") == 3);
}

TEST_CASE("time base: durations below resolution or beyond int64 are refused") {
    const auto ps = time_base::picoseconds();
    CHECK_THROWS_AS(ps.to_ticks(0.5e-12, "dt"), time_error);
    CHECK_THROWS_AS(ps.to_ticks(1e-15, "dt"), time_error);
    CHECK(time_base::femtoseconds().to_ticks(1e-15, "dt") == 1);
    // int64 spans about 106 days of picoseconds and 2.56 hours of femtoseconds.
    CHECK(ps.to_ticks(100.0 * 86400, "duration") == 8'640'000'000'000'000'000);
    CHECK_THROWS_AS(ps.to_ticks(107.0 * 86400, "duration"), time_error);
    CHECK_THROWS_AS(time_base::femtoseconds().to_ticks(3 * 3600.0, "duration"), time_error);
    CHECK_THROWS_AS(ps.to_ticks(std::numeric_limits<double>::infinity(), "dt"), time_error);
    try {
        ps.to_ticks(0.5e-12, "dt");
    } catch (const time_error& e) {
        CHECK(std::string(e.what()).find("dt") != std::string::npos);
    }
    CHECK_THROWS_AS(checked_mul(std::int64_t{1} << 40, std::int64_t{1} << 40, "x"), time_error);
}

TEST_CASE("quantities: units convert to SI and wrong dimensions are named") {
    CHECK(parse_quantity("20 ms", dimension::time).value == fluxon::test::approx(0.02));
    CHECK(parse_quantity("-50mV", dimension::voltage).value == fluxon::test::approx(-0.05));
    CHECK(parse_quantity("1.5 nA", dimension::current).value == fluxon::test::approx(1.5e-9));
    CHECK(parse_quantity("0.3", dimension::dimensionless).value == fluxon::test::approx(0.3));
    CHECK(parse_quantity("20", dimension::time).error.find("no unit") != std::string::npos);
    CHECK(parse_quantity("20 mV", dimension::time).error.find("voltage") != std::string::npos);
    CHECK(parse_quantity("20 parsecs", dimension::time).error.find("unknown unit") != std::string::npos);
    CHECK(parse_quantity("fast", dimension::time).error.find("not a number") != std::string::npos);
}

TEST_CASE("quantities: a value with a unit is the double nearest the written decimal in SI") {
    // 3.5 * 1e-9 rounds to 3.5000000000000003e-9; the written value is 3.5e-9.
    CHECK(parse_quantity("3.5 ns", dimension::time).value == 3.5e-9);
    CHECK(parse_quantity("23.6 pJ", dimension::energy).value == 23.6e-12);
    CHECK(parse_quantity("1.62 mV", dimension::voltage).value == 1.62e-3);
    CHECK(parse_quantity("2.5e3 ms", dimension::time).value == 2.5);
    CHECK(parse_quantity("-4.1E+2 ns", dimension::time).value == -4.1e-7);
    CHECK(parse_quantity("1e308 kOhm", dimension::resistance).error.find("out of the range") != std::string::npos);
}
