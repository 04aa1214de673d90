// Synapse tables keep a projection's few distinct weights once (4 bytes per synapse) and
// per-synapse weights beside their targets (8 bytes). Checked: the layout chosen for each
// number of distinct values and slice size, the targets and weights read back, and that a run
// gives bit-identical spikes whichever layout its tables take.
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "engine/network_builder.hpp"
#include "engine/simulation.hpp"
#include "engine/synapse_table.hpp"
#include "tests/unit/common/specs.hpp"

using namespace fluxon;

namespace {

// The same synapses with a weight stored beside each target.
void store_per_synapse(synapse_table& t) {
    std::vector<synapse> rows(t.size());
    for (std::size_t k = 0; k < t.size(); ++k) rows[k] = synapse{t.target(k), t.weight(k)};
    t.synapses = std::move(rows);
    t.packed.clear();
    t.shared.clear();
    t.class_bits = 0;
}

// CUBA whose excitatory projections have 64 inputs per neuron and three weights in turn.
net::experiment_spec cuba_three_weights() {
    auto e = test::cuba(1000, "300 ms", 1, 5);
    const std::vector<double> cycle{1.62e-3, 1.2e-3, 0.9e-3};
    for (auto& p : e.network.projections) {
        if (p.pre != "exc") continue;
        p.connector.k = net::connector_spec::kind::fixed_indegree;
        p.connector.n = 64;
        const std::uint32_t post_size = p.post == "exc" ? 800 : 200;
        p.weight.k = net::value_spec::kind::array;
        for (std::uint32_t k = 0; k < post_size * 64; ++k) p.weight.values.push_back(cycle[k % 3]);
    }
    return e;
}

const synapse_table& table_of(const simulation& sim, std::size_t projection) {
    const auto& net = sim.network();
    const auto& slice = *net.populations[net.projections[projection].post_index].slices.at(0);
    for (const auto& t : slice.incoming()) {
        if (t.projection == projection) return t;
    }
    FAIL("no table");
    throw;
}

}  // namespace

TEST_CASE("synapse tables: the layout follows the number of distinct weights") {
    const std::vector<float> one{1.0f}, two{1.0f, 2.0f}, three{1.0f, 2.0f, 3.0f};
    CHECK(choose_weight_layout(one, 4'000'000'000u).class_bits == 0);
    CHECK(choose_weight_layout(one, 4'000'000'000u).shared == one);
    CHECK(choose_weight_layout(two, 1000).class_bits == 1);
    CHECK(choose_weight_layout(three, 1000).class_bits == 2);
    std::vector<float> many(256);
    for (std::size_t k = 0; k < many.size(); ++k) many[k] = static_cast<float>(k);
    CHECK(choose_weight_layout(many, 1u << 24).class_bits == 8);
    // One more target than 24 bits hold leaves no room for 8 bits of class.
    CHECK(choose_weight_layout(many, (1u << 24) + 1).shared.empty());
    many.push_back(256.0f);
    CHECK(choose_weight_layout(many, 1000).shared.empty());
    CHECK(choose_weight_layout({}, 1000).shared.empty());  // drawn from a distribution
}

TEST_CASE("synapse tables: constant and few weights take 4 bytes per synapse, drawn ones 8") {
    auto e = cuba_three_weights();
    e.network.projections[2].weight.k = net::value_spec::kind::uniform;  // inh_exc: -9 mV .. -8 mV
    e.network.projections[2].weight.b = test::q("-8 mV");
    simulation sim(e);
    const synapse_table& three = table_of(sim, 0);  // exc_exc
    CHECK(three.class_bits == 2);
    CHECK(three.bytes_per_synapse() == 4);
    REQUIRE(three.size() == 800 * 64);
    // Every synapse reads back one of the three weights, each as often as the array holds it.
    std::vector<std::uint32_t> count(4, 0);
    for (std::size_t k = 0; k < three.size(); ++k) {
        const float w = three.weight(k);
        ++count[w == 1.62e-3f ? 0 : w == 1.2e-3f ? 1 : w == 0.9e-3f ? 2 : 3];
        CHECK(three.target(k) < 800);
    }
    CHECK(count == std::vector<std::uint32_t>{17067, 17067, 17066, 0});
    const synapse_table& constant = table_of(sim, 3);  // inh_inh
    CHECK(constant.weights_shared());
    CHECK(constant.class_bits == 0);
    CHECK(constant.weight(0) == -9e-3f);
    const synapse_table& drawn = table_of(sim, 2);
    CHECK_FALSE(drawn.weights_shared());
    CHECK(drawn.bytes_per_synapse() == 8);
}

TEST_CASE("synapse tables: spikes are bit-identical whichever layout the tables take") {
    simulation shared(cuba_three_weights());
    simulation per_synapse(cuba_three_weights());
    for (auto* slice : per_synapse.network().populations[0].slices) {
        for (auto& t : slice->incoming()) store_per_synapse(t);
    }
    for (auto* slice : per_synapse.network().populations[1].slices) {
        for (auto& t : slice->incoming()) store_per_synapse(t);
    }
    CHECK(table_of(shared, 0).class_bits == 2);
    CHECK(table_of(shared, 2).weights_shared());
    CHECK_FALSE(table_of(per_synapse, 0).weights_shared());
    shared.run();
    per_synapse.run();
    const auto& a = shared.spikes("exc");
    const auto& b = per_synapse.spikes("exc");
    REQUIRE(a.ids.size() > 500);
    CHECK(a.ids == b.ids);
    CHECK(a.times == b.times);
    CHECK(shared.spikes("inh").ids == per_synapse.spikes("inh").ids);
}
