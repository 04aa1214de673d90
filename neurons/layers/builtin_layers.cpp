#include "neurons/layers/input.hpp"
#include "neurons/layers/layer.hpp"
#include "neurons/layers/linear.hpp"

namespace fluxon {

layer_registry builtin_layers() {
    layer_registry registry;
    registry.add(make_input_layer());
    registry.add(make_linear_layer());
    return registry;
}

}  // namespace fluxon
