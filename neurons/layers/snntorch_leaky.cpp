#include "neurons/layers/snntorch_leaky.hpp"

namespace fluxon {

void add_leaky_params(param_schema& schema, const std::string& suffix, const std::string& who) {
    schema.push_back(param_def{.name = "beta" + suffix, .min = 0, .max = 1,
                               .doc = "decay of " + who + "' membrane per step (snnTorch's beta)"});
    schema.push_back(param_def{.name = "threshold" + suffix, .min = 0, .min_exclusive = true,
                               .doc = who + " spike where the membrane is above it, and lose it at the next step"});
}

leaky_population lower_leaky(const validated_params& params, const std::string& suffix, std::size_t size) {
    leaky_population p;
    p.beta = params.get("beta" + suffix);
    p.threshold = params.get("threshold" + suffix);
    p.u.assign(size, 0.0);
    return p;
}

}  // namespace fluxon
