// The spiking LMU (L2MU) and snnTorch's Leaky by hand on one memory unit of order 1: the
// memory's ZOH weights, the delayed subtractive reset, the strict threshold, the operations
// counted per spike, and named errors.
#include <doctest/doctest.h>

#include <cmath>

#include "tests/unit/neurons/layers/layer_test_util.hpp"

using namespace fluxon;
using namespace fluxon::test;

TEST_CASE("leaky layer: the threshold is lost at the step after a spike, undecayed") {
    auto l = make_layer("leaky", {{1}}, {}, {{"beta", 0.5}, {"threshold", 1.0}});
    CHECK(l->run({1.0})[0] == 0.0);  // u = 1, not above the threshold
    CHECK(l->run({0.6})[0] == 1.0);  // u = 0.5 + 0.6 = 1.1
    CHECK(l->run({0.0})[0] == 0.0);  // u = 0.55 - 1 = -0.45
    CHECK(l->run({1.3})[0] == 1.0);  // u = -0.225 + 1.3 = 1.075
    CHECK(l->counts.nonzero_activations == 2);
    CHECK(l->counts.membrane_updates == 4);
}

TEST_CASE("l2mu layer: one memory unit of order 1 by hand") {
    // theta = 1, order 1: A = -1, so A_d = e^-1 and B_d = 1 - e^-1.
    const double a_d = std::exp(-1.0), b_d = 1.0 - std::exp(-1.0);
    auto l = make_layer("l2mu", {{1}},
                        {{"input_encoders", tensor{{1, 1}, {1}}},
                         {"input_kernel", tensor{{1, 1}, {0}}},
                         {"memory_kernel", tensor{{1, 1}, {1}}}},
                        {{"order", 1}, {"theta", 1}, {"beta_u", 0.5}, {"threshold_u", 0.5}, {"beta_m", 0.5},
                         {"threshold_m", 0.3}, {"beta_h", 0.5}, {"threshold_h", 0.9}});
    // Step 1, x = 1: u = 1 fires; the memory gets B_d = 0.632 and fires; h gets W_m = 1 and fires.
    CHECK(l->run({1})[0] == 1.0);
    CHECK(l->counts.effective_acs == 3);  // the input meets E_x; u's spike B_d; m's spike W_m
    CHECK(l->counts.nonzero_activations == 3);
    // Step 2, no input: u = 0.5 - 0.5 = 0; the memory gets A_d from its own spike:
    // m = 0.5 b_d + a_d - 0.3 = 0.384 > 0.3 fires; h = 0.5 + 1 - 0.9 = 0.6 does not.
    const double m2 = 0.5 * b_d + a_d - 0.3;
    REQUIRE(m2 > 0.3);
    CHECK(l->run({0})[0] == 0.0);
    CHECK(l->counts.effective_acs == 5);  // m's previous spike through A_d, its new one through W_m
    CHECK(l->counts.nonzero_activations == 4);
    // Step 3: m = 0.5 m2 + a_d - 0.3 = 0.260 stays below, so h gets nothing: 0.5 * 0.6 = 0.3.
    const double m3 = 0.5 * m2 + a_d - 0.3;
    REQUIRE(m3 < 0.3);
    CHECK(l->run({0})[0] == 0.0);
    CHECK(l->counts.effective_acs == 6);  // m's step-2 spike through A_d only
    CHECK(l->counts.nonzero_activations == 4);
}

TEST_CASE("l2mu layer: arrays are checked by name and shape") {
    const std::map<std::string, double> params{{"order", 2},      {"theta", 4},     {"beta_u", 0.5},
                                               {"threshold_u", 1}, {"beta_m", 0.5},  {"threshold_m", 1},
                                               {"beta_h", 0.5},   {"threshold_h", 1}};
    CHECK_THROWS_WITH_AS(make_layer("l2mu", {{2}}, {{"input_encoders", tensor{{3, 2}, {0, 0, 0, 0, 0, 0}}}}, params),
                         doctest::Contains("'input_kernel'"), config_error);
    // memory_kernel must be [hidden, memory_size * order] = [1, 6].
    CHECK_THROWS_WITH_AS(make_layer("l2mu", {{2}},
                                    {{"input_encoders", tensor{{3, 2}, {0, 0, 0, 0, 0, 0}}},
                                     {"input_kernel", tensor{{1, 2}, {0, 0}}},
                                     {"memory_kernel", tensor{{1, 3}, {0, 0, 0}}}},
                                    params),
                         doctest::Contains("memory_kernel"), config_error);
    auto missing = params;
    missing.erase("beta_m");
    CHECK_THROWS_WITH_AS(make_layer("l2mu", {{2}},
                                    {{"input_encoders", tensor{{3, 2}, {0, 0, 0, 0, 0, 0}}},
                                     {"input_kernel", tensor{{1, 2}, {0, 0}}}},
                                    missing),
                         doctest::Contains("beta_m"), config_error);
}
