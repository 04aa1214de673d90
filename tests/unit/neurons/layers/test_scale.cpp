// scale: y = s x per channel (NIR Scale).
#include <doctest/doctest.h>

#include "tests/unit/neurons/layers/layer_test_util.hpp"

using namespace fluxon;
using namespace fluxon::test;

TEST_CASE("scale: each entry times its channel's scale") {
    // Input [2, 2]: entries 0, 1 are scaled by 2, entries 2, 3 by -0.5.
    auto l = make_layer("scale", {{2, 2}}, {{"scale", {{2}, {2, -0.5}}}});
    CHECK(l->kind->role() == layer_role::activation);
    CHECK(l->output == tensor_shape{{2, 2}});
    // 1 * 2 = 2; entry 1 silent; 4 * -0.5 = -2; 3 * -0.5 = -1.5.
    CHECK(l->run({1, 0, 4, 3}) == std::vector<double>{2, 0, -2, -1.5});
    CHECK(l->counts.activations == 4);
    CHECK(l->counts.nonzero_activations == 3);
}

TEST_CASE("scale: a scalar scale, a zero scale, and NIR's per-entry scale") {
    auto half = make_layer("scale", {{3}}, {{"scale", {{1}, {0.5}}}});
    CHECK(half->run({1, -2, 0}) == std::vector<double>{0.5, -1, 0});
    // A zero scale turns every event into a zero activation: no events.
    auto zero = make_layer("scale", {{3}}, {{"scale", {{1}, {0}}}});
    CHECK(zero->run({1, 2, 3}) == std::vector<double>{0, 0, 0});
    CHECK(zero->counts.activations == 3);
    CHECK(zero->counts.nonzero_activations == 0);
    auto nir = make_layer("scale", {{3}}, {{"scale", {{3}, {1, 2, 3}}}});
    CHECK(nir->run({1, 1, 1}) == std::vector<double>{1, 2, 3});
}

TEST_CASE("scale: the scale is required") {
    CHECK_THROWS_WITH_AS(make_layer("scale", {{3}}, {}),
                         doctest::Contains("layer 'test' needs the array 'scale' of shape [1] or [3]"), config_error);
}
