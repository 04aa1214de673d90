#include "neurons/layers/window.hpp"

#include <limits>

#include <fmt/format.h>

namespace fluxon {

std::int64_t window_output_size(std::uint32_t in, const window_params& w) {
    const std::int64_t reach = std::int64_t{w.dilation} * (std::int64_t{w.kernel} - 1) + 1;
    const std::int64_t room = std::int64_t{in} + 2 * std::int64_t{w.padding} - reach;
    // C++ division truncates toward zero; a window that does not fit must not round up to one.
    return room < 0 ? 0 : room / w.stride + 1;
}

window_axis make_window_axis(const layer_context& ctx, std::string_view what, std::uint32_t in,
                             const window_params& w) {
    if (in == 0) {
        layer_config_error(ctx, "", fmt::format("layer '{}': its input {} is 0 (input shape {})", ctx.name, what,
                                                to_string(ctx.input)));
    }
    const std::int64_t out = window_output_size(in, w);
    if (out <= 0) {
        layer_config_error(ctx, "",
                           fmt::format("layer '{}': its output would be empty: the input {} {} plus padding {} on "
                                       "each side is shorter than the window's extent {} (kernel {}, dilation {}); "
                                       "input shape {}",
                                       ctx.name, what, in, w.padding,
                                       std::int64_t{w.dilation} * (std::int64_t{w.kernel} - 1) + 1, w.kernel,
                                       w.dilation, to_string(ctx.input)));
    }
    if (out > std::numeric_limits<std::uint32_t>::max() / 2) {
        layer_config_error(ctx, "", fmt::format("layer '{}': output {} {} is too large", ctx.name, what, out));
    }
    window_axis a;
    a.in = in;
    a.out = static_cast<std::uint32_t>(out);
    a.covered.assign(a.out, 0);
    // Two passes, as a counting sort: count each input position's taps, then place them, in
    // order of output and then of kernel position.
    a.first.assign(std::size_t{in} + 1, 0);
    const auto position = [&](std::uint32_t o, std::uint32_t k) {
        return std::int64_t{o} * w.stride - std::int64_t{w.padding} + std::int64_t{k} * w.dilation;
    };
    for (std::uint32_t o = 0; o < a.out; ++o) {
        for (std::uint32_t k = 0; k < w.kernel; ++k) {
            const std::int64_t i = position(o, k);
            if (i >= 0 && i < in) {
                ++a.first[static_cast<std::size_t>(i) + 1];
                ++a.covered[o];
            }
        }
    }
    for (std::uint32_t i = 0; i < in; ++i) a.first[i + 1] += a.first[i];
    a.kernel_index.resize(a.first[in]);
    a.out_index.resize(a.first[in]);
    std::vector<std::uint32_t> next(a.first.begin(), a.first.end() - 1);
    for (std::uint32_t o = 0; o < a.out; ++o) {
        for (std::uint32_t k = 0; k < w.kernel; ++k) {
            const std::int64_t i = position(o, k);
            if (i < 0 || i >= in) continue;
            const std::uint32_t t = next[static_cast<std::size_t>(i)]++;
            a.kernel_index[t] = k;
            a.out_index[t] = o;
        }
    }
    return a;
}

void layer_config_error(const layer_context& ctx, std::string_view key, const std::string& message) {
    throw config_error(message, key.empty() ? ctx.site : key_site(ctx, key));
}

}  // namespace fluxon
