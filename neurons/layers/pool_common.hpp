#pragma once
// What the 2-D pooling kinds share: a square window of kernel_size over each channel of a
// [channels, height, width] input, with a stride (0, the default: kernel_size, as PyTorch's
// stride=None) and zero padding of at most half the kernel (PyTorch's limit, which keeps every
// window partly inside the input). Pooling holds no synapses: NeuroBench counts it nowhere.
#include <memory>
#include <string_view>

#include "neurons/layers/layer.hpp"

namespace fluxon {

enum class pool_mode : std::uint8_t {
    sum,      // the window's sum (NIR SumPool2d)
    average,  // its sum over kernel_size^2, padding included (nn.AvgPool2d, count_include_pad=True)
    max,      // its largest value, padding never winning (nn.MaxPool2d)
};

struct pool_kind_info {
    std::string_view name, description;
    pool_mode mode = pool_mode::sum;
};

std::unique_ptr<layer_kind> make_pool_kind(const pool_kind_info& info);

}  // namespace fluxon
