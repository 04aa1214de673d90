#include "devices/builtin_families.hpp"

#include "devices/crossbar/plugin/crossbar_family.hpp"
#include "devices/neuromorphic/plugin/neuromorphic_family.hpp"

namespace fluxon {

device_registry builtin_families() {
    device_registry registry;
    registry.add(make_neuromorphic_family());
    registry.add(make_crossbar_family());
    return registry;
}

}  // namespace fluxon
