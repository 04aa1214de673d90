// The core mapper: exact loads and destinations on hand-made networks, every refusal naming its
// population and limit, METIS keeping talking populations together where a sequential fill
// separates them, tiles, and determinism.
#include <doctest/doctest.h>

#include <cstdint>
#include <numeric>
#include <string>
#include <tuple>
#include <vector>

#include "engine/base/errors.hpp"
#include "mappers/core_mapper.hpp"

using namespace fluxon;

namespace {

using synapse = std::tuple<std::uint32_t, std::uint32_t, std::uint32_t, std::uint32_t>;

connectivity_walk walk_over(std::vector<synapse> synapses) {
    return [synapses = std::move(synapses)](const synapse_visitor& visit) {
        for (const auto& [pp, pi, qp, qi] : synapses) visit(pp, pi, qp, qi);
    };
}

// A mesh of `tiles` × 1 tiles; limits of 0 are unlimited.
chip_params test_chip(std::uint64_t neurons, std::uint64_t synapses, std::uint32_t tiles,
                      std::uint32_t cores_per_tile = 1, std::uint64_t fan_in = 0, std::uint64_t fan_out = 0) {
    chip_params chip;
    chip.name = "testchip";
    chip.noc.mesh_width = tiles;
    chip.noc.mesh_height = 1;
    chip.noc.cores_per_tile = cores_per_tile;
    chip.neurons_per_core.value = neurons;
    chip.synapses_per_core.value = synapses;
    chip.fan_in_per_core.value = fan_in;
    chip.fan_out_per_neuron.value = fan_out;
    return chip;
}

std::vector<std::uint32_t> tiles_in_order(const chip_params& chip) {
    std::vector<std::uint32_t> order(chip.tiles());
    std::iota(order.begin(), order.end(), 0u);
    return order;
}

mapper_options with(mapper_strategy strategy, std::uint32_t chunk_neurons = 0, std::uint64_t seed = 1) {
    mapper_options o;
    o.strategy = strategy;
    o.chunk_neurons = chunk_neurons;
    o.seed = seed;
    return o;
}

core_mapping map(const std::vector<mapper_population>& pops, const std::vector<synapse>& synapses,
                 const chip_params& chip, const mapper_options& options) {
    return map_to_cores(pops, walk_over(synapses), chip, tiles_in_order(chip), options);
}

// The refusal of mapping, for checks on its site and message.
network_error refusal(const std::vector<mapper_population>& pops, const std::vector<synapse>& synapses,
                      const chip_params& chip, const mapper_options& options) {
    try {
        map(pops, synapses, chip, options);
    } catch (const network_error& e) {
        return e;
    }
    FAIL("the mapping was not refused");
    return network_error("", {});
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

std::vector<core_destination> destinations_of(const core_mapping& m, std::uint32_t p, std::uint32_t i) {
    return {m.destinations[p].begin() + static_cast<std::ptrdiff_t>(m.dest_begin[p][i]),
            m.destinations[p].begin() + static_cast<std::ptrdiff_t>(m.dest_begin[p][i + 1])};
}

void check_destinations(const core_mapping& m, std::uint32_t p, std::uint32_t i,
                        const std::vector<std::pair<std::uint32_t, std::uint32_t>>& expected) {
    const auto got = destinations_of(m, p, i);
    REQUIRE(got.size() == expected.size());
    for (std::size_t k = 0; k < got.size(); ++k) {
        CHECK(got[k].core == expected[k].first);
        CHECK(got[k].synapses == expected[k].second);
    }
}

}  // namespace

TEST_CASE("mappers: a network that fits one core has exact loads") {
    const std::vector<mapper_population> pops{{"in", 3}, {"out", 2}};
    // in0 reaches out0 twice (two projections), one recurrent synapse out0 -> out1.
    const std::vector<synapse> s{{0, 0, 1, 0}, {0, 0, 1, 1}, {0, 1, 1, 0},
                                 {0, 2, 1, 1}, {1, 0, 1, 1}, {0, 0, 1, 0}};
    const chip_params chip = test_chip(8, 24, 4);
    for (const auto strategy : {mapper_strategy::sequential, mapper_strategy::metis}) {
        const core_mapping m = map(pops, s, chip, with(strategy));
        REQUIRE(m.cores.size() == 1);
        CHECK(m.cores[0].tile == 0);
        CHECK(m.cores[0].neurons == 5);
        CHECK(m.cores[0].synapses == 6);
        CHECK(m.cores[0].fan_in == 4);  // in0, in1, in2, out0
        CHECK(m.cores[0].messages_in == 0);
        CHECK(m.messages_within_cores == 4);
        CHECK(m.messages_between_cores == 0);
        // Chunks of a quarter core (2 neurons, 6 synapses), in (population, first) order.
        REQUIRE(m.chunks.size() == 3);
        CHECK((m.chunks[0].population == 0 && m.chunks[0].first == 0 && m.chunks[0].size == 2));
        CHECK((m.chunks[1].population == 0 && m.chunks[1].first == 2 && m.chunks[1].size == 1));
        CHECK((m.chunks[2].population == 1 && m.chunks[2].first == 0 && m.chunks[2].size == 2));
        CHECK(m.core_of[0] == std::vector<std::uint32_t>{0, 0, 0});
        CHECK(m.core_of[1] == std::vector<std::uint32_t>{0, 0});
        check_destinations(m, 0, 0, {{0, 3}});
        check_destinations(m, 1, 1, {});
    }
}

TEST_CASE("mappers: chunks are a quarter core in neurons and synapses by default, else the size asked") {
    // In-degrees 1, 2, 3, 0, 0, 0, 0, 0 from a single source neuron.
    const std::vector<mapper_population> pops{{"src", 1}, {"dst", 8}};
    const std::vector<synapse> s{{0, 0, 1, 0}, {0, 0, 1, 1}, {0, 0, 1, 1},
                                 {0, 0, 1, 2}, {0, 0, 1, 2}, {0, 0, 1, 2}};
    const auto cuts = [&](std::uint64_t synapses_per_core, std::uint32_t chunk_neurons) {
        const core_mapping m = map(pops, s, test_chip(16, synapses_per_core, 8),
                                   with(mapper_strategy::sequential, chunk_neurons));
        std::vector<std::uint32_t> firsts;
        for (const core_chunk& c : m.chunks) {
            if (c.population == 1) firsts.push_back(c.first);
        }
        return firsts;
    };
    // A quarter: 4 neurons and 3 synapses.
    CHECK(cuts(12, 0) == std::vector<std::uint32_t>{0, 2, 6});
    // A quarter of 8 synapses is 2: neuron 2, heavier than that, still makes a chunk of its own.
    CHECK(cuts(8, 0) == std::vector<std::uint32_t>{0, 1, 2, 3, 7});
    // Asked for 5 neurons: only the core's 12 synapses limit them.
    CHECK(cuts(12, 5) == std::vector<std::uint32_t>{0, 5});
    CHECK(cuts(5, 5) == std::vector<std::uint32_t>{0, 2, 7});
}

TEST_CASE("mappers: too many neurons for the chip's cores names the population where they run out") {
    const std::vector<mapper_population> pops{{"a", 4}, {"b", 4}, {"c", 2}};
    const chip_params chip = test_chip(4, 0, 2);
    for (const auto strategy : {mapper_strategy::sequential, mapper_strategy::metis}) {
        const network_error e = refusal(pops, {}, chip, with(strategy));
        CHECK(e.site().node == "c");
        CHECK(e.site().resource == "cores");
        CHECK(contains(e.detail(), "population 'c'"));
        CHECK(contains(e.detail(), "needs 3 cores but a testchip chip has 2"));
    }
}

TEST_CASE("mappers: too many synapses for the chip's cores names the population where they run out") {
    // dst in-degrees 2, 2, 2, 2, 1, 1: chunks dst[0,2) and dst[2,4) hold 4 synapses each, a full
    // core; src joins dst[0,2) on core 0, dst[2,4) takes core 1, dst[4,6) needs a third.
    const std::vector<mapper_population> pops{{"src", 2}, {"dst", 6}};
    std::vector<synapse> s;
    for (std::uint32_t i = 0; i < 6; ++i) s.push_back({0, 0, 1, i});
    for (std::uint32_t i = 0; i < 4; ++i) s.push_back({0, 1, 1, i});
    const chip_params chip = test_chip(8, 4, 2);
    for (const auto strategy : {mapper_strategy::sequential, mapper_strategy::metis}) {
        const network_error e = refusal(pops, s, chip, with(strategy));
        CHECK(e.site().node == "dst");
        CHECK(e.site().resource == "cores");
        CHECK(contains(e.detail(), "needs 3 cores"));
        CHECK(contains(e.detail(), "10 synapses"));
    }
    // With a third core it fits.
    const core_mapping m = map(pops, s, test_chip(8, 4, 3), with(mapper_strategy::sequential));
    REQUIRE(m.cores.size() == 3);
    CHECK(m.cores[0].synapses == 4);
    CHECK(m.cores[1].synapses == 4);
    CHECK(m.cores[2].synapses == 2);
}

TEST_CASE("mappers: a tile order shorter than the chip is a cores error") {
    const std::vector<mapper_population> pops{{"a", 3}};
    const chip_params chip = test_chip(1, 0, 4);
    const auto fits = map_to_cores(pops, walk_over({}), chip, {0, 1, 2}, with(mapper_strategy::sequential));
    CHECK(fits.cores.size() == 3);
    try {
        map_to_cores(pops, walk_over({}), chip, {0, 1}, with(mapper_strategy::metis));
        FAIL("a too short tile order was accepted");
    } catch (const network_error& e) {
        CHECK(e.site().node == "a");
        CHECK(e.site().resource == "cores");
        CHECK(contains(e.detail(), "only 2 of the 4 cores"));
    }
}

TEST_CASE("mappers: a neuron with more incoming synapses than a core holds is refused") {
    const std::vector<mapper_population> pops{{"a", 4}, {"b", 2}};
    const std::vector<synapse> s{{0, 0, 1, 1}, {0, 1, 1, 1}, {0, 2, 1, 1}, {0, 3, 1, 1}};
    const network_error e = refusal(pops, s, test_chip(4, 3, 8), with(mapper_strategy::metis));
    CHECK(e.site().node == "b");
    CHECK(e.site().resource == "synapses_per_core");
    CHECK(e.detail() ==
          "population 'b': neuron 1 has 4 incoming synapses but a testchip core holds at most 3 "
          "(synapses_per_core)");
}

TEST_CASE("mappers: fan-in per core splits chunks and cores, and a neuron beyond it is refused") {
    // b0 hears a0, a1; b1 hears a2, a3: together 4 presynaptic neurons, one more than a core takes.
    const std::vector<mapper_population> pops{{"a", 4}, {"b", 2}};
    const std::vector<synapse> s{{0, 0, 1, 0}, {0, 1, 1, 0}, {0, 2, 1, 1}, {0, 3, 1, 1}};
    const core_mapping m = map(pops, s, test_chip(8, 0, 4, 1, 3), with(mapper_strategy::sequential));
    REQUIRE(m.chunks.size() == 4);
    CHECK((m.chunks[2].population == 1 && m.chunks[2].first == 0 && m.chunks[2].size == 1));
    REQUIRE(m.cores.size() == 2);
    CHECK(m.core_of[1] == std::vector<std::uint32_t>{0, 1});
    CHECK(m.cores[0].neurons == 5);
    CHECK(m.cores[0].fan_in == 2);
    CHECK(m.cores[0].messages_in == 0);
    CHECK(m.cores[1].neurons == 1);
    CHECK(m.cores[1].fan_in == 2);
    CHECK(m.cores[1].messages_in == 2);
    CHECK(m.messages_between_cores == 2);
    CHECK(m.messages_within_cores == 2);
    const core_mapping by_metis = map(pops, s, test_chip(8, 0, 4, 1, 3), with(mapper_strategy::metis));
    for (const core_load& c : by_metis.cores) CHECK(c.fan_in <= 3);

    const network_error e = refusal(pops, s, test_chip(8, 0, 4, 1, 1), with(mapper_strategy::metis));
    CHECK(e.site().node == "b");
    CHECK(e.site().resource == "fan_in_per_core");
    CHECK(contains(e.detail(), "neuron 0 receives from 2 distinct presynaptic neurons"));
}

TEST_CASE("mappers: a neuron reaching more cores than its fan-out is refused") {
    // Two neurons per core: a0 with b0 on core 0, b1 and b2 on core 1, b3 on core 2.
    const std::vector<mapper_population> pops{{"a", 1}, {"b", 4}};
    const std::vector<synapse> s{{0, 0, 1, 0}, {0, 0, 1, 1}, {0, 0, 1, 2}, {0, 0, 1, 3}};
    const network_error e = refusal(pops, s, test_chip(2, 0, 4, 1, 0, 1), with(mapper_strategy::sequential));
    CHECK(e.site().node == "a");
    CHECK(e.site().resource == "fan_out_per_neuron");
    CHECK(e.detail() ==
          "population 'a': neuron 0 sends spikes to 3 cores but a testchip neuron reaches at most 1 "
          "(fan_out_per_neuron)");
    CHECK(map(pops, s, test_chip(2, 0, 4, 1, 0, 3), with(mapper_strategy::sequential)).cores.size() == 3);
}

TEST_CASE("mappers: METIS keeps two talking pairs together where a sequential fill separates them") {
    // Populations in the order A, C, B, D; A -> B and C -> D one-to-one; a core holds one pair.
    const std::vector<mapper_population> pops{{"A", 4}, {"C", 4}, {"B", 4}, {"D", 4}};
    std::vector<synapse> s;
    for (std::uint32_t i = 0; i < 4; ++i) {
        s.push_back({0, i, 2, i});
        s.push_back({1, i, 3, i});
    }
    const chip_params chip = test_chip(8, 0, 2);

    // Whole populations as chunks: core 0 gets A and C, core 1 gets B and D; all 8 spikes cross.
    const core_mapping seq = map(pops, s, chip, with(mapper_strategy::sequential, 4));
    REQUIRE(seq.cores.size() == 2);
    CHECK(seq.core_of[0][0] == 0);
    CHECK(seq.core_of[1][0] == 0);
    CHECK(seq.core_of[2][0] == 1);
    CHECK(seq.core_of[3][0] == 1);
    CHECK(seq.messages_between_cores == 8);
    CHECK(seq.messages_within_cores == 0);
    CHECK(seq.cores[0].fan_in == 0);
    CHECK(seq.cores[1].fan_in == 8);
    CHECK(seq.cores[1].messages_in == 8);

    const core_mapping met = map(pops, s, chip, with(mapper_strategy::metis, 4));
    REQUIRE(met.cores.size() == 2);
    CHECK(met.core_of[0][0] == met.core_of[2][0]);
    CHECK(met.core_of[1][0] == met.core_of[3][0]);
    CHECK(met.core_of[0][0] != met.core_of[1][0]);
    CHECK(met.messages_between_cores == 0);
    CHECK(met.messages_within_cores == 8);
    for (const core_load& c : met.cores) {
        CHECK(c.neurons == 8);
        CHECK(c.synapses == 4);
        CHECK(c.fan_in == 4);
        CHECK(c.messages_in == 0);
    }
    // Finer chunks (2 neurons) still leave no message between cores.
    const core_mapping fine = map(pops, s, chip, with(mapper_strategy::metis));
    CHECK(fine.chunks.size() == 8);
    CHECK(fine.messages_between_cores == 0);
}

namespace {

// x0 x1 | y0 y1 | y2 with two neurons per core, filled in order.
const std::vector<mapper_population> xy_pops{{"x", 2}, {"y", 3}};
const std::vector<synapse> xy_synapses{{0, 0, 1, 0}, {0, 0, 1, 2}, {0, 0, 1, 2}, {0, 1, 1, 1},
                                       {1, 2, 0, 0}, {1, 2, 1, 0}, {1, 0, 1, 1}, {0, 0, 0, 1}};

}  // namespace

TEST_CASE("mappers: destinations merge synapses per core, in core order, with exact loads") {
    const core_mapping m = map(xy_pops, xy_synapses, test_chip(2, 0, 4), with(mapper_strategy::sequential));
    REQUIRE(m.cores.size() == 3);
    CHECK(m.core_of[0] == std::vector<std::uint32_t>{0, 0});
    CHECK(m.core_of[1] == std::vector<std::uint32_t>{1, 1, 2});
    CHECK(m.dest_begin[0] == std::vector<std::uint64_t>{0, 3, 4});
    CHECK(m.dest_begin[1] == std::vector<std::uint64_t>{0, 1, 1, 3});
    check_destinations(m, 0, 0, {{0, 1}, {1, 1}, {2, 2}});
    check_destinations(m, 0, 1, {{1, 1}});
    check_destinations(m, 1, 0, {{1, 1}});
    check_destinations(m, 1, 1, {});
    check_destinations(m, 1, 2, {{0, 1}, {1, 1}});
    CHECK(m.messages_between_cores == 5);
    CHECK(m.messages_within_cores == 2);
    const std::vector<std::uint32_t> neurons{2, 2, 1}, fan_in{2, 4, 1};
    const std::vector<std::uint64_t> synapses{2, 4, 2}, messages_in{1, 3, 1};
    for (std::size_t c = 0; c < 3; ++c) {
        CHECK(m.cores[c].neurons == neurons[c]);
        CHECK(m.cores[c].synapses == synapses[c]);
        CHECK(m.cores[c].fan_in == fan_in[c]);
        CHECK(m.cores[c].messages_in == messages_in[c]);
    }
}

TEST_CASE("mappers: cores lie on tiles in placement order, cores_per_tile at a time") {
    const chip_params chip = test_chip(2, 0, 2, 2);
    const core_mapping m =
        map_to_cores(xy_pops, walk_over(xy_synapses), chip, {1, 0}, with(mapper_strategy::sequential));
    REQUIRE(m.cores.size() == 3);
    CHECK(m.cores[0].tile == 1);
    CHECK(m.cores[1].tile == 1);
    CHECK(m.cores[2].tile == 0);
}

TEST_CASE("mappers: the same seed gives the same mapping, whatever the order of the walk") {
    const std::vector<mapper_population> pops{{"e", 60}, {"i", 20}, {"in", 40}};
    std::vector<synapse> s;
    std::uint64_t state = 12345;
    const auto next = [&](std::uint32_t n) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return static_cast<std::uint32_t>((state >> 33) % n);
    };
    for (int k = 0; k < 900; ++k) {
        const std::uint32_t pp = next(3), qp = next(2);
        s.push_back({pp, next(pops[pp].size), qp, next(pops[qp].size)});
    }
    const chip_params chip = test_chip(16, 160, 16, 1, 60);
    const core_mapping a = map(pops, s, chip, with(mapper_strategy::metis, 0, 7));
    const core_mapping b = map(pops, s, chip, with(mapper_strategy::metis, 0, 7));
    const std::vector<synapse> reversed(s.rbegin(), s.rend());
    const core_mapping c = map(pops, reversed, chip, with(mapper_strategy::metis, 0, 7));
    for (const core_mapping* other : {&b, &c}) {
        CHECK(other->core_of == a.core_of);
        CHECK(other->dest_begin == a.dest_begin);
        CHECK(other->messages_between_cores == a.messages_between_cores);
        REQUIRE(other->cores.size() == a.cores.size());
        for (std::size_t k = 0; k < a.cores.size(); ++k) CHECK(other->cores[k].fan_in == a.cores[k].fan_in);
    }
    // Every core within the limits; every synapse and message accounted for.
    std::uint64_t synapses = 0, fan_in = 0, neurons = 0;
    for (const core_load& load : a.cores) {
        CHECK(load.neurons <= 16);
        CHECK(load.synapses <= 160);
        CHECK(load.fan_in <= 60);
        synapses += load.synapses;
        fan_in += load.fan_in;
        neurons += load.neurons;
    }
    CHECK(neurons == 120);
    CHECK(synapses == s.size());
    CHECK(fan_in == a.messages_between_cores + a.messages_within_cores);
    // METIS cuts no more than the sequential fill here.
    const core_mapping seq = map(pops, s, chip, with(mapper_strategy::sequential));
    CHECK(a.messages_between_cores <= seq.messages_between_cores);
}

TEST_CASE("mapper: rows that do not fit their core go to DRAM core by core, in whole bursts") {
    // Two populations; per neuron its destinations {core, synapses}. Core 0 holds 5 synapses.
    core_mapping m;
    m.cores.resize(2);
    m.destinations = {{{0, 3}, {1, 1}, {0, 4}, {1, 2}}, {{0, 2}, {0, 1}}};
    const std::vector<mapper_population> pops{{"a", 3}, {"b", 2}};
    const dram_row_memory memory{"test", 1 << 20, 64, 20};
    place_rows_in_dram(m, pops, 5, memory);
    // Core 0 in (population, neuron) order: a's 3 stays, a's 4 does not fit (7), b's 2 fits
    // (5), b's 1 does not (6). Core 1's rows (1 + 2) fit.
    CHECK(m.cores[0].synapses_off_chip == 5);
    CHECK(m.cores[1].synapses_off_chip == 0);
    REQUIRE(m.dram_rows.size() == 2);
    CHECK(m.dram_rows[0][0].bursts == 0);
    CHECK(m.dram_rows[0][1].bursts == 0);
    CHECK(m.dram_rows[0][2].address == 0);
    CHECK(m.dram_rows[0][2].bursts == 2);  // 4 x 20 bytes = 80: two bursts of 64
    CHECK(m.dram_rows[1][0].bursts == 0);
    CHECK(m.dram_rows[1][1].address == 128);
    CHECK(m.dram_rows[1][1].bursts == 1);

    core_mapping full = m;
    full.cores.assign(2, {});
    const dram_row_memory small{"small", 128, 64, 20};
    try {
        place_rows_in_dram(full, pops, 5, small);
        FAIL("the second row should not fit");
    } catch (const network_error& e) {
        CHECK(e.site().node == "b");
        CHECK(e.site().resource == "dram capacity");
    }
}
