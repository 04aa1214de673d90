#include "networks/graph.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace fluxon::net {
namespace {

error_site with_node(error_site site, const std::string& node) {
    if (site.node.empty()) site.node = node;
    return site;
}

}  // namespace

std::size_t find_population(const indexed_network& net, const network_spec& spec,
                            const std::string& name, const error_site& site, const std::string& role) {
    const auto it = net.population_index.find(name);
    if (it != net.population_index.end()) return it->second;
    std::vector<std::string> names;
    for (const auto& p : spec.populations) names.push_back(p.name);
    throw network_error(fmt::format("{} '{}' is not a population; populations are: {}", role, name,
                                    names.empty() ? std::string("(none)") : fmt::format("{}", fmt::join(names, ", "))),
                        site);
}

indexed_network index_network(const experiment_spec& spec) {
    indexed_network net;
    const auto& nw = spec.network;
    for (std::size_t i = 0; i < nw.populations.size(); ++i) {
        const auto& p = nw.populations[i];
        if (p.name.empty()) throw network_error("a population needs a name", p.site);
        if (!net.population_index.emplace(p.name, i).second) {
            throw network_error("population name used twice", with_node(p.site, p.name));
        }
        if (p.size == 0) throw network_error("a population needs at least one neuron", with_node(p.site, p.name));
        boost::add_vertex(node_props{i}, net.graph);
    }
    std::unordered_map<std::string, std::size_t> projection_names;
    for (std::size_t e = 0; e < nw.projections.size(); ++e) {
        const auto& pr = nw.projections[e];
        const error_site site = with_node(pr.site, pr.name);
        if (pr.name.empty()) throw network_error("a projection needs a name", pr.site);
        if (!projection_names.emplace(pr.name, e).second) throw network_error("projection name used twice", site);
        const auto pre = find_population(net, nw, pr.pre, site, "pre");
        const auto post = find_population(net, nw, pr.post, site, "post");
        boost::add_edge(pre, post, edge_props{e}, net.graph);
    }
    for (const auto& c : nw.currents) {
        find_population(net, nw, c.target, with_node(c.site, c.name), "current target");
    }
    for (const auto& d : nw.drives) {
        find_population(net, nw, d.target, with_node(d.site, d.name), "drive target");
    }
    for (const auto& r : spec.spikes) find_population(net, nw, r.population, r.site, "recorded population");
    for (const auto& r : spec.probes) find_population(net, nw, r.population, r.site, "probed population");
    return net;
}

}  // namespace fluxon::net
