#pragma once
// batch_norm: BatchNorm at inference (PyTorch's nn.BatchNorm1d/2d in eval mode), per channel:
//   y = (x - running_mean) / sqrt(running_var + eps) * weight + bias
// computed in that order, as PyTorch does, so that its numbers are PyTorch's. Every entry is
// computed every step (a zero input becomes -mean / sqrt(var + eps) * weight + bias), and only
// the non-zero results are events. On hardware it is folded into the synapses around it (a
// chip places no neurons for it), as deployment tools fold it into the weights and thresholds.
#include <memory>

#include "neurons/layers/layer.hpp"

namespace fluxon {

std::unique_ptr<layer_kind> make_batch_norm_layer();

}  // namespace fluxon
