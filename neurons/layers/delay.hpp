#pragma once
// delay: y(t) = x(t - delay) entry by entry (NIR Delay). `delay` is in seconds, one value for
// all, one per channel or one per entry, and must be a whole number of steps of dt (within
// 1e-9 of one, so that 0.3 ms at dt = 0.1 ms is 3 steps): a delay between steps would be
// rounded silently otherwise. A delay of 0 passes the step's input on unchanged. Events still
// on their way when a sample ends are dropped: every sample starts empty.
#include <memory>

#include "neurons/layers/layer.hpp"

namespace fluxon {

std::unique_ptr<layer_kind> make_delay_layer();

}  // namespace fluxon
