#include "neurons/layers/conv2d.hpp"

#include "neurons/layers/conv_common.hpp"

namespace fluxon {

std::unique_ptr<layer_kind> make_conv2d_layer() {
    return make_conv_kind({.name = "conv2d",
                           .description = "2-D convolution (cross-correlation) with stride, padding, dilation and "
                                          "groups (NIR Conv2d, nn.Conv2d)",
                           .spatial_rank = 2,
                           .input_doc = "[in_channels, height, width]",
                           .weight_doc = "[out_channels, in_channels / groups, kernel_height, kernel_width]"});
}

}  // namespace fluxon
