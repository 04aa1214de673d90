// The event-based GRU cell (Subramoney et al. 2023) by hand on one unit: its gates, its
// graded event, both resets, the operations counted per event, and named errors.
#include <doctest/doctest.h>

#include "tests/unit/common/relative.hpp"

#include <cmath>

#include "tests/unit/neurons/layers/layer_test_util.hpp"

using namespace fluxon;
using namespace fluxon::test;

namespace {

std::unique_ptr<layer_under_test> one_unit(const std::string& reset) {
    return make_layer("egru", {{1}},
                      {{"w_update", tensor{{1, 1}, {0}}},
                       {"w_candidate", tensor{{1, 1}, {1}}},
                       {"u_candidate", tensor{{1, 1}, {1}}},
                       {"threshold", tensor{{1}, {0.4}}}},
                      {}, 0, {{"reset", reset}});
}

}  // namespace

TEST_CASE("egru layer: a unit emits its state as a graded event, then is reset") {
    for (const std::string reset : {"output", "threshold"}) {
        CAPTURE(reset);
        auto l = one_unit(reset);
        // Step 1, x = 2: u = r = sigmoid(0) = 1/2, z = tanh(2), c = z / 2 > 0.4: an event of c.
        const double c1 = 0.5 * std::tanh(2.0);
        const std::vector<double> y1 = l->run({2});
        CHECK(y1[0] == fluxon::test::approx(c1).epsilon(1e-15));
        CHECK(l->counts.effective_macs == 1);  // the input event meets one non-zero weight (W_z)
        // Step 2, no input: the event reaches U_z through r: z = tanh(c1 / 2); c loses y (the
        // paper) or the threshold, and stays below it.
        const double z2 = std::tanh(0.5 * c1);
        const double c2 = 0.5 * z2 + 0.5 * c1 - (reset == "output" ? c1 : 0.4);
        const std::vector<double> y2 = l->run({0});
        CHECK(y2[0] == 0.0);
        CHECK(l->counts.effective_macs == 2);  // the recurrent event meets U_z only
        CHECK(l->counts.nonzero_activations == 1);
        CHECK(l->counts.activations == 2);
        // Step 3: nothing emitted at step 2, so nothing recurrent; c decays toward z = 0.
        const std::vector<double> y3 = l->run({0});
        CHECK(y3[0] == 0.0);
        CHECK(l->counts.effective_macs == 2);
        CHECK(c2 < 0.4);
    }
}

TEST_CASE("egru layer: arrays are checked by name and shape") {
    CHECK_THROWS_WITH_AS(make_layer("egru", {{2}}, {{"w_update", tensor{{3, 2}, {0, 0, 0, 0, 0, 0}}}}),
                         doctest::Contains("'threshold'"), config_error);
    CHECK_THROWS_WITH_AS(make_layer("egru", {{2}},
                                    {{"w_update", tensor{{3, 2}, {0, 0, 0, 0, 0, 0}}},
                                     {"u_update", tensor{{2, 2}, {0, 0, 0, 0}}},
                                     {"threshold", tensor{{3}, {1, 1, 1}}}}),
                         doctest::Contains("u_update"), config_error);
}
