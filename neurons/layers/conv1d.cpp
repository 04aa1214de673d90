#include "neurons/layers/conv1d.hpp"

#include "neurons/layers/conv_common.hpp"

namespace fluxon {

std::unique_ptr<layer_kind> make_conv1d_layer() {
    return make_conv_kind({.name = "conv1d",
                           .description = "1-D convolution (cross-correlation) with stride, padding, dilation and "
                                          "groups (NIR Conv1d, nn.Conv1d)",
                           .spatial_rank = 1,
                           .input_doc = "[in_channels, length]",
                           .weight_doc = "[out_channels, in_channels / groups, kernel_size]"});
}

}  // namespace fluxon
