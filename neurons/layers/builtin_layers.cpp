#include "neurons/layers/avg_pool2d.hpp"
#include "neurons/layers/conv1d.hpp"
#include "neurons/layers/conv2d.hpp"
#include "neurons/layers/flatten.hpp"
#include "neurons/layers/input.hpp"
#include "neurons/layers/layer.hpp"
#include "neurons/layers/linear.hpp"
#include "neurons/layers/max_pool2d.hpp"
#include "neurons/layers/sum_pool2d.hpp"

namespace fluxon {

layer_registry builtin_layers() {
    layer_registry registry;
    registry.add(make_input_layer());
    registry.add(make_linear_layer());
    registry.add(make_conv1d_layer());
    registry.add(make_conv2d_layer());
    registry.add(make_sum_pool2d_layer());
    registry.add(make_avg_pool2d_layer());
    registry.add(make_max_pool2d_layer());
    registry.add(make_flatten_layer());
    return registry;
}

}  // namespace fluxon
