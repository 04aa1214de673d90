// The SFQ mapper turns a small spiking network into a circuit file whose pulses can be
// computed by hand: weights become pass probabilities, fan-in a merger tree, sources input
// trains with their times scaled (1 ms -> 100 ps by default).
#include <doctest/doctest.h>

#include <string>

#include "tests/unit/common/specs.hpp"
#include "engine/base/errors.hpp"
#include "tests/unit/common/sfq_run.hpp"
#include "mappers/sfq_mapper.hpp"

namespace {

using namespace fluxon::test;
using fluxon::net::connector_spec;

fluxon::net::experiment_spec two_inputs_one_neuron(const std::string& source_model = "spike_times") {
    auto e = experiment("0.1 ms", "10 ms");
    auto in = spike_source("in", 2, {0, 1e-3, 2e-3, 3e-3, 0.5e-3, 1.5e-3}, {0, 0, 0, 0, 1, 1});
    in.model = source_model;
    e.network.populations.push_back(in);
    e.network.populations.push_back(population("hid", 1, "if"));
    e.network.projections.push_back(projection("w", "in", "hid", "in", connector_spec::kind::all_to_all, "2 mV"));
    return e;
}

TEST_CASE("sfq mapper: two spike trains into a threshold-2 neuron, by hand") {
    fluxon::sfq_map_options o;
    o.threshold = 2;
    const auto m = fluxon::map_network_to_sfq(two_inputs_one_neuron(), o);
    CHECK(m.neurons == 1);
    CHECK(m.inputs == 2);
    CHECK(m.synapses == 2);
    CHECK(m.mergers == 1);
    CHECK(m.splitters == 0);
    CHECK(m.cells == 4);
    REQUIRE(m.recorded == std::vector<std::string>{"hid_0.q"});

    const auto r = fluxon::test::run_sfq(m.circuit_text);
    // Inputs at 0, 100, 200, 300 ps and 50, 150 ps; full weight passes every pulse; each
    // reaches the neuron after the synapse (5.7) and the merger (8.2); every second one fires
    // it 8.0 ps later.
    REQUIRE(r.recorded.size() == 1);
    CHECK(r.recorded[0].times == std::vector<fluxon::tick_t>{71'900, 171'900, 321'900});
    CHECK(r.outputs[0].times == r.recorded[0].times);
}

TEST_CASE("sfq mapper: negative weights inhibit and weights scale to pass probabilities") {
    auto e = two_inputs_one_neuron();
    auto v = projection("v", "in", "hid", "in", connector_spec::kind::explicit_list, "-1 mV");
    v.connector.pre_ids = {0};
    v.connector.post_ids = {0};
    e.network.projections.push_back(v);
    fluxon::sfq_map_options o;
    o.full_weight = 4e-3;
    const auto m = fluxon::map_network_to_sfq(e, o);
    CHECK(m.synapses == 3);
    CHECK(m.circuit_text.find("w_0 = { cell = \"synapse\", p = 0.5 }") != std::string::npos);
    CHECK(m.circuit_text.find("v_0 = { cell = \"synapse\", p = 0.25 }") != std::string::npos);
    CHECK(m.circuit_text.find("\"in_0\" = [\"w_0.a\", \"v_0.a\"]") != std::string::npos);  // a splitter
    CHECK(m.circuit_text.find("v_0.q -> hid_0.inh") != std::string::npos);
}

TEST_CASE("sfq mapper: what cannot be mapped names the population or the resource") {
    try {
        fluxon::map_network_to_sfq(two_inputs_one_neuron("poisson"), {});
        FAIL("mapped a poisson source");
    } catch (const fluxon::network_error& err) {
        CHECK(err.site().node == "in");
        CHECK(std::string(err.what()).find("only spike_times sources") != std::string::npos);
    }
    fluxon::sfq_map_options o;
    o.max_cells = 3;
    try {
        fluxon::map_network_to_sfq(two_inputs_one_neuron(), o);
        FAIL("exceeded max_cells");
    } catch (const fluxon::network_error& err) {
        CHECK(err.site().resource == "cells");
        CHECK(std::string(err.what()).find("4 cells") != std::string::npos);
    }
    o = {};
    o.full_weight = 1e-3;
    CHECK_THROWS_AS(fluxon::map_network_to_sfq(two_inputs_one_neuron(), o), fluxon::network_error);
}

}  // namespace
