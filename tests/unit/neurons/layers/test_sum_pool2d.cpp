// sum_pool2d: each window's sum (NIR SumPool2d), event by event, by hand and against a dense
// reference loop; pooling is counted nowhere.
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "tests/unit/neurons/layers/window_test_util.hpp"

using namespace fluxon;
using namespace fluxon::test;

namespace {

// A 4x4 channel: the 2x2 windows sum to 1+2+3+4 = 10, 5, 6 and -1.
const std::vector<double> four_by_four = dense({
        1, 2, 0, 0,  //
        3, 4, 0, 5,  //
        0, 0, 0, 0,  //
        6, 0, 0, -1,
});

}  // namespace

TEST_CASE("sum_pool2d: 2x2 windows with the default stride, channel by channel, counted nowhere") {
    auto l = make_layer("sum_pool2d", {{1, 4, 4}}, {}, {{"kernel_size", 2}});
    CHECK(l->output == tensor_shape{{1, 2, 2}});
    CHECK(run_checked(*l, four_by_four) == dense({10, 5, 6, -1}));
    CHECK(l->counts.effective_macs + l->counts.effective_acs + l->counts.dense_ops == 0);
    CHECK(l->kind->role() == layer_role::structural);
    CHECK(l->kind->static_figures(l->params, l->ctx).parameters == 0);
    // Two channels never mix: [[1, 2], [3, 4]] and [[0, 0], [0, 7]].
    auto two = make_layer("sum_pool2d", {{2, 2, 2}}, {}, {{"kernel_size", 2}});
    CHECK(run_checked(*two, {1, 2, 3, 4, 0, 0, 0, 7}) == dense({10, 7}));
    // stride 0 is the default, kernel_size; an explicit stride 2 is the same layer.
    auto explicit_stride = make_layer("sum_pool2d", {{1, 4, 4}}, {}, {{"kernel_size", 2}, {"stride", 2}});
    CHECK(run_checked(*explicit_stride, four_by_four) == dense({10, 5, 6, -1}));
}

TEST_CASE("sum_pool2d: overlapping windows over zero padding") {
    // X = [[1, 2], [3, 4]], kernel 2, stride 1, padding 1: H_out = (2 + 2 - 2) / 1 + 1 = 3 and
    // window (oy, ox) covers rows oy - 1 .. oy, columns ox - 1 .. ox.
    auto l = make_layer("sum_pool2d", {{1, 2, 2}}, {}, {{"kernel_size", 2}, {"stride", 1}, {"padding", 1}});
    CHECK(l->output == tensor_shape{{1, 3, 3}});
    CHECK(run_checked(*l, {1, 2, 3, 4}) == dense({
                                                   1, 1 + 2, 2,           //
                                                   1 + 3, 10, 2 + 4,      //
                                                   3, 3 + 4, 4,           //
                                           }));
    // Kernel 1, stride 3 over a 2x7 input: (7 - 1) / 3 + 1 = 3 columns (0, 3, 6) of rows 0 and 1
    // ((2 - 1) / 3 + 1 = 1 row: row 1 is left out).
    auto strided = make_layer("sum_pool2d", {{1, 2, 7}}, {}, {{"kernel_size", 1}, {"stride", 3}});
    CHECK(strided->output == tensor_shape{{1, 1, 3}});
    CHECK(run_checked(*strided, {1, 2, 3, 4, 5, 6, 7, 10, 20, 30, 40, 50, 60, 70}) == dense({1, 4, 7}));
}

namespace {

struct pool_case {
    std::uint32_t channels, h, w, kernel, stride, padding;
};

std::vector<double> naive_sum_pool(const pool_case& c, const std::vector<double>& x) {
    const std::int64_t s = c.stride == 0 ? c.kernel : c.stride;
    const std::int64_t ho = (std::int64_t{c.h} + 2 * c.padding - c.kernel) / s + 1;
    const std::int64_t wo = (std::int64_t{c.w} + 2 * c.padding - c.kernel) / s + 1;
    std::vector<double> out(static_cast<std::size_t>(c.channels * ho * wo), 0.0);
    for (std::int64_t ch = 0; ch < c.channels; ++ch) {
        for (std::int64_t oy = 0; oy < ho; ++oy) {
            for (std::int64_t ox = 0; ox < wo; ++ox) {
                double sum = 0;
                for (std::int64_t ky = 0; ky < c.kernel; ++ky) {
                    for (std::int64_t kx = 0; kx < c.kernel; ++kx) {
                        const std::int64_t iy = oy * s - c.padding + ky, ix = ox * s - c.padding + kx;
                        if (iy >= 0 && iy < c.h && ix >= 0 && ix < c.w) {
                            sum += x[static_cast<std::size_t>((ch * c.h + iy) * c.w + ix)];
                        }
                    }
                }
                out[static_cast<std::size_t>((ch * ho + oy) * wo + ox)] = sum;
            }
        }
    }
    return out;
}

}  // namespace

TEST_CASE("sum_pool2d: the same sums as a dense reference loop") {
    const pool_case cases[] = {{1, 6, 6, 2, 0, 0}, {3, 7, 5, 3, 2, 1}, {2, 5, 9, 3, 1, 1}, {2, 8, 8, 4, 3, 2}};
    test_values values{3};
    for (const pool_case& c : cases) {
        CAPTURE(c.kernel);
        CAPTURE(c.stride);
        CAPTURE(c.padding);
        std::map<std::string, double> params{{"kernel_size", c.kernel}, {"padding", c.padding}};
        if (c.stride != 0) params["stride"] = c.stride;
        auto l = make_layer("sum_pool2d", {{c.channels, c.h, c.w}}, {}, params);
        const std::vector<double> x = values.quarters(std::size_t{c.channels} * c.h * c.w, 2);
        const std::vector<double> expected = naive_sum_pool(c, x);
        CHECK(l->output.size() == expected.size());
        CHECK(run_checked(*l, x) == expected);
    }
}

TEST_CASE("sum_pool2d: errors name the layer and what is wrong") {
    CHECK_THROWS_WITH_AS(make_layer("sum_pool2d", {{4}}, {}, {{"kernel_size", 2}}),
                         doctest::Contains("layer 'test': sum_pool2d takes an input of shape [channels, height, "
                                           "width], got [4]"),
                         config_error);
    CHECK_THROWS_WITH_AS(make_layer("sum_pool2d", {{1, 4, 4}}, {}, {{"kernel_size", 2}, {"padding", 2}}),
                         doctest::Contains("layer 'test': padding = 2 is more than half of kernel_size = 2"),
                         config_error);
    CHECK_THROWS_WITH_AS(make_layer("sum_pool2d", {{1, 2, 4}}, {}, {{"kernel_size", 3}}),
                         doctest::Contains("layer 'test': its output would be empty: the input height 2"),
                         config_error);
    CHECK_THROWS_WITH_AS(make_layer("sum_pool2d", {{1, 4, 4}}, {}, {}),
                         doctest::Contains("parameter 'kernel_size'"), config_error);
    CHECK_THROWS_AS(make_layer("sum_pool2d", {{1, 4, 4}}, {}, {{"kernel_size", 0}}), config_error);
}
