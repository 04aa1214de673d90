// threshold: 1 where x >= theta per channel, stateless, with NeuroBench's activation counts.
#include <doctest/doctest.h>

#include "tests/unit/neurons/layers/layer_test_util.hpp"

using namespace fluxon;
using namespace fluxon::test;

TEST_CASE("threshold: 1 where x >= theta, theta per channel, counting every entry as an activation") {
    // Input [2, 2]: entries 0, 1 are channel 0 (theta 0.5), entries 2, 3 channel 1 (theta 2).
    auto l = make_layer("threshold", {{2, 2}}, {{"threshold", {{2}, {0.5, 2}}}});
    CHECK(l->kind->role() == layer_role::activation);
    CHECK(l->output == tensor_shape{{2, 2}});
    // 0.5 >= 0.5 fires, 0.4 does not; 3 >= 2 and 2 >= 2 fire.
    CHECK(l->run({0.5, 0.4, 3, 2}) == std::vector<double>{1, 0, 1, 1});
    CHECK(l->counts.activations == 4);
    CHECK(l->counts.nonzero_activations == 3);
    // Stateless: the same input gives the same output; negative values never reach a positive theta.
    CHECK(l->run({-1, 0, 0, 2}) == std::vector<double>{0, 0, 0, 1});
    CHECK(l->counts.activations == 8);
    CHECK(l->counts.nonzero_activations == 4);
    CHECK(l->counts.membrane_updates == 0);
    // The two thresholds are its parameters, 4 bytes each as float32.
    CHECK(l->kind->static_figures(l->params, l->ctx).parameters == 2);
    CHECK(l->kind->static_figures(l->params, l->ctx).footprint_bytes == 8);
}

TEST_CASE("threshold: strict = 1 is NIR's x > theta") {
    auto l = make_layer("threshold", {{2, 2}}, {{"threshold", {{2}, {0.5, 2}}}}, {{"strict", 1}});
    // Only 3 > 2 passes: the entries equal to their theta (0.5, 2) no longer fire.
    CHECK(l->run({0.5, 0.4, 3, 2}) == std::vector<double>{0, 0, 1, 0});
    CHECK(l->counts.nonzero_activations == 1);
}

TEST_CASE("threshold: where 0 crosses theta the silent entries fire too") {
    // theta = 0, x >= 0: the entries with no event (x = 0) are 1; only x = -1 stays 0.
    auto l = make_layer("threshold", {{3}}, {{"threshold", {{1}, {0}}}});
    CHECK(l->run({0, -1, 2}) == std::vector<double>{1, 0, 1});
    CHECK(l->run({0, 0, 0}) == std::vector<double>{1, 1, 1});
    CHECK(l->counts.nonzero_activations == 5);
    // Strict with theta 0: 0 > 0 fails, only the event 2 fires.
    auto strict = make_layer("threshold", {{3}}, {{"threshold", {{1}, {0}}}}, {{"strict", 1}});
    CHECK(strict->run({0, -1, 2}) == std::vector<double>{0, 0, 1});
    // A negative theta in one channel only: per entry array of the input's shape [3].
    auto mixed = make_layer("threshold", {{3}}, {{"threshold", {{3}, {1, -0.5, 1}}}}, {{"strict", 1}});
    CHECK(mixed->run({0, 0, 1.5}) == std::vector<double>{0, 1, 1});
}

TEST_CASE("threshold: an array of the input's own shape is one theta per entry") {
    auto l = make_layer("threshold", {{2, 2}}, {{"threshold", {{2, 2}, {1, 2, 3, 4}}}});
    CHECK(l->run({1, 1, 3, 3}) == std::vector<double>{1, 0, 1, 0});
}

TEST_CASE("threshold: a missing or misshapen threshold names the layer and the shapes it may have") {
    CHECK_THROWS_WITH_AS(make_layer("threshold", {{2, 2}}, {}),
                         doctest::Contains("layer 'test' needs the array 'threshold' of shape [1], [2] or [2, 2]"),
                         config_error);
    CHECK_THROWS_WITH_AS(make_layer("threshold", {{2, 2}}, {{"threshold", {{3}, {1, 2, 3}}}}),
                         doctest::Contains("layer 'test': 'threshold' has shape [3], expected [1], [2] or [2, 2] for "
                                           "its input of shape [2, 2]"),
                         config_error);
    CHECK_THROWS_WITH_AS(make_layer("threshold", {{2}}, {{"threshold", {{1}, {0}}}}, {{"strict", 0.5}}),
                         doctest::Contains("strict must be a whole number"), config_error);
}
