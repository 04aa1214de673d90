#include "neurons/alif.hpp"
#include "neurons/coba_lif.hpp"
#include "neurons/cuba_lif.hpp"
#include "neurons/if.hpp"
#include "neurons/izhikevich.hpp"
#include "neurons/lif.hpp"
#include "neurons/model.hpp"
#include "neurons/sources.hpp"

namespace fluxon {

model_registry builtin_models() {
    model_registry registry;
    registry.add(make_lif_model());
    registry.add(make_if_model());
    registry.add(make_cuba_lif_model());
    registry.add(make_coba_lif_model());
    registry.add(make_alif_model());
    registry.add(make_izhikevich_model());
    registry.add(make_poisson_source_model());
    registry.add(make_spike_times_source_model());
    registry.layers() = builtin_layers();
    return registry;
}

}  // namespace fluxon
