// requantize: TFLite's int32 -> int8/int4 requantisation, number for number by hand. A Q31
// mantissa m0 stands for m0 / 2^31; 2^30 = 1073741824 is 0.5, 1610612736 is 0.75.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>

#include "neurons/layers/requantize.hpp"
#include "tests/unit/neurons/layers/layer_test_util.hpp"

using namespace fluxon;
using namespace fluxon::test;

namespace {
constexpr std::int32_t half = 1073741824;  // 0.5 in Q31
}

TEST_CASE("requantize: QuantizeMultiplier splits M into a Q31 mantissa and a shift") {
    CHECK(quantize_multiplier(0.5) == quantized_multiplier{half, 0});
    CHECK(quantize_multiplier(0.25) == quantized_multiplier{half, -1});
    CHECK(quantize_multiplier(0.75) == quantized_multiplier{1610612736, 0});
    // M >= 1 gives a left shift: 1 = 0.5 * 2^1, 3 = 0.75 * 2^2.
    CHECK(quantize_multiplier(1.0) == quantized_multiplier{half, 1});
    CHECK(quantize_multiplier(3.0) == quantized_multiplier{1610612736, 2});
    // 0.1 = 0.8 * 2^-3; 0.8 * 2^31 = 1717986918.4 rounds to 1717986918.
    CHECK(quantize_multiplier(0.1) == quantized_multiplier{1717986918, -3});
    // 1 - 2^-33 has the mantissa itself, 2^31 - 0.25 in Q31, which rounds to 2^31 (not an
    // int32): halved to 2^30 with the shift one up.
    CHECK(quantize_multiplier(1.0 - std::ldexp(1.0, -33)) == quantized_multiplier{half, 1});
    // Zero, and below 2^-32 (shift < -31), are zeroed as TFLite does.
    CHECK(quantize_multiplier(0.0) == quantized_multiplier{0, 0});
    CHECK(quantize_multiplier(std::ldexp(1.0, -40)) == quantized_multiplier{0, 0});
}

TEST_CASE("requantize: SaturatingRoundingDoublingHighMul rounds ties toward +infinity, as gemmlowp") {
    // a * 0.5: 1 * 0.5 = 0.5 rounds to 1, but -0.5 rounds to 0 (gemmlowp adds 2^30 - 1 below
    // zero and divides with truncation, which is VQRDMULH's round-half-up).
    CHECK(saturating_rounding_doubling_high_mul(1, half) == 1);
    CHECK(saturating_rounding_doubling_high_mul(-1, half) == 0);
    CHECK(saturating_rounding_doubling_high_mul(3, half) == 2);    // 1.5 -> 2
    CHECK(saturating_rounding_doubling_high_mul(-3, half) == -1);  // -1.5 -> -1
    // -1 * -1 is +1, outside [-1, 1): saturated.
    constexpr std::int32_t lowest = std::numeric_limits<std::int32_t>::min();
    CHECK(saturating_rounding_doubling_high_mul(lowest, lowest) == std::numeric_limits<std::int32_t>::max());
    CHECK(saturating_rounding_doubling_high_mul(lowest, half) == -half);  // exact: -2^31 * 0.5
}

TEST_CASE("requantize: RoundingDivideByPOT rounds ties away from zero") {
    CHECK(rounding_divide_by_pot(5, 1) == 3);    // 2.5
    CHECK(rounding_divide_by_pot(-5, 1) == -3);  // -2.5
    CHECK(rounding_divide_by_pot(6, 2) == 2);    // 1.5
    CHECK(rounding_divide_by_pot(-6, 2) == -2);  // -1.5
    CHECK(rounding_divide_by_pot(7, 2) == 2);    // 1.75
    CHECK(rounding_divide_by_pot(-7, 2) == -2);  // -1.75
    CHECK(rounding_divide_by_pot(-5, 2) == -1);  // -1.25
    CHECK(rounding_divide_by_pot(9, 0) == 9);
}

TEST_CASE("requantize: MultiplyByQuantizedMultiplier, both roundings and the left shift") {
    // M = 0.25 = 0.5 * 2^-1: acc 10 -> 5 (exact high mul) -> 2.5 -> 3; acc -10 -> -5 -> -3.
    CHECK(multiply_by_quantized_multiplier(10, {half, -1}) == 3);
    CHECK(multiply_by_quantized_multiplier(-10, {half, -1}) == -3);
    // TFLite's double rounding: acc 1 is 0.25 really, but 1 * 0.5 = 0.5 rounds up to 1 and the
    // shift's 0.5 up again to 1. acc -1: -0.5 -> 0 (tie toward +infinity), then 0.
    CHECK(multiply_by_quantized_multiplier(1, {half, -1}) == 1);
    CHECK(multiply_by_quantized_multiplier(-1, {half, -1}) == 0);
    // M = 3 = 0.75 * 2^2: 5 * 4 = 20, 20 * 0.75 = 15.
    CHECK(multiply_by_quantized_multiplier(5, {1610612736, 2}) == 15);
    // 1e9 * 4 overflows int32: saturated to 2^31 - 1, times 0.75 = 1610612735.25 -> 1610612735.
    CHECK(multiply_by_quantized_multiplier(1000000000, {1610612736, 2}) == 1610612735);
    // M = 1 - 2^-33 lowered to (2^30, 1): acc * 2 * 0.5, the identity.
    CHECK(multiply_by_quantized_multiplier(-100, quantize_multiplier(1.0 - std::ldexp(1.0, -33))) == -100);
}

TEST_CASE("requantize: int8 with M = 0.1, events q - zero_point, a zero q no event, saturation") {
    // M = 0.1 -> (1717986918, -3), i.e. acc * 0.8 (rounded), then / 8 (rounded).
    //   5: 5 * 0.8 = 3.99999999907 -> 4; 4 / 8 = 0.5 -> 1.
    //  -5: -3.99999999907 -> -4; -0.5 -> -1 (away from zero).
    //   4: 3.19999999925 -> 3; 3 / 8 = 0.375 -> 0: no event.
    //  13: 10.3999999976 -> 10; 1.25 -> 1.
    //  2000: 1599.9999996 -> 1600; 200 -> clamped to 127.  -2000: -200 -> -128.
    auto l = make_layer("requantize", {{7}}, {{"multiplier", {{1}, {0.1}}}});
    CHECK(l->kind->role() == layer_role::activation);
    CHECK(l->output == tensor_shape{{7}});
    CHECK(l->run({5, -5, 4, 0, 13, 2000, -2000}) == std::vector<double>{1, -1, 0, 0, 1, 127, -128});
    CHECK(l->counts.activations == 7);
    CHECK(l->counts.nonzero_activations == 5);
}

TEST_CASE("requantize: a zero point and a fused ReLU") {
    // M = 0.5, zero_point 10. acc -6 -> -3 -> q 7; 6 -> 3 -> q 13 (event 3); 300 -> 150 -> q 160
    // -> 127 (event 117); -300 -> -150 -> q -140 -> -128 (event -138).
    auto l = make_layer("requantize", {{4}}, {{"multiplier", {{1}, {0.5}}}}, {{"zero_point", 10}});
    CHECK(l->run({-6, 6, 300, -300}) == std::vector<double>{-3, 3, 117, -138});
    // With relu the floor is zero_point itself: q 7 and q -140 become 10, no events.
    auto r = make_layer("requantize", {{4}}, {{"multiplier", {{1}, {0.5}}}}, {{"zero_point", 10}, {"relu", 1}});
    CHECK(r->run({-6, 6, 300, -300}) == std::vector<double>{0, 3, 117, 0});
    CHECK(r->counts.nonzero_activations == 2);
}

TEST_CASE("requantize: int4 clamps to [-8, 7], and -1.5 rounds to -1 as gemmlowp does") {
    // M = 0.5: 20 -> 10 -> 7; -20 -> -10 -> -8; 3 -> 1.5 -> 2; -3 -> -1.5 -> -1; 1 -> 0.5 -> 1;
    // -1 -> -0.5 -> 0, no event.
    auto l = make_layer("requantize", {{6}}, {{"multiplier", {{1}, {0.5}}}}, {{"bits", 4}});
    CHECK(l->run({20, -20, 3, -3, 1, -1}) == std::vector<double>{7, -8, 2, -1, 1, 0});
    CHECK(l->counts.nonzero_activations == 5);
}

TEST_CASE("requantize: per-channel multipliers and M >= 1") {
    // Input [2, 2]: channel 0 (entries 0, 1) M = 0.5, channel 1 (entries 2, 3) M = 0.25.
    // 6 * 0.5 = 3, -6 * 0.5 = -3; 6 -> 3 -> 1.5 -> 2; -6 -> -3 -> -1.5 -> -2.
    auto l = make_layer("requantize", {{2, 2}}, {{"multiplier", {{2}, {0.5, 0.25}}}});
    CHECK(l->run({6, -6, 6, -6}) == std::vector<double>{3, -3, 2, -2});
    // M = 3: 5 -> 15, -5 -> -15, 50 -> 150 -> 127; +-1e9 saturate inside and clamp.
    auto big = make_layer("requantize", {{5}}, {{"multiplier", {{1}, {3}}}});
    CHECK(big->run({5, -5, 50, 1e9, -1e9}) == std::vector<double>{15, -15, 127, 127, -128});
}

TEST_CASE("requantize: an accumulator that is not a whole int32 stops the run naming the layer") {
    auto l = make_layer("requantize", {{2}}, {{"multiplier", {{1}, {0.5}}}});
    CHECK_THROWS_WITH_AS(l->run({2.5, 0}), doctest::Contains("layer 'test': input entry 0 is 2.5 at step 0"),
                         user_error);
    CHECK_THROWS_WITH_AS(l->run({0, 2147483648.0}), doctest::Contains("input entry 1 is 2147483648"), user_error);
    CHECK_NOTHROW(l->run({-2147483648.0, 2147483647.0}));
}

TEST_CASE("requantize: a zero point outside the output's range, bad bits or a bad multiplier are refused") {
    const std::map<std::string, tensor> m{{"multiplier", {{1}, {0.5}}}};
    CHECK_THROWS_WITH_AS(make_layer("requantize", {{2}}, m, {{"zero_point", 128}}),
                         doctest::Contains("layer 'test': zero_point must be a whole number within the int8 range "
                                           "[-128, 127], got 128"),
                         config_error);
    CHECK_THROWS_WITH_AS(make_layer("requantize", {{2}}, m, {{"zero_point", 8}, {"bits", 4}}),
                         doctest::Contains("int4 range [-8, 7], got 8"), config_error);
    CHECK_THROWS_WITH_AS(make_layer("requantize", {{2}}, m, {{"zero_point", 1.5}}),
                         doctest::Contains("zero_point must be a whole number"), config_error);
    CHECK_THROWS_WITH_AS(make_layer("requantize", {{2}}, m, {{"bits", 6}}),
                         doctest::Contains("bits must be 8 (int8) or 4 (int4), got 6"), config_error);
    CHECK_THROWS_WITH_AS(make_layer("requantize", {{2}}, {{"multiplier", {{1}, {-0.5}}}}),
                         doctest::Contains("'multiplier' holds -0.5"), config_error);
    CHECK_THROWS_WITH_AS(make_layer("requantize", {{2}}, {}),
                         doctest::Contains("needs the array 'multiplier' of shape [1] or [2]"), config_error);
    CHECK_NOTHROW(make_layer("requantize", {{2}}, m, {{"zero_point", -128}}));
}
