// conv2d: nn.Conv2d's cross-correlation run event by event, with NeuroBench's counts, by hand
// and against a dense reference loop.
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "tests/unit/neurons/layers/window_test_util.hpp"

using namespace fluxon;
using namespace fluxon::test;

TEST_CASE("conv2d: a 2x2 kernel over a 3x3 input, counting synaptic operations as NeuroBench") {
    // K = [[1, -1], [0, 2]], b = 0.5. X = [[1, 0, 2], [0, 3, 0], [4, 0, 0]]:
    // out00 = 1*1 - 0 + 0 + 3*2 = 7, out01 = 0 - 2 + 0 + 0 = -2,
    // out10 = 0 - 3 + 4*0 + 0 = -3, out11 = 3 - 0 + 0 + 0 = 3; plus the bias.
    auto l = make_layer("conv2d", {{1, 3, 3}}, {{"weight", {{1, 1, 2, 2}, {1, -1, 0, 2}}}, {"bias", {{1}, {0.5}}}});
    CHECK(l->output == tensor_shape{{1, 2, 2}});
    CHECK(run_checked(*l, {1, 0, 2, 0, 3, 0, 4, 0, 0}) == dense({7.5, -1.5, -2.5, 3.5}));
    // The events' taps inside the output: X00 -> K00 only (1 op); X02 -> K01 at out01 (1);
    // X11 -> all four taps, three non-zero (3); X20 -> K10 at out10, a zero weight (0).
    CHECK(l->counts.effective_macs == 5);
    CHECK(l->counts.effective_acs == 0);
    CHECK(l->counts.dense_ops == 16);  // C_out 1 * 2 * 2 outputs * 1 * 2 * 2 taps
    // A binary input: ACs. X00 = X11 = 1: out = [1 + 2, 0, -1, 1] + 0.5; 1 + 3 ops.
    CHECK(run_checked(*l, {1, 0, 0, 0, 1, 0, 0, 0, 0}) == dense({3.5, 0.5, -0.5, 1.5}));
    CHECK(l->counts.effective_acs == 4);
    CHECK(l->counts.effective_macs == 5);
    CHECK(l->counts.dense_ops == 32);
    // No events: the bias alone, and dense operations all the same.
    CHECK(run_checked(*l, std::vector<double>(9, 0.0)) == dense({0.5, 0.5, 0.5, 0.5}));
    CHECK(l->counts.effective_acs + l->counts.effective_macs == 9);
    CHECK(l->counts.dense_ops == 48);

    const layer_static s = l->kind->static_figures(l->params, l->ctx);
    CHECK(s.weights == 4);
    CHECK(s.zero_weights == 1);
    CHECK(s.parameters == 5);
    CHECK(s.footprint_bytes == 20);
    CHECK(l->kind->role() == layer_role::connection);
}

TEST_CASE("conv2d: zero padding shifts the windows and costs nothing, dense or effective") {
    // X = [[1, 2], [3, 4]], K = [[1, 10], [100, 1000]], padding 1: a 3x3 output whose digits
    // show which taps met which inputs. out[oy][ox] = sum K[ky][kx] X[oy - 1 + ky][ox - 1 + kx].
    auto l = make_layer("conv2d", {{1, 2, 2}}, {{"weight", {{1, 1, 2, 2}, {1, 10, 100, 1000}}}}, {{"padding", 1}});
    CHECK(l->output == tensor_shape{{1, 3, 3}});
    CHECK(run_checked(*l, {1, 2, 3, 4}) == dense({
                                                   1000, 100 + 2000, 200,            // row 0: only K1x meets X
                                                   10 + 3000, 1 + 20 + 300 + 4000, 2 + 400,  // row 1
                                                   30, 3 + 40, 4,                    // row 2: only K0x
                                           }));
    // Each input sits in all four windows that hold it at one of the four taps: 4 x 4 ops. Dense
    // counts the same 16 (input position, weight) pairs, not the 36 taps of 9 outputs with the
    // padding's.
    CHECK(l->counts.effective_macs == 16);
    CHECK(l->counts.dense_ops == 16);
}

TEST_CASE("conv2d: stride and dilation pick every other row and column") {
    // 5x5 input X[i][j] = 5i + j + 1, K = [[1, 2], [3, 4]] dilated by 2, stride 2: H_out =
    // (5 - 2 - 1) / 2 + 1 = 2. out[oy][ox] = sum K[ky][kx] X[2oy + 2ky][2ox + 2kx]:
    // out00 = 1 + 2*3 + 3*11 + 4*13 = 92, out01 = 3 + 2*5 + 3*13 + 4*15 = 112,
    // out10 = 11 + 2*13 + 3*21 + 4*23 = 192, out11 = 13 + 2*15 + 3*23 + 4*25 = 212.
    std::vector<double> x(25);
    for (std::size_t i = 0; i < 25; ++i) x[i] = static_cast<double>(i + 1);
    auto l = make_layer("conv2d", {{1, 5, 5}}, {{"weight", {{1, 1, 2, 2}, {1, 2, 3, 4}}}},
                        {{"stride", 2}, {"dilation", 2}});
    CHECK(l->output == tensor_shape{{1, 2, 2}});
    CHECK(run_checked(*l, x) == dense({92, 112, 192, 212}));
    // 25 events, but those on odd rows or columns reach no tap: 16 ops, as dense (2 * 2 * 4).
    CHECK(l->counts.effective_macs == 16);
    CHECK(l->counts.dense_ops == 16);
}

TEST_CASE("conv2d: groups keep each group's outputs to its own input channels") {
    // 4 input channels of 1x1, groups 2: out0 = 1 x0 + 2 x1, out1 = 3 x2 + 4 x3.
    auto l = make_layer("conv2d", {{4, 1, 1}}, {{"weight", {{2, 2, 1, 1}, {1, 2, 3, 4}}}}, {{"groups", 2}});
    CHECK(l->output == tensor_shape{{2, 1, 1}});
    CHECK(run_checked(*l, {1, 1, 1, 0}) == dense({3, 3}));
    CHECK(run_checked(*l, {0, 0, 0, 1}) == dense({0, 4}));
    // One op per event (each meets one weight of its group): 3 + 1 ACs; dense 2 outputs x 2 inputs
    // per group, per step.
    CHECK(l->counts.effective_acs == 4);
    CHECK(l->counts.dense_ops == 8);
}

namespace {

struct conv2d_case {
    std::uint32_t c_in, c_out, groups, h, w, kh, kw, stride, padding, dilation;
};

struct reference_result {
    std::vector<double> out;
    std::uint64_t effective = 0, dense = 0;
};

// nn.Conv2d as written in its documentation: every output gathers its window, with NeuroBench's
// counts of the same loop (a product with a non-zero weight and a non-zero input; any product
// inside the input).
reference_result naive_conv2d(const conv2d_case& c, const std::vector<double>& x, const std::vector<double>& weight,
                              const std::vector<double>& bias) {
    const auto extent = [&](std::int64_t in, std::int64_t k) {
        return (in + 2 * std::int64_t{c.padding} - std::int64_t{c.dilation} * (k - 1) - 1) / c.stride + 1;
    };
    const std::int64_t ho = extent(c.h, c.kh), wo = extent(c.w, c.kw);
    const std::int64_t cin_g = c.c_in / c.groups, cout_g = c.c_out / c.groups;
    reference_result r;
    r.out.assign(static_cast<std::size_t>(c.c_out * ho * wo), 0.0);
    for (std::int64_t co = 0; co < c.c_out; ++co) {
        for (std::int64_t oy = 0; oy < ho; ++oy) {
            for (std::int64_t ox = 0; ox < wo; ++ox) {
                double acc = bias[static_cast<std::size_t>(co)];
                for (std::int64_t j = 0; j < cin_g; ++j) {
                    const std::int64_t ci = co / cout_g * cin_g + j;
                    for (std::int64_t ky = 0; ky < c.kh; ++ky) {
                        for (std::int64_t kx = 0; kx < c.kw; ++kx) {
                            const std::int64_t iy = oy * c.stride - c.padding + ky * c.dilation;
                            const std::int64_t ix = ox * c.stride - c.padding + kx * c.dilation;
                            if (iy < 0 || iy >= c.h || ix < 0 || ix >= c.w) continue;
                            const double wv = weight[static_cast<std::size_t>(((co * cin_g + j) * c.kh + ky) * c.kw + kx)];
                            const double xv = x[static_cast<std::size_t>((ci * c.h + iy) * c.w + ix)];
                            acc += wv * xv;
                            ++r.dense;
                            r.effective += wv != 0.0 && xv != 0.0;
                        }
                    }
                }
                r.out[static_cast<std::size_t>((co * ho + oy) * wo + ox)] = acc;
            }
        }
    }
    return r;
}

}  // namespace

TEST_CASE("conv2d: the same outputs and counts as a dense reference loop, over strides, padding, dilation and groups") {
    const conv2d_case cases[] = {
            {1, 1, 1, 4, 4, 3, 3, 1, 0, 1},  // plain
            {3, 4, 1, 6, 5, 3, 2, 2, 1, 1},  // rectangular kernel, stride, padding
            {4, 6, 2, 7, 6, 3, 2, 2, 1, 2},  // groups, dilation
            {4, 4, 4, 5, 5, 3, 3, 1, 2, 1},  // depthwise, padding wider than the dilated reach needs
            {2, 3, 1, 7, 10, 1, 3, 3, 0, 3},  // 1-row kernel, stride 3 and dilation 3
    };
    test_values values{42};
    for (const conv2d_case& c : cases) {
        CAPTURE(c.c_in);
        CAPTURE(c.groups);
        CAPTURE(c.stride);
        CAPTURE(c.padding);
        CAPTURE(c.dilation);
        const std::vector<std::int64_t> wshape{c.c_out, c.c_in / c.groups, c.kh, c.kw};
        const std::vector<double> weight = values.quarters(c.c_out * (c.c_in / c.groups) * c.kh * c.kw, 4);
        const std::vector<double> bias = values.quarters(c.c_out, 3);
        auto l = make_layer("conv2d", {{c.c_in, c.h, c.w}}, {{"weight", {wshape, weight}}, {"bias", {{c.c_out}, bias}}},
                            {{"stride", c.stride}, {"padding", c.padding}, {"dilation", c.dilation}, {"groups", c.groups}});
        const std::size_t n = std::size_t{c.c_in} * c.h * c.w;
        const std::vector<double> spikes = values.spikes(n), graded = values.quarters(n, 2);
        const reference_result a = naive_conv2d(c, spikes, weight, bias), b = naive_conv2d(c, graded, weight, bias);
        CHECK(l->output.size() == a.out.size());
        CHECK(run_checked(*l, spikes) == a.out);
        CHECK(run_checked(*l, graded) == b.out);
        CHECK(l->counts.effective_acs == a.effective);
        CHECK(l->counts.effective_macs == b.effective);
        CHECK(l->counts.dense_ops == a.dense + b.dense);
        CHECK(a.effective > 0);  // the case does exercise the counts
    }
}

TEST_CASE("conv2d: errors name the layer and what is wrong") {
    const tensor w1{{2, 1, 1, 1}, {1, 1}};
    CHECK_THROWS_WITH_AS(make_layer("conv2d", {{3, 4, 4}}, {{"weight", w1}}, {{"groups", 2}}),
                         doctest::Contains("layer 'test': groups = 2 does not divide the input's 3 channels"),
                         config_error);
    CHECK_THROWS_WITH_AS(make_layer("conv2d", {{4, 4, 4}}, {{"weight", {{3, 2, 1, 1}, {1, 1, 1, 1, 1, 1}}}},
                                    {{"groups", 2}}),
                         doctest::Contains("layer 'test': groups = 2 does not divide the 3 output channels"),
                         config_error);
    CHECK_THROWS_WITH_AS(make_layer("conv2d", {{4, 4, 4}}, {{"weight", {{2, 2, 1, 1}, {1, 1, 1, 1}}}}),
                         doctest::Contains("layer 'test': 'weight' has shape [2, 2, 1, 1], expected [2, 4, 1, 1]"),
                         config_error);
    CHECK_THROWS_WITH_AS(make_layer("conv2d", {{16}}, {{"weight", w1}}),
                         doctest::Contains("layer 'test': conv2d takes an input of shape [in_channels, height, "
                                           "width], got [16]"),
                         config_error);
    CHECK_THROWS_WITH_AS(make_layer("conv2d", {{1, 4, 4}}, {}),
                         doctest::Contains("layer 'test' needs 'weight' of shape [out_channels, in_channels / "
                                           "groups, kernel_height, kernel_width]"),
                         config_error);
    CHECK_THROWS_WITH_AS(make_layer("conv2d", {{1, 4, 4}}, {{"weight", {{1, 1, 3}, {1, 1, 1}}}}),
                         doctest::Contains("got [1, 1, 3]"), config_error);
    CHECK_THROWS_WITH_AS(make_layer("conv2d", {{1, 2, 2}}, {{"weight", {{1, 1, 3, 3}, std::vector<double>(9, 1.0)}}}),
                         doctest::Contains("layer 'test': its output would be empty: the input height 2 plus "
                                           "padding 0 on each side is shorter than the window's extent 3"),
                         config_error);
    // Padding makes room; dilation takes it again: (2 + 2 - 2*2 - 1) / 1 + 1 = 0.
    CHECK(make_layer("conv2d", {{1, 2, 2}}, {{"weight", {{1, 1, 3, 3}, std::vector<double>(9, 1.0)}}}, {{"padding", 1}})
                  ->output == tensor_shape{{1, 2, 2}});
    CHECK_THROWS_WITH_AS(make_layer("conv2d", {{1, 2, 2}}, {{"weight", {{1, 1, 3, 3}, std::vector<double>(9, 1.0)}}},
                                    {{"padding", 1}, {"dilation", 2}}),
                         doctest::Contains("extent 5 (kernel 3, dilation 2)"), config_error);
    CHECK_THROWS_WITH_AS(make_layer("conv2d", {{1, 4, 4}}, {{"weight", w1}, {"bias", {{1}, {0}}}}),
                         doctest::Contains("'bias' has shape [1], expected [2]"), config_error);
    CHECK_THROWS_WITH_AS(make_layer("conv2d", {{1, 4, 4}}, {{"weight", w1}}, {{"stride", 1.5}}),
                         doctest::Contains("stride must be a whole number"), config_error);
    CHECK_THROWS_AS(make_layer("conv2d", {{1, 4, 4}}, {{"weight", w1}}, {{"stride", 0}}), config_error);
}
