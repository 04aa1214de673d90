// max_pool2d: each window's largest value (nn.MaxPool2d), where a window's zeros (inputs without
// an event) count and its padding never wins; by hand and against a dense reference loop.
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <vector>

#include "tests/unit/neurons/layers/window_test_util.hpp"

using namespace fluxon;
using namespace fluxon::test;

TEST_CASE("max_pool2d: window maxima, a window's zeros included") {
    // 2x2 windows: max(1, 2, 3, 4) = 4, max(0, 0, 0, 5) = 5, max(0, 0, 6, 0) = 6, and
    // max(0, 0, 0, -1) = 0: the three inputs without events are zeros, above -1.
    auto l = make_layer("max_pool2d", {{1, 4, 4}}, {}, {{"kernel_size", 2}});
    CHECK(l->output == tensor_shape{{1, 2, 2}});
    CHECK(run_checked(*l, {1, 2, 0, 0, 3, 4, 0, 5, 0, 0, 0, 0, 6, 0, 0, -1}) == dense({4, 5, 6, 0}));
    CHECK(l->counts.effective_macs + l->counts.effective_acs + l->counts.dense_ops == 0);
    CHECK(l->kind->role() == layer_role::structural);
    // A window of events only, all negative: its largest, -1. One zero among them: 0.
    auto neg = make_layer("max_pool2d", {{1, 2, 2}}, {}, {{"kernel_size", 2}});
    CHECK(run_checked(*neg, {-1, -2, -3, -4}) == dense({-1}));
    CHECK(run_checked(*neg, {-1, 0, -3, -4}) == dense({0}));
    // The state of a step does not leak into the next: no events, all zeros.
    CHECK(run_checked(*neg, {0, 0, 0, 0}) == dense({0}));
}

TEST_CASE("max_pool2d: padding is -infinity, never chosen") {
    // [[-1, -2], [-3, -4]], kernel 2, stride 1, padding 1: window (oy, ox) covers rows oy - 1 ..
    // oy, columns ox - 1 .. ox; the corner windows hold one input each, and that input wins
    // although it is negative.
    auto l = make_layer("max_pool2d", {{1, 2, 2}}, {}, {{"kernel_size", 2}, {"stride", 1}, {"padding", 1}});
    CHECK(l->output == tensor_shape{{1, 3, 3}});
    CHECK(run_checked(*l, {-1, -2, -3, -4}) == dense({-1, -1, -2, -1, -1, -2, -3, -3, -4}));
    // An input without an event is a zero, and beats the negatives of its windows.
    CHECK(run_checked(*l, {-1, 0, -3, -4}) == dense({-1, 0, 0, -1, 0, 0, -3, -3, -4}));
}

namespace {

struct pool_case {
    std::uint32_t channels, h, w, kernel, stride, padding;
};

// nn.MaxPool2d: the padding is -infinity.
std::vector<double> naive_max_pool(const pool_case& c, const std::vector<double>& x) {
    const std::int64_t s = c.stride == 0 ? c.kernel : c.stride;
    const std::int64_t ho = (std::int64_t{c.h} + 2 * c.padding - c.kernel) / s + 1;
    const std::int64_t wo = (std::int64_t{c.w} + 2 * c.padding - c.kernel) / s + 1;
    std::vector<double> out(static_cast<std::size_t>(c.channels * ho * wo), 0.0);
    for (std::int64_t ch = 0; ch < c.channels; ++ch) {
        for (std::int64_t oy = 0; oy < ho; ++oy) {
            for (std::int64_t ox = 0; ox < wo; ++ox) {
                double best = -std::numeric_limits<double>::infinity();
                for (std::int64_t ky = 0; ky < c.kernel; ++ky) {
                    for (std::int64_t kx = 0; kx < c.kernel; ++kx) {
                        const std::int64_t iy = oy * s - c.padding + ky, ix = ox * s - c.padding + kx;
                        if (iy >= 0 && iy < c.h && ix >= 0 && ix < c.w) {
                            best = std::max(best, x[static_cast<std::size_t>((ch * c.h + iy) * c.w + ix)]);
                        }
                    }
                }
                out[static_cast<std::size_t>((ch * ho + oy) * wo + ox)] = best;
            }
        }
    }
    return out;
}

}  // namespace

TEST_CASE("max_pool2d: the same maxima as a dense reference loop, with mostly negative inputs") {
    const pool_case cases[] = {{1, 6, 6, 2, 0, 0}, {3, 7, 5, 3, 2, 1}, {2, 5, 9, 3, 1, 1}, {2, 8, 8, 4, 3, 2}};
    test_values values{11};
    for (const pool_case& c : cases) {
        CAPTURE(c.kernel);
        CAPTURE(c.stride);
        CAPTURE(c.padding);
        std::map<std::string, double> params{{"kernel_size", c.kernel}, {"padding", c.padding}};
        if (c.stride != 0) params["stride"] = c.stride;
        auto l = make_layer("max_pool2d", {{c.channels, c.h, c.w}}, {}, params);
        // Negative values, a few zeros: windows of events only (max < 0) as well as windows
        // whose zero wins.
        std::vector<double> x = values.quarters(std::size_t{c.channels} * c.h * c.w, 12);
        for (double& v : x) v = v > 0 ? -v : v;
        const std::vector<double> expected = naive_max_pool(c, x);
        CHECK(l->output.size() == expected.size());
        CHECK(run_checked(*l, x) == expected);
        std::size_t negative = 0;
        for (const double v : expected) negative += v < 0;
        CHECK(negative > 0);
        CHECK(negative < expected.size());
        // And with positive values too.
        const std::vector<double> mixed = values.quarters(x.size(), 3);
        CHECK(run_checked(*l, mixed) == naive_max_pool(c, mixed));
    }
}

TEST_CASE("max_pool2d: errors name the layer and what is wrong") {
    CHECK_THROWS_WITH_AS(make_layer("max_pool2d", {{1, 4, 4}}, {}, {{"kernel_size", 1}, {"padding", 1}}),
                         doctest::Contains("layer 'test': padding = 1 is more than half of kernel_size = 1"),
                         config_error);
    CHECK_THROWS_WITH_AS(make_layer("max_pool2d", {{1, 4, 4}}, {}, {{"kernel_size", 5}}),
                         doctest::Contains("layer 'test': its output would be empty"), config_error);
}
