#include <fmt/format.h>

#include "io/config_schema.hpp"
#include "io/config_sections.hpp"
#include "io/config_values.hpp"

namespace fluxon::io {
namespace {

// The unit of a weight is the one of the receptor it lands on; unknown when the population,
// its model or the receptor is unknown (the builder reports those).
std::optional<dimension> weight_dimension(const model_registry& models,
                                          const std::vector<net::population_spec>& populations,
                                          const std::string& post, const std::string& receptor) {
    for (const net::population_spec& pop : populations) {
        if (pop.name != post) continue;
        const neuron_model* model = models.find(pop.model);
        const int index = model ? find_receptor(*model, receptor) : -1;
        if (index < 0) return std::nullopt;
        return model->receptors()[static_cast<std::size_t>(index)].weight_dim;
    }
    return std::nullopt;
}

net::projection_spec read_projection(const config_node& at, const std::string& name,
                                     const std::vector<net::population_spec>& populations,
                                     const model_registry& models) {
    check_entry_name(at, name, "projection");
    at.table("a table with pre, post, receptor, connector and weight, e.g. [projections." + name + "]");
    at.allow_only(schema_children("projections.<name>"));
    net::projection_spec proj;
    proj.name = name;
    proj.site = at.site();
    proj.pre = read_string(at.require("pre", "the name of the presynaptic population"), "a population name");
    proj.post = read_string(at.require("post", "the name of the postsynaptic population"), "a population name");
    proj.receptor = read_string(at.require("receptor", "the receptor of post, e.g. \"exc\""), "a receptor name");
    proj.connector = read_connector(
        at.require("connector", "a table like { type = \"fixed_probability\", p = 0.1 }"));
    proj.weight = read_value_spec(at.require("weight", "the synaptic weight, e.g. \"0.5 mV\""),
                                  weight_dimension(models, populations, proj.post, proj.receptor));
    const config_node delay = at.child("delay");
    proj.delay.site = delay.site();
    if (delay.present()) {
        proj.delay = read_value_spec(delay, dimension::time);
        proj.delay_given = true;
    }
    return proj;
}

}  // namespace

std::vector<net::projection_spec> read_projections(const config_node& section,
                                                   const std::vector<net::population_spec>& populations,
                                                   const model_registry& models) {
    std::vector<net::projection_spec> projections;
    if (!section.present()) return projections;
    for (const auto& [name, entry] : section.entries("tables like [projections.ee]")) {
        projections.push_back(read_projection(entry.with_owner(name), name, populations, models));
    }
    return projections;
}

}  // namespace fluxon::io
