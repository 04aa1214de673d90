#include "neurons/layers/spiking_layer.hpp"

#include <fmt/format.h>

namespace fluxon {

void add_reset_params(param_schema& schema) {
    schema.push_back(param_def{.name = "v_threshold", .default_value = 1.0, .doc = "spike where v >= v_threshold"});
    schema.push_back(param_def{.name = "v_reset", .default_value = 0.0,
                               .doc = "rest and hard-reset potential, v at every sample's start"});
    schema.push_back(param_def{.name = "reset", .default_value = 0.0,
                               .doc = "after a spike: \"hard\" sets v = v_reset, \"subtract\" v -= v_threshold",
                               .choices = {"hard", "subtract"}});
}

spike_reset lower_reset(const validated_params& params, const layer_context& ctx) {
    spike_reset r;
    r.v_threshold = params.get("v_threshold");
    r.v_reset = params.get("v_reset");
    r.subtract = params.get("reset") == 1.0;
    if (!(r.v_threshold > r.v_reset)) {
        throw config_error(fmt::format("layer '{}': v_threshold ({}) must be above v_reset ({})", ctx.name,
                                       r.v_threshold, r.v_reset),
                           key_site(ctx, "v_threshold"));
    }
    if (r.subtract && !(r.v_threshold > 0.0)) {
        throw config_error(fmt::format("layer '{}': a subtractive reset needs v_threshold > 0, got {}", ctx.name,
                                       r.v_threshold),
                           key_site(ctx, "v_threshold"));
    }
    return r;
}

}  // namespace fluxon
