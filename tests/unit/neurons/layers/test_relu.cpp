// relu: max(x, 0), counted as an activation layer.
#include <doctest/doctest.h>

#include "tests/unit/neurons/layers/layer_test_util.hpp"

using namespace fluxon;
using namespace fluxon::test;

TEST_CASE("relu: the positive events pass, the others are no events; every entry is an activation") {
    auto l = make_layer("relu", {{1, 3}}, {});
    CHECK(l->kind->role() == layer_role::activation);
    CHECK(l->output == tensor_shape{{1, 3}});
    CHECK(l->run({-1, 0, 2.5}) == std::vector<double>{0, 0, 2.5});
    CHECK(l->counts.activations == 3);
    CHECK(l->counts.nonzero_activations == 1);
    CHECK(l->run({1, 1, -3}) == std::vector<double>{1, 1, 0});
    CHECK(l->counts.activations == 6);
    CHECK(l->counts.nonzero_activations == 3);
}
