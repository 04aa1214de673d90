// lif: SpikingJelly LIFNode (multi-step), step by step by hand. With tau = 2 and v_reset = 0,
// decay_input gives h = v + (x - v) / 2 = 0.5 v + 0.5 x, exact in binary.
#include <doctest/doctest.h>

#include "tests/unit/neurons/layers/layer_test_util.hpp"

using namespace fluxon;
using namespace fluxon::test;

TEST_CASE("lif layer: tau = 2, decay_input, hard reset; silent neurons still decay") {
    auto l = make_layer("lif", {{2}}, {});
    CHECK(l->kind->role() == layer_role::activation);
    CHECK(l->output == tensor_shape{{2}});
    // Step 1: h = [0.75, 1.5]: neuron 1 fires and resets to 0.
    CHECK(l->run({1.5, 3}) == std::vector<double>{0, 1});
    CHECK(l->counts.membrane_updates == 2);
    // Step 2: h0 = 0.375 + 0.75 = 1.125 fires, resets to 0; h1 = 0 stays 0: one update.
    CHECK(l->run({1.5, 0}) == std::vector<double>{1, 0});
    CHECK(l->counts.membrane_updates == 3);
    // Step 3: h0 = 0 + 0.25 = 0.25. Step 4, no input: 0.25 decays to 0.125, still an update.
    CHECK(l->run({0.5, 0}) == std::vector<double>{0, 0});
    CHECK(l->run({0, 0}) == std::vector<double>{0, 0});
    CHECK(l->counts.membrane_updates == 5);
    CHECK(l->counts.activations == 8);
    CHECK(l->counts.nonzero_activations == 2);
}

TEST_CASE("lif layer: decay_input = false adds x undecayed; a subtractive reset keeps the excess") {
    // h = v - v / 2 + x. Step 1: 0.75. Step 2: 0.375 + 0.75 = 1.125 fires, v = 0.125.
    // Step 3, no input: 0.0625.
    auto l = make_layer("lif", {{1}}, {}, {}, 0, {{"decay_input", "false"}, {"reset", "subtract"}});
    CHECK(l->run({0.75}) == std::vector<double>{0});
    CHECK(l->run({0.75}) == std::vector<double>{1});
    CHECK(l->run({0}) == std::vector<double>{0});
    CHECK(l->counts.membrane_updates == 3);
    // The same with decay_input: step 1 0.375, step 2 0.1875 + 0.375 = 0.5625, no spike.
    auto d = make_layer("lif", {{1}}, {}, {}, 0, {{"reset", "subtract"}});
    CHECK(d->run({0.75}) == std::vector<double>{0});
    CHECK(d->run({0.75}) == std::vector<double>{0});
}

TEST_CASE("lif layer: v decays toward v_reset, where every sample starts") {
    // tau = 4, v_reset = -0.5: h = v + (x - (v + 0.5)) / 4. Step 1, x = 0: v stays -0.5.
    // Step 2, x = 2: -0.5 + 2 / 4 = 0. Step 3, x = 0: 0 + (0 - 0.5) / 4 = -0.125.
    auto l = make_layer("lif", {{1}}, {}, {{"tau", 4}, {"v_reset", -0.5}});
    CHECK(l->run({0}) == std::vector<double>{0});
    CHECK(l->run({2}) == std::vector<double>{0});
    CHECK(l->run({0}) == std::vector<double>{0});
    // Updates: 1 (first step; v did not move but NeuroBench counts every neuron) + 1 + 1.
    CHECK(l->counts.membrane_updates == 3);
    // A new sample from v = -0.5 again: x = 2 gives 0, as at step 2 (from -0.125 it would have
    // given 0.28125) ...
    CHECK(l->run({2}, true) == std::vector<double>{0});
    // ... and the next 6: 0 + (6 - 0.5) / 4 = 1.375 fires.
    CHECK(l->run({6}) == std::vector<double>{1});
}

TEST_CASE("lif layer: tau must exceed 1 step, and decay_input is \"true\" or \"false\"") {
    CHECK_THROWS_WITH_AS(make_layer("lif", {{2}}, {}, {{"tau", 1}}), doctest::Contains("parameter 'tau'"),
                         config_error);
    CHECK_THROWS_WITH_AS(make_layer("lif", {{2}}, {}, {}, 0, {{"decay_input", "yes"}}),
                         doctest::Contains("parameter 'decay_input' must be one of: \"true\", \"false\""),
                         config_error);
    CHECK_THROWS_WITH_AS(make_layer("lif", {{2}}, {}, {{"v_threshold", -1}}),
                         doctest::Contains("layer 'test': v_threshold (-1) must be above v_reset (0)"), config_error);
}
