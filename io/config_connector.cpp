#include <algorithm>
#include <string_view>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "io/config_sections.hpp"
#include "io/config_values.hpp"

namespace fluxon::io {
namespace {

using connector_kind = net::connector_spec::kind;

// Each type takes only the keys it reads, so a key that would be ignored (p for all_to_all,
// multapses for fixed_probability) is an error rather than a silent no-op.
struct connector_type {
    std::string_view name;
    connector_kind kind;
    std::vector<std::string_view> keys;
};

const std::vector<connector_type>& connector_types() {
    static const std::vector<connector_type> types{
        {"all_to_all", connector_kind::all_to_all, {"type", "autapses"}},
        {"one_to_one", connector_kind::one_to_one, {"type", "autapses"}},
        {"fixed_probability", connector_kind::fixed_probability, {"type", "p", "autapses"}},
        {"fixed_indegree", connector_kind::fixed_indegree, {"type", "n", "autapses", "multapses"}},
        {"fixed_outdegree", connector_kind::fixed_outdegree, {"type", "n", "autapses", "multapses"}},
        {"explicit", connector_kind::explicit_list, {"type", "pre", "post"}},
    };
    return types;
}

const connector_type& find_type(const config_node& type_node) {
    const std::string name = read_string(type_node, "a connector type name such as \"all_to_all\"");
    for (const connector_type& type : connector_types()) {
        if (type.name == name) return type;
    }
    std::vector<std::string_view> names;
    for (const connector_type& type : connector_types()) names.push_back(type.name);
    type_node.fail(fmt::format("unknown connector type \"{}\"; known types: {}", name, fmt::join(names, ", ")));
}

void read_connector_numbers(const config_node& at, net::connector_spec& c) {
    if (c.k == connector_kind::fixed_probability) {
        const config_node p = at.require("p", "the connection probability, a number in [0, 1]");
        c.p = read_number(p, "a probability (a number in [0, 1])");
        if (!(c.p >= 0 && c.p <= 1)) p.fail(fmt::format("p must be in [0, 1], got {}", c.p));
    }
    if (c.k == connector_kind::fixed_indegree || c.k == connector_kind::fixed_outdegree) {
        const config_node n = at.require("n", "the number of connections per neuron, an integer >= 0");
        const std::int64_t value = read_integer(n, "an integer >= 0");
        if (value < 0) n.fail(fmt::format("n must be >= 0, got {}", value));
        c.n = static_cast<std::uint64_t>(value);
    }
}

void read_explicit_pairs(const config_node& at, net::connector_spec& c) {
    c.pre_ids = read_ids(at.require("pre", "the presynaptic index of each synapse"));
    const config_node post = at.require("post", "the postsynaptic index of each synapse");
    c.post_ids = read_ids(post);
    if (c.pre_ids.size() != c.post_ids.size()) {
        post.fail(fmt::format("pre has {} indices but post has {}; they must match", c.pre_ids.size(),
                              c.post_ids.size()));
    }
}

}  // namespace

net::connector_spec read_connector(const config_node& at) {
    at.table("a table like { type = \"fixed_probability\", p = 0.1 }");
    net::connector_spec c;
    c.site = at.site();
    const connector_type& type = find_type(at.require("type", "the connector type, e.g. \"all_to_all\""));
    c.k = type.kind;
    at.allow_only(type.keys);
    read_connector_numbers(at, c);
    if (c.k == connector_kind::explicit_list) read_explicit_pairs(at, c);
    if (const config_node autapses = at.child("autapses"); autapses.present()) {
        c.allow_autapses = read_bool(autapses);
    }
    if (const config_node multapses = at.child("multapses"); multapses.present()) {
        c.allow_multapses = read_bool(multapses);
    }
    return c;
}

}  // namespace fluxon::io
