// avg_pool2d: each window's sum over kernel_size^2, padding included in the divisor (PyTorch's
// count_include_pad=True), by hand and against a dense reference loop.
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "tests/unit/neurons/layers/window_test_util.hpp"

using namespace fluxon;
using namespace fluxon::test;

TEST_CASE("avg_pool2d: window means, the padding counted in the divisor") {
    // The 2x2 windows of this channel sum to 10, 5, 6 and -1: means 2.5, 1.25, 1.5, -0.25.
    auto l = make_layer("avg_pool2d", {{1, 4, 4}}, {}, {{"kernel_size", 2}});
    CHECK(l->output == tensor_shape{{1, 2, 2}});
    CHECK(run_checked(*l, {1, 2, 0, 0, 3, 4, 0, 5, 0, 0, 0, 0, 6, 0, 0, -1}) ==
          dense({2.5, 1.25, 1.5, -0.25}));
    CHECK(l->counts.effective_macs + l->counts.effective_acs + l->counts.dense_ops == 0);
    CHECK(l->kind->role() == layer_role::structural);
    // Padding 1, stride 1 over [[1, 2], [3, 4]]: the corner window holds X00 and three padding
    // positions, its mean 1/4 (not 1, as count_include_pad=False would give).
    auto padded = make_layer("avg_pool2d", {{1, 2, 2}}, {}, {{"kernel_size", 2}, {"stride", 1}, {"padding", 1}});
    CHECK(run_checked(*padded, {1, 2, 3, 4}) == dense({0.25, 0.75, 0.5, 1, 2.5, 1.5, 0.75, 1.75, 1}));
    // A 3x3 window: 1 + ... + 9 = 45, over 9.
    auto nine = make_layer("avg_pool2d", {{1, 3, 3}}, {}, {{"kernel_size", 3}});
    CHECK(run_checked(*nine, {1, 2, 3, 4, 5, 6, 7, 8, 9}) == dense({5}));
}

namespace {

struct pool_case {
    std::uint32_t channels, h, w, kernel, stride, padding;
};

// nn.AvgPool2d(kernel, stride, padding) with its defaults: the sum over kernel^2 always.
std::vector<double> naive_avg_pool(const pool_case& c, const std::vector<double>& x) {
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
                out[static_cast<std::size_t>((ch * ho + oy) * wo + ox)] = sum / (double(c.kernel) * c.kernel);
            }
        }
    }
    return out;
}

}  // namespace

TEST_CASE("avg_pool2d: the same means as a dense reference loop") {
    const pool_case cases[] = {{1, 6, 6, 2, 0, 0}, {3, 7, 5, 3, 2, 1}, {2, 5, 9, 3, 1, 1}, {2, 8, 8, 5, 3, 2}};
    test_values values{5};
    for (const pool_case& c : cases) {
        CAPTURE(c.kernel);
        CAPTURE(c.stride);
        CAPTURE(c.padding);
        std::map<std::string, double> params{{"kernel_size", c.kernel}, {"padding", c.padding}};
        if (c.stride != 0) params["stride"] = c.stride;
        auto l = make_layer("avg_pool2d", {{c.channels, c.h, c.w}}, {}, params);
        const std::vector<double> x = values.quarters(std::size_t{c.channels} * c.h * c.w, 2);
        const std::vector<double> expected = naive_avg_pool(c, x);
        CHECK(l->output.size() == expected.size());
        CHECK(run_checked(*l, x) == expected);
    }
}

TEST_CASE("avg_pool2d: errors name the layer and what is wrong") {
    CHECK_THROWS_WITH_AS(make_layer("avg_pool2d", {{2, 4}}, {}, {{"kernel_size", 2}}),
                         doctest::Contains("layer 'test': avg_pool2d takes an input of shape [channels, height, "
                                           "width], got [2, 4]"),
                         config_error);
    CHECK_THROWS_WITH_AS(make_layer("avg_pool2d", {{1, 4, 4}}, {}, {{"kernel_size", 3}, {"padding", 2}}),
                         doctest::Contains("padding = 2 is more than half of kernel_size = 3"), config_error);
}
