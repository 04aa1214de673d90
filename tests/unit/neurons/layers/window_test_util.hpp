#pragma once
// For the conv and pooling tests: a layer stepped with its output batch checked as such (indices
// strictly increasing, no zero values), and a small deterministic generator of test data.
#include <doctest/doctest.h>

#include <cstdint>
#include <initializer_list>
#include <vector>

#include "tests/unit/neurons/layers/layer_test_util.hpp"

namespace fluxon::test {

// GCC 12.2 with AVX-512 (this build's -march=native) miscompiles some vectors of four doubles
// built from a braced list whose values it sees: {1, 1, 1, 0} and {2, 2, 0, 0} were stored as
// {1, 1, 1, 1} and {2, 2, 2, 2}. So the tests build their inputs and expected outputs with
// dense({...}) and run_checked(l, {...}), which the optimiser may not look into.
[[gnu::noipa]] inline std::vector<double> dense(std::initializer_list<double> values) { return values; }

[[gnu::noipa]] inline std::vector<double> run_checked(layer_under_test& l, const std::vector<double>& input) {
    event_batch in, out;
    for (std::size_t i = 0; i < input.size(); ++i) {
        if (input[i] != 0.0) in.push(static_cast<std::uint32_t>(i), input[i]);
    }
    l.op->step(layer_step{l.step, l.step == 0, &in, &out, &l.counts});
    ++l.step;
    std::vector<double> result(l.output.size(), 0.0);
    for (std::size_t e = 0; e < out.size(); ++e) {
        CHECK(out.value[e] != 0.0);
        if (e > 0) CHECK(out.index[e - 1] < out.index[e]);
        result.at(out.index[e]) = out.value[e];
    }
    return result;
}

[[gnu::noipa]] inline std::vector<double> run_checked(layer_under_test& l, std::initializer_list<double> input) {
    return run_checked(l, std::vector<double>(input));
}

// Values are small multiples of 1/4, so that sums are exact in any order and a reference loop
// can be compared with ==.
struct test_values {
    std::uint64_t state;
    int below(int n) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<int>((state >> 33) % static_cast<std::uint64_t>(n));
    }
    // {-3, ..., 3} / 4, with one in `zero_one_in` made zero besides (sparse inputs, pruned weights).
    std::vector<double> quarters(std::size_t n, int zero_one_in) {
        std::vector<double> v(n);
        for (double& x : v) x = below(zero_one_in) == 0 ? 0.0 : (below(7) - 3) * 0.25;
        return v;
    }
    // {0, 1}: a spiking input, counted as ACs.
    std::vector<double> spikes(std::size_t n) {
        std::vector<double> v(n);
        for (double& x : v) x = below(2);
        return v;
    }
};

}  // namespace fluxon::test
