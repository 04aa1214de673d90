#include "neurons/layers/avg_pool2d.hpp"

#include "neurons/layers/pool_common.hpp"

namespace fluxon {

std::unique_ptr<layer_kind> make_avg_pool2d_layer() {
    return make_pool_kind({.name = "avg_pool2d",
                           .description = "2-D pooling: the mean of each window, padding included (NIR AvgPool2d, "
                                          "nn.AvgPool2d)",
                           .mode = pool_mode::average});
}

}  // namespace fluxon
