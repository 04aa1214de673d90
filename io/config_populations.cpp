#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "io/config_schema.hpp"
#include "io/config_sections.hpp"
#include "io/config_values.hpp"

namespace fluxon::io {
namespace {

std::optional<dimension> param_dimension(const neuron_model* model, const std::string& name) {
    if (!model) return std::nullopt;
    for (const param_def& def : model->schema()) {
        if (def.name == name) return def.dim;
    }
    return std::nullopt;
}

std::optional<dimension> state_dimension(const neuron_model* model, const std::string& name) {
    const int index = model ? find_state_var(*model, name) : -1;
    if (index < 0) return std::nullopt;
    return model->state_vars()[static_cast<std::size_t>(index)].dim;
}

std::uint32_t read_size(const config_node& at) {
    const std::int64_t size = read_integer(at, "a number of neurons (an integer >= 1)");
    if (size < 1) at.fail(fmt::format("size must be >= 1, got {}", size));
    if (size > std::numeric_limits<std::uint32_t>::max()) {
        at.fail(fmt::format("size {} is above the limit of {} neurons per population", size,
                            std::numeric_limits<std::uint32_t>::max()));
    }
    return static_cast<std::uint32_t>(size);
}

param_inputs read_params(const config_node& at, const neuron_model* model) {
    param_inputs params;
    for (const auto& [name, value] : at.entries("a table of parameters like { tau_m = \"20 ms\" }")) {
        params.emplace(name, read_quantity(value, param_dimension(model, name)));
    }
    return params;
}

std::vector<net::init_spec> read_initial(const config_node& at, const neuron_model* model) {
    std::vector<net::init_spec> initial;
    for (const auto& [name, value] : at.entries("a table of state variables like { v = \"-65 mV\" }")) {
        initial.push_back({name, read_value_spec(value, state_dimension(model, name)), value.site()});
    }
    return initial;
}

// The data of a spike_times source; any other model reading them would silently ignore them.
void read_source_arrays(const config_node& at, const net::run_spec& run, net::population_spec& pop) {
    const config_node times = at.child("times");
    const config_node ids = at.child("ids");
    const config_node events = at.child("events");
    if (pop.model != "spike_times") {
        for (const config_node& given : {times, ids, events}) {
            if (given.present()) {
                given.fail(fmt::format("only a population of model \"spike_times\" takes {}",
                                       given.key().ends_with("events") ? "events" : "times and ids"));
            }
        }
        return;
    }
    if (events.present()) {
        for (const config_node& given : {times, ids}) {
            if (given.present()) given.fail("give either events or times and ids, not both");
        }
        read_population_events(events, at.child("size"), run, pop);
        return;
    }
    pop.arrays["times"] = read_si_values(at.require("times", "the spike times, e.g. [\"1 ms\", \"2 ms\"]"),
                                         dimension::time);
    const config_node ids_at = at.require("ids", "the neuron of each spike time, e.g. [0, 1]");
    const std::vector<std::int64_t> neuron_ids = read_ids(ids_at);
    pop.arrays["ids"].assign(neuron_ids.begin(), neuron_ids.end());
    if (neuron_ids.size() != pop.arrays["times"].size()) {
        ids_at.fail(fmt::format("times has {} entries but ids has {}; they must match",
                                pop.arrays["times"].size(), neuron_ids.size()));
    }
}

net::population_spec read_population(const config_node& at, const std::string& name, const model_registry& models,
                                     const net::run_spec& run) {
    check_entry_name(at, name, "population");
    at.table("a table with size and model, e.g. [populations." + name + "]");
    at.allow_only(schema_children("populations.<name>"));
    net::population_spec pop;
    pop.name = name;
    pop.site = at.site();
    pop.size = read_size(at.require("size", "the number of neurons, an integer >= 1"));
    pop.model = read_string(at.require("model", "a model name such as \"lif\"; `fluxon models` lists them"),
                            "a model name string such as \"lif\"");
    const neuron_model* model = models.find(pop.model);
    if (const config_node params = at.child("params"); params.present()) pop.params = read_params(params, model);
    if (const config_node initial = at.child("initial"); initial.present()) {
        pop.initial = read_initial(initial, model);
    }
    read_source_arrays(at, run, pop);
    return pop;
}

}  // namespace

void check_entry_name(const config_node& entry, const std::string& name, std::string_view kind) {
    const bool valid = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
               c == '-';
    });
    if (!valid) {
        entry.fail(fmt::format("{} name \"{}\" is not valid: use one or more letters, digits, '_' or '-'",
                               kind, name));
    }
}

std::vector<net::population_spec> read_populations(const config_node& section, const model_registry& models,
                                                   const net::run_spec& run) {
    std::vector<net::population_spec> populations;
    if (!section.present()) return populations;
    for (const auto& [name, entry] : section.entries("tables like [populations.exc]")) {
        populations.push_back(read_population(entry.with_owner(name), name, models, run));
    }
    return populations;
}

}  // namespace fluxon::io
