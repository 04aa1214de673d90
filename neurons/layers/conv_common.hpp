#pragma once
// What conv1d and conv2d share: PyTorch's nn.Conv1d / nn.Conv2d (cross-correlation, with
// stride, zero padding, dilation and groups; NIR Conv1d / Conv2d) run event by event. Each input
// event scatters its value times the kernel into every output whose window holds it; the
// synaptic operations it costs are the non-zero weights it meets there, as NeuroBench counts
// them, and the dense count is every (input position, weight) pair a window covers (padding
// costs nothing in either). A 1-D conv is a 2-D one whose rows axis has one position.
#include <cstddef>
#include <memory>
#include <string_view>

#include "neurons/layers/layer.hpp"

namespace fluxon {

struct conv_kind_info {
    std::string_view name, description;
    std::size_t spatial_rank = 2;  // 1: [channels, length]; 2: [channels, height, width]
    std::string_view input_doc;    // the input shape in words, for messages
    std::string_view weight_doc;   // the weight shape in words
};

std::unique_ptr<layer_kind> make_conv_kind(const conv_kind_info& info);

}  // namespace fluxon
