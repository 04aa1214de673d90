// if: SpikingJelly IFNode, step by step by hand, with NeuroBench's MembraneUpdates.
#include <doctest/doctest.h>

#include "tests/unit/neurons/layers/layer_test_util.hpp"

using namespace fluxon;
using namespace fluxon::test;

TEST_CASE("if layer: v += x, spike where v >= 1, hard reset to 0; membrane updates as NeuroBench counts them") {
    auto l = make_layer("if", {{3}}, {});
    CHECK(l->kind->role() == layer_role::activation);
    CHECK(l->output == tensor_shape{{3}});
    // Step 1 (the sample's first): v = [0.5, 1.2, 0]; neuron 1 fires and resets to 0.
    CHECK(l->run({0.5, 1.2, 0}) == std::vector<double>{0, 1, 0});
    CHECK(l->counts.membrane_updates == 3);  // every neuron on the first step
    // Step 2: v = [1.0, 0.3, 0]: 1.0 >= 1 fires (SpikingJelly's >=) and resets. v went 0.5 -> 0
    // and 0 -> 0.3; neuron 2 stayed at 0: two updates.
    CHECK(l->run({0.5, 0.3, 0}) == std::vector<double>{1, 0, 0});
    CHECK(l->counts.membrane_updates == 5);
    // Step 3, no input: nothing changes, nothing fires.
    CHECK(l->run({0, 0, 0}) == std::vector<double>{0, 0, 0});
    CHECK(l->counts.membrane_updates == 5);
    CHECK(l->counts.activations == 9);
    CHECK(l->counts.nonzero_activations == 2);
}

TEST_CASE("if layer: a subtractive reset keeps the excess, which fires again without input") {
    auto l = make_layer("if", {{1}}, {}, {}, 0, {{"reset", "subtract"}});
    // 2.5 fires, v = 1.5; with no input 1.5 fires again, v = 0.5; then 0.5 stays.
    CHECK(l->run({2.5}) == std::vector<double>{1});
    CHECK(l->run({0}) == std::vector<double>{1});
    CHECK(l->run({0}) == std::vector<double>{0});
    // Updates: 1 (first step) + 1 (1.5 -> 0.5) + 0.
    CHECK(l->counts.membrane_updates == 2);
    CHECK(l->counts.nonzero_activations == 2);
}

TEST_CASE("if layer: v starts every sample at v_reset, and a hard reset returns there") {
    // v_reset = -1, threshold 1: 1.5 brings v to 0.5, 0.5 more to 1.0, which fires: v = -1.
    auto l = make_layer("if", {{1}}, {}, {{"v_reset", -1}});
    CHECK(l->run({1.5}) == std::vector<double>{0});
    CHECK(l->run({0.5}) == std::vector<double>{1});
    CHECK(l->run({1.5}) == std::vector<double>{0});  // -1 + 1.5 = 0.5
    // A new sample: v back to -1 before the input, so 0.5 gives -0.5 and no spike (from 0.5 it
    // would have reached 1.0 and fired). Every neuron counts on a sample's first step.
    const std::uint64_t before = l->counts.membrane_updates;
    CHECK(l->run({0.5}, true) == std::vector<double>{0});
    CHECK(l->counts.membrane_updates == before + 1);
}

TEST_CASE("if layer: a threshold not above v_reset, or an unknown reset, is refused") {
    CHECK_THROWS_WITH_AS(make_layer("if", {{2}}, {}, {{"v_threshold", 0}}),
                         doctest::Contains("layer 'test': v_threshold (0) must be above v_reset (0)"), config_error);
    CHECK_THROWS_WITH_AS(make_layer("if", {{2}}, {}, {{"v_threshold", -0.5}, {"v_reset", -1}}, 0,
                                    {{"reset", "subtract"}}),
                         doctest::Contains("a subtractive reset needs v_threshold > 0"), config_error);
    CHECK_THROWS_WITH_AS(make_layer("if", {{2}}, {}, {}, 0, {{"reset", "soft"}}),
                         doctest::Contains("parameter 'reset' must be one of: \"hard\", \"subtract\""), config_error);
}
