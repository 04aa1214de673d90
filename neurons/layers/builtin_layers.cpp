#include "neurons/layers/avg_pool2d.hpp"
#include "neurons/layers/batch_norm.hpp"
#include "neurons/layers/bitlinear.hpp"
#include "neurons/layers/conv1d.hpp"
#include "neurons/layers/conv2d.hpp"
#include "neurons/layers/delay.hpp"
#include "neurons/layers/egru_layer.hpp"
#include "neurons/layers/flatten.hpp"
#include "neurons/layers/identity.hpp"
#include "neurons/layers/if_layer.hpp"
#include "neurons/layers/input.hpp"
#include "neurons/layers/l2mu_layer.hpp"
#include "neurons/layers/layer.hpp"
#include "neurons/layers/leaky_layer.hpp"
#include "neurons/layers/lif_layer.hpp"
#include "neurons/layers/linear.hpp"
#include "neurons/layers/lmu_layer.hpp"
#include "neurons/layers/max_pool2d.hpp"
#include "neurons/layers/nir_neurons.hpp"
#include "neurons/layers/relu.hpp"
#include "neurons/layers/requantize.hpp"
#include "neurons/layers/scale.hpp"
#include "neurons/layers/sign.hpp"
#include "neurons/layers/spiking_attention.hpp"
#include "neurons/layers/sum_pool2d.hpp"
#include "neurons/layers/threshold.hpp"

namespace fluxon {

layer_registry builtin_layers() {
    layer_registry registry;
    registry.add(make_input_layer());
    registry.add(make_linear_layer());
    registry.add(make_bitlinear_layer());
    registry.add(make_conv1d_layer());
    registry.add(make_conv2d_layer());
    registry.add(make_sum_pool2d_layer());
    registry.add(make_avg_pool2d_layer());
    registry.add(make_max_pool2d_layer());
    registry.add(make_flatten_layer());
    registry.add(make_batch_norm_layer());
    registry.add(make_threshold_layer());
    registry.add(make_sign_layer());
    registry.add(make_relu_layer());
    registry.add(make_scale_layer());
    registry.add(make_requantize_layer());
    registry.add(make_if_layer());
    registry.add(make_lif_layer());
    registry.add(make_leaky_layer());
    registry.add(make_lmu_layer());
    registry.add(make_l2mu_layer());
    registry.add(make_egru_layer());
    registry.add(make_spiking_attention_layer());
    registry.add(make_identity_layer());
    registry.add(make_delay_layer());
    registry.add(make_nir_i_layer());
    registry.add(make_nir_li_layer());
    registry.add(make_nir_if_layer());
    registry.add(make_nir_lif_layer());
    registry.add(make_nir_cuba_li_layer());
    registry.add(make_nir_cuba_lif_layer());
    return registry;
}

}  // namespace fluxon
