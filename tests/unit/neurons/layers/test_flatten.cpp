// flatten: the input as one dimension, its events unchanged.
#include <doctest/doctest.h>

#include <vector>

#include "tests/unit/neurons/layers/window_test_util.hpp"

using namespace fluxon;
using namespace fluxon::test;

TEST_CASE("flatten: [2, 2, 3] becomes [12], every event at the same flat index with the same value") {
    auto l = make_layer("flatten", {{2, 2, 3}}, {});
    CHECK(l->output == tensor_shape{{12}});
    const std::vector<double> x = dense({0, 1.5, 0, -2, 0, 0, 0, 0, 7, 0, 0, 1});
    CHECK(run_checked(*l, x) == x);
    CHECK(run_checked(*l, std::vector<double>(12, 0.0)) == std::vector<double>(12, 0.0));
    CHECK(l->counts.effective_macs + l->counts.effective_acs + l->counts.dense_ops == 0);
    CHECK(l->kind->role() == layer_role::structural);
    CHECK(l->kind->static_figures(l->params, l->ctx).parameters == 0);
    // Already flat: unchanged.
    CHECK(make_layer("flatten", {{5}}, {})->output == tensor_shape{{5}});
}

TEST_CASE("flatten: an empty input is an error naming the layer") {
    CHECK_THROWS_WITH_AS(make_layer("flatten", {{3, 0, 2}}, {}),
                         doctest::Contains("layer 'test': its output would be empty: input shape [3, 0, 2]"),
                         config_error);
}
