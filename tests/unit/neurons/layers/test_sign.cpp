// sign: BinaryNet's +-1 activation with BatchNorm folded into a threshold and a flip bit.
#include <doctest/doctest.h>

#include "tests/unit/neurons/layers/layer_test_util.hpp"

using namespace fluxon;
using namespace fluxon::test;

TEST_CASE("sign: +1 where x >= 0 and -1 elsewhere, every entry an event, the silent ones included") {
    auto l = make_layer("sign", {{4}}, {});
    CHECK(l->kind->role() == layer_role::activation);
    CHECK(l->output == tensor_shape{{4}});
    // sign(0) = +1: the silent entries 0 and 3 are +1, like 2; only -0.5 is -1.
    CHECK(l->run({0, -0.5, 2, 0}) == std::vector<double>{1, -1, 1, 1});
    CHECK(l->counts.activations == 4);
    CHECK(l->counts.nonzero_activations == 4);
    // No event at all still gives four +1.
    CHECK(l->run({0, 0, 0, 0}) == std::vector<double>{1, 1, 1, 1});
    CHECK(l->counts.nonzero_activations == 8);
}

TEST_CASE("sign: per-channel threshold and flip, as a BatchNorm with a negative gamma folds") {
    // Input [2, 2]. Channel 0 (entries 0, 1): +1 where x >= 1. Channel 1 (entries 2, 3): gamma < 0
    // reversed the test, +1 where x <= -1.
    auto l = make_layer("sign", {{2, 2}}, {{"threshold", {{2}, {1, -1}}}, {"flip", {{2}, {0, 1}}}});
    // 1 >= 1: +1; 0.5 < 1: -1; -1 <= -1: +1; 0 (silent) > -1: -1.
    CHECK(l->run({1, 0.5, -1, 0}) == std::vector<double>{1, -1, 1, -1});
    // x = 0 everywhere: channel 0 is below 1 (-1), channel 1 above -1 (-1).
    CHECK(l->run({0, 0, 0, 0}) == std::vector<double>{-1, -1, -1, -1});
    CHECK(l->counts.nonzero_activations == 8);
    // Two thresholds and two flips.
    CHECK(l->kind->static_figures(l->params, l->ctx).parameters == 4);
}

TEST_CASE("sign: a flip that is not 0 or 1, or a misshapen threshold, names the layer") {
    CHECK_THROWS_WITH_AS(make_layer("sign", {{2}}, {{"flip", {{2}, {0, 2}}}}),
                         doctest::Contains("layer 'test': 'flip' holds 2; each value must be 0 or 1"), config_error);
    CHECK_THROWS_WITH_AS(make_layer("sign", {{3, 4}}, {{"threshold", {{4}, {0, 0, 0, 0}}}}),
                         doctest::Contains("'threshold' has shape [4], expected [1], [3] or [3, 4]"), config_error);
}
