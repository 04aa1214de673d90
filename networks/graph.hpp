#pragma once
// The network as a graph (Boost.Graph): populations and sources are vertices, projections are
// edges. Building it checks what the graph itself can check: unique names, edges between
// nodes that exist. Mappers walk it.
#include <string>
#include <unordered_map>

#include <boost/graph/adjacency_list.hpp>

#include "networks/spec.hpp"

namespace fluxon::net {

struct node_props {
    std::size_t population = 0;  // index into network_spec::populations
};
struct edge_props {
    std::size_t projection = 0;  // index into network_spec::projections
};

using network_graph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, node_props, edge_props>;

struct indexed_network {
    network_graph graph;
    std::unordered_map<std::string, std::size_t> population_index;
};

// Throws network_error naming the node or projection when a name is empty or repeated, or a
// projection, current or record entry names a population that does not exist.
indexed_network index_network(const experiment_spec& spec);

// Index of population `name` or a network_error at `site` saying what exists.
std::size_t find_population(const indexed_network& net, const network_spec& spec,
                            const std::string& name, const error_site& site, const std::string& role);

}  // namespace fluxon::net
