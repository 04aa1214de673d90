#include <algorithm>

#include <fmt/format.h>

#include "io/config_schema.hpp"
#include "io/config_sections.hpp"
#include "io/config_values.hpp"

namespace fluxon::io {
namespace {

constexpr std::string_view spikes_expectation =
    "\"all\" or a list of population names and { population = \"exc\", ids = [...] } tables";

net::spike_record_spec read_spike_entry(const config_node& item) {
    net::spike_record_spec entry;
    if (item.node().is_string()) {
        entry.population = read_string(item, spikes_expectation);
        entry.site = item.with_owner(entry.population).site();
        return entry;
    }
    item.table(spikes_expectation);
    item.allow_only(schema_children("record.spikes.[]"));
    entry.population = read_string(item.require("population", "the population to record"), "a population name");
    const config_node at = item.with_owner(entry.population);
    entry.site = at.site();
    if (const config_node ids = at.child("ids"); ids.present()) {
        entry.ids = read_ids(ids);
        entry.all = false;
    }
    return entry;
}

std::vector<net::spike_record_spec> read_spikes(const config_node& at,
                                                const std::vector<net::population_spec>& populations) {
    std::vector<net::spike_record_spec> spikes;
    if (at.node().is_string()) {
        const std::string word = read_string(at, spikes_expectation);
        if (word != "all") at.fail(fmt::format("expected {}, got string \"{}\"", spikes_expectation, word));
        for (const net::population_spec& pop : populations) {
            spikes.push_back({pop.name, {}, true, at.with_owner(pop.name).site()});
        }
        return spikes;
    }
    for (const config_node& item : at.items(std::string(spikes_expectation))) {
        spikes.push_back(read_spike_entry(item));
    }
    return spikes;
}

net::probe_spec read_probe(const config_node& item) {
    item.table("a table with population and variable ([[record.probes]])");
    item.allow_only(schema_children("record.probes.[]"));
    net::probe_spec probe;
    probe.population = read_string(item.require("population", "the population to probe"), "a population name");
    const config_node at = item.with_owner(probe.population);
    probe.site = at.site();
    probe.variable = read_string(at.require("variable", "a state variable such as \"v\""), "a variable name");
    if (const config_node ids = at.child("ids"); ids.present()) probe.ids = read_ids(ids);
    if (const config_node interval = at.child("interval"); interval.present()) {
        probe.interval = read_quantity(interval, dimension::time);
    }
    return probe;
}

constexpr std::string_view weights_expectation = "\"all\" or a list of projection names";

std::vector<net::weight_record_spec> read_weights(const config_node& at,
                                                  const std::vector<net::projection_spec>& projections) {
    std::vector<net::weight_record_spec> weights;
    if (at.node().is_string()) {
        const std::string word = read_string(at, weights_expectation);
        if (word != "all") at.fail(fmt::format("expected {}, got string \"{}\"", weights_expectation, word));
        for (const net::projection_spec& p : projections) weights.push_back({p.name, at.with_owner(p.name).site()});
        return weights;
    }
    for (const config_node& item : at.items(std::string(weights_expectation))) {
        const std::string name = read_string(item, "a projection name");
        const bool known = std::any_of(projections.begin(), projections.end(),
                                       [&](const net::projection_spec& p) { return p.name == name; });
        if (!known) {
            std::string names;
            for (const net::projection_spec& p : projections) names += (names.empty() ? "" : ", ") + p.name;
            item.fail(fmt::format("no projection '{}' to record the weights of; the projections are: {}", name,
                                  names.empty() ? "none" : names));
        }
        weights.push_back({name, item.with_owner(name).site()});
    }
    return weights;
}

}  // namespace

void read_record(const config_node& record, const std::vector<net::population_spec>& populations,
                 net::experiment_spec& spec) {
    if (!record.present()) return;
    record.table("a table [record]");
    record.allow_only(schema_children("record"));
    if (const config_node spikes = record.child("spikes"); spikes.present()) {
        spec.spikes = read_spikes(spikes, populations);
    }
    if (const config_node layers = record.child("layers"); layers.present()) {
        for (const config_node& item : layers.items("a list of layer names whose events to record")) {
            const std::string name = read_string(item, "a layer name");
            spec.layer_records.push_back({name, item.with_owner(name).site()});
        }
    }
    if (const config_node weights = record.child("weights"); weights.present()) {
        spec.weight_records = read_weights(weights, spec.network.projections);
    }
    if (const config_node probes = record.child("probes"); probes.present()) {
        for (const config_node& item : probes.items("an array of tables [[record.probes]]")) {
            spec.probes.push_back(read_probe(item));
        }
    }
}

}  // namespace fluxon::io
