// conv1d: nn.Conv1d's cross-correlation run event by event, with NeuroBench's counts, by hand
// and against a dense reference loop.
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "tests/unit/neurons/layers/window_test_util.hpp"

using namespace fluxon;
using namespace fluxon::test;

TEST_CASE("conv1d: two output channels, stride 2 and padding 1, counted as NeuroBench") {
    // X = [1, 0, 2, 4, 3], L_out = (5 + 2 - 2 - 1) / 2 + 1 = 3, window o = X[2o - 1 .. 2o + 1].
    // Channel 0, w = [1, 2, -1]: out0 = pad + 2*1 - 0 = 2, out1 = 0 + 2*2 - 4 = 0, out2 = 4 + 2*3 + pad = 10.
    // Channel 1, w = [5, 0, 0], bias 1: 5 * (pad, X1, X3) + 1 = [1, 1, 21].
    auto l = make_layer("conv1d", {{1, 5}}, {{"weight", {{2, 1, 3}, {1, 2, -1, 5, 0, 0}}}, {"bias", {{2}, {0, 1}}}},
                        {{"stride", 2}, {"padding", 1}});
    CHECK(l->output == tensor_shape{{2, 3}});
    CHECK(run_checked(*l, {1, 0, 2, 4, 3}) == dense({2, 0, 10, 1, 1, 21}));
    // X0 is tap 1 of window 0 (weights 2, 0: 1 op); X2 tap 1 of window 1 (1 op); X3 tap 0 of
    // window 2 (1, 5: 2 ops) and tap 2 of window 1 (-1, 0: 1 op); X4 tap 1 of window 2 (1 op).
    CHECK(l->counts.effective_macs == 6);
    // The windows hold 2 + 3 + 2 input positions, for each of 2 output channels.
    CHECK(l->counts.dense_ops == 14);

    const layer_static s = l->kind->static_figures(l->params, l->ctx);
    CHECK(s.weights == 6);
    CHECK(s.zero_weights == 2);
    CHECK(s.parameters == 8);
    CHECK(s.footprint_bytes == 32);
}

TEST_CASE("conv1d: groups and dilation") {
    // Two input channels, groups 2, K = 2 dilated by 2 over L = 4: L_out = 4 - 2 - 1 + 1 = 2.
    // out_c[o] = w_c0 X_c[o] + w_c1 X_c[o + 2], w_0 = [1, 10], w_1 = [100, 0].
    // X_0 = [1, 2, 3, 4] -> [1 + 30, 2 + 40]; X_1 = [1, 0, 0, 1] -> [100, 0].
    auto l = make_layer("conv1d", {{2, 4}}, {{"weight", {{2, 1, 2}, {1, 10, 100, 0}}}},
                        {{"dilation", 2}, {"groups", 2}});
    CHECK(l->output == tensor_shape{{2, 2}});
    CHECK(run_checked(*l, {1, 2, 3, 4, 1, 0, 0, 1}) == dense({31, 42, 100, 0}));
    // Channel 0: 4 events x 1 tap each = 4; channel 1: X0 meets 100 (1), X3 meets 0 (0).
    CHECK(l->counts.effective_macs == 5);
    CHECK(l->counts.dense_ops == 8);  // 2 channels x 2 outputs x 2 taps, each input channel alone
}

namespace {

struct conv1d_case {
    std::uint32_t c_in, c_out, groups, length, k, stride, padding, dilation;
};

struct reference_result {
    std::vector<double> out;
    std::uint64_t effective = 0, dense = 0;
};

// nn.Conv1d as documented: every output gathers its window; NeuroBench's counts from the same loop.
reference_result naive_conv1d(const conv1d_case& c, const std::vector<double>& x, const std::vector<double>& weight,
                              const std::vector<double>& bias) {
    const std::int64_t lo =
            (std::int64_t{c.length} + 2 * std::int64_t{c.padding} - std::int64_t{c.dilation} * (c.k - 1) - 1) /
                    c.stride +
            1;
    const std::int64_t cin_g = c.c_in / c.groups, cout_g = c.c_out / c.groups;
    reference_result r;
    r.out.assign(static_cast<std::size_t>(c.c_out * lo), 0.0);
    for (std::int64_t co = 0; co < c.c_out; ++co) {
        for (std::int64_t o = 0; o < lo; ++o) {
            double acc = bias[static_cast<std::size_t>(co)];
            for (std::int64_t j = 0; j < cin_g; ++j) {
                const std::int64_t ci = co / cout_g * cin_g + j;
                for (std::int64_t k = 0; k < c.k; ++k) {
                    const std::int64_t i = o * c.stride - c.padding + k * c.dilation;
                    if (i < 0 || i >= c.length) continue;
                    const double wv = weight[static_cast<std::size_t>((co * cin_g + j) * c.k + k)];
                    const double xv = x[static_cast<std::size_t>(ci * c.length + i)];
                    acc += wv * xv;
                    ++r.dense;
                    r.effective += wv != 0.0 && xv != 0.0;
                }
            }
            r.out[static_cast<std::size_t>(co * lo + o)] = acc;
        }
    }
    return r;
}

}  // namespace

TEST_CASE("conv1d: the same outputs and counts as a dense reference loop") {
    const conv1d_case cases[] = {
            {1, 1, 1, 9, 3, 1, 0, 1},
            {3, 5, 1, 11, 4, 2, 2, 1},
            {6, 4, 2, 13, 3, 3, 1, 2},
            {4, 8, 4, 7, 5, 1, 3, 1},
    };
    test_values values{7};
    for (const conv1d_case& c : cases) {
        CAPTURE(c.c_in);
        CAPTURE(c.groups);
        CAPTURE(c.stride);
        CAPTURE(c.padding);
        CAPTURE(c.dilation);
        const std::vector<double> weight = values.quarters(c.c_out * (c.c_in / c.groups) * c.k, 4);
        const std::vector<double> bias = values.quarters(c.c_out, 3);
        auto l = make_layer("conv1d", {{c.c_in, c.length}},
                            {{"weight", {{c.c_out, c.c_in / c.groups, c.k}, weight}}, {"bias", {{c.c_out}, bias}}},
                            {{"stride", c.stride}, {"padding", c.padding}, {"dilation", c.dilation}, {"groups", c.groups}});
        const std::size_t n = std::size_t{c.c_in} * c.length;
        const std::vector<double> spikes = values.spikes(n), graded = values.quarters(n, 2);
        const reference_result a = naive_conv1d(c, spikes, weight, bias), b = naive_conv1d(c, graded, weight, bias);
        CHECK(l->output.size() == a.out.size());
        CHECK(run_checked(*l, spikes) == a.out);
        CHECK(run_checked(*l, graded) == b.out);
        CHECK(l->counts.effective_acs == a.effective);
        CHECK(l->counts.effective_macs == b.effective);
        CHECK(l->counts.dense_ops == a.dense + b.dense);
        CHECK(a.effective > 0);
    }
}

TEST_CASE("conv1d: errors name the layer and what is wrong") {
    CHECK_THROWS_WITH_AS(make_layer("conv1d", {{1, 4, 4}}, {{"weight", {{1, 1, 1}, {1}}}}),
                         doctest::Contains("layer 'test': conv1d takes an input of shape [in_channels, length], got "
                                           "[1, 4, 4]"),
                         config_error);
    CHECK_THROWS_WITH_AS(make_layer("conv1d", {{2, 4}}, {{"weight", {{1, 2, 1, 1}, {1, 1}}}}),
                         doctest::Contains("layer 'test' needs 'weight' of shape [out_channels, in_channels / "
                                           "groups, kernel_size] (in_channels / groups = 2)"),
                         config_error);
    CHECK_THROWS_WITH_AS(make_layer("conv1d", {{2, 4}}, {{"weight", {{2, 1, 1}, {1, 1}}}}),
                         doctest::Contains("'weight' has shape [2, 1, 1], expected [2, 2, 1]"), config_error);
    CHECK_THROWS_WITH_AS(make_layer("conv1d", {{2, 4}}, {{"weight", {{2, 1, 5}, std::vector<double>(10, 1.0)}}},
                                    {{"groups", 2}}),
                         doctest::Contains("its output would be empty: the input length 4 plus padding 0"),
                         config_error);
    CHECK_THROWS_WITH_AS(make_layer("conv1d", {{3, 4}}, {{"weight", {{3, 1, 1}, {1, 1, 1}}}}, {{"groups", 2}}),
                         doctest::Contains("groups = 2 does not divide the input's 3 channels"), config_error);
}
