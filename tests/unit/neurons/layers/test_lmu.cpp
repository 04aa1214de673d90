// The LMU's memory: the continuous (A, B) and their zero-order hold against the test vector of
// workloads.md §2.2 (d = 4, theta = 4, dt = 1, six decimals as printed there); and one cell
// step by hand.
#include <doctest/doctest.h>

#include "tests/unit/common/relative.hpp"

#include <cmath>

#include "neurons/layers/legendre_memory.hpp"
#include "tests/unit/neurons/layers/layer_test_util.hpp"

using namespace fluxon;
using namespace fluxon::test;

TEST_CASE("lmu memory: A, B and their zero-order hold match the reference vector") {
    const lmu_system c = lmu_continuous(4, 4.0);
    const std::vector<double> a{-0.25, -0.25, -0.25, -0.25, 0.75,  -0.75, -0.75, -0.75,
                                -1.25, 1.25,  -1.25, -1.25, 1.75,  -1.75, 1.75,  -1.75};
    CHECK(c.a == a);
    CHECK(c.b == std::vector<double>{0.25, -0.75, 1.25, -1.75});
    const lmu_system d = zero_order_hold(c, 1.0);
    const std::vector<double> a_d{0.755130,  -0.191390, -0.093520, -0.002614, 0.574170,  0.274480,
                                  -0.393825, -0.046802, -0.467599, 0.656375,  -0.146317, -0.260945,
                                  0.018300,  -0.109205, 0.365323,  0.005422};
    const std::vector<double> b_d{0.244870, -0.574170, 0.467599, -0.018300};
    for (std::size_t k = 0; k < a_d.size(); ++k) CHECK(std::abs(d.a[k] - a_d[k]) < 5e-7);
    for (std::size_t k = 0; k < b_d.size(); ++k) CHECK(std::abs(d.b[k] - b_d[k]) < 5e-7);
}

TEST_CASE("lmu layer: one step from rest by hand (order 1, linear activation)") {
    // d = 1, theta = 1: A = -1, B = 1; A_d = e^-1, B_d = 1 - e^-1. x = 2, e_x = 0.5: u = 1,
    // m = 1 - e^-1; h = W_x x + W_m m = 3 * 2 + 4 (1 - e^-1).
    auto l = make_layer("lmu", {{1}},
                        {{"input_encoders", tensor{{1}, {0.5}}},
                         {"input_kernel", tensor{{1, 1}, {3}}},
                         {"memory_kernel", tensor{{1, 1}, {4}}}},
                        {{"order", 1}, {"theta", 1}}, 0, {{"activation", "linear"}});
    const std::vector<double> h = l->run({2});
    CHECK(h[0] == fluxon::test::approx(6 + 4 * (1 - std::exp(-1.0))).epsilon(1e-14));
    CHECK_THROWS_WITH_AS(make_layer("lmu", {{2}}, {{"input_encoders", tensor{{2}, {1, 1}}}}, {{"order", 2}, {"theta", 3}}),
                         doctest::Contains("needs 'input_kernel' of shape [hidden, 2]"), config_error);
}
