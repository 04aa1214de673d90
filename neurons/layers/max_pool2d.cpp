#include "neurons/layers/max_pool2d.hpp"

#include "neurons/layers/pool_common.hpp"

namespace fluxon {

std::unique_ptr<layer_kind> make_max_pool2d_layer() {
    return make_pool_kind({.name = "max_pool2d",
                           .description = "2-D pooling: the largest value of each window (nn.MaxPool2d)",
                           .mode = pool_mode::max});
}

}  // namespace fluxon
