#include "neurons/layers/sum_pool2d.hpp"

#include "neurons/layers/pool_common.hpp"

namespace fluxon {

std::unique_ptr<layer_kind> make_sum_pool2d_layer() {
    return make_pool_kind({.name = "sum_pool2d",
                           .description = "2-D pooling: the sum of each window (NIR SumPool2d)",
                           .mode = pool_mode::sum});
}

}  // namespace fluxon
