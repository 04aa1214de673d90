// linear: y = W x + b, event by event, with NeuroBench's operation counts by hand.
#include <doctest/doctest.h>

#include <cmath>

#include "tests/unit/neurons/layers/layer_test_util.hpp"

using namespace fluxon;
using namespace fluxon::test;

TEST_CASE("linear: y = W x + b from the input's events, counting synaptic operations as NeuroBench") {
    // W = [[1, 0, 2], [0, 0, -1]], b = [0.5, 0]: x = [3, 0, 1] gives [5.5, -1].
    auto l = make_layer("linear", {{3}}, {{"weight", {{2, 3}, {1, 0, 2, 0, 0, -1}}}, {"bias", {{2}, {0.5, 0}}}});
    CHECK(l->output == tensor_shape{{2}});
    CHECK(l->run({3, 0, 1}) == std::vector<double>{5.5, -1});
    // Two events (x0, x2): column 0 has 1 non-zero weight, column 2 has 2; x is not binary.
    CHECK(l->counts.effective_macs == 3);
    CHECK(l->counts.effective_acs == 0);
    CHECK(l->counts.dense_ops == 6);
    // A binary input: ACs. x = [1, 1, 0]: column 0 (1) + column 1 (0).
    CHECK(l->run({1, 1, 0}) == std::vector<double>{1.5, 0});
    CHECK(l->counts.effective_acs == 1);
    CHECK(l->counts.dense_ops == 12);
    // No events: only the bias.
    CHECK(l->run({0, 0, 0}) == std::vector<double>{0.5, 0});
}

TEST_CASE("linear: a weight of the wrong shape names the layer, the array and both shapes") {
    CHECK_THROWS_WITH_AS(make_layer("linear", {{4}}, {{"weight", {{2, 3}, {1, 0, 2, 0, 0, -1}}}}),
                         doctest::Contains("layer 'test': 'weight' has shape [2, 3], expected [2, 4]"), config_error);
    CHECK_THROWS_WITH_AS(make_layer("linear", {{3}}, {}), doctest::Contains("needs 'weight' of shape [out_features, 3]"),
                         config_error);
    CHECK_THROWS_WITH_AS(make_layer("linear", {{3}}, {{"weight", {{1, 3}, {1, 0, 2}}}, {"bias", {{2}, {0, 0}}}}),
                         doctest::Contains("'bias' has shape [2], expected [1]"), config_error);
    CHECK_THROWS_WITH_AS(make_layer("linear", {{1}}, {{"weight", {{1, 1}, {std::nan("")}}}}),
                         doctest::Contains("every value must be finite"), config_error);
}
