// Circuit files that cannot be built are refused naming the file, line, key and instance:
// unconnected ports, fan-out without a splitter, fan-in without a merger, loops without delay.
#include <doctest/doctest.h>

#include <string>

#include "devices/sfq/plugin/sfq_circuit.hpp"
#include "tests/unit/common/sfq_run.hpp"
#include "engine/base/errors.hpp"

namespace {

using fluxon::test::run_sfq;

// The error a circuit raises, with its site.
struct failure {
    std::string message;
    fluxon::error_site site;
};

failure fails(const std::string& text) {
    try {
        fluxon::parse_sfq_circuit(text, "test.toml");  // read and validated as a file would be
        run_sfq(text);
    } catch (const fluxon::user_error& e) {
        return {e.what(), e.site()};
    }
    FAIL("the circuit was accepted");
    return {};
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

TEST_CASE("sfq netlist: an unconnected input names the instance and port") {
    const auto f = fails("[circuit]\noutputs = [\"q\"]\nwires = [\"a -> g.a\", \"g.q -> q\"]\n"
                         "[circuit.instances]\ng = \"and\"\n[circuit.inputs.a]\ntimes = []\n");
    CHECK(contains(f.message, "unconnected input g.b"));
    CHECK(f.site.node == "g");
    CHECK(f.site.file == "test.toml");
    CHECK(f.site.line == 5);
}

TEST_CASE("sfq netlist: 'open' accepts an input left unconnected on purpose") {
    const auto r = run_sfq("[circuit]\noutputs = [\"q\"]\nopen = [\"d.rst\"]\n"
                           "wires = [\"a -> d.a\", \"c -> d.clk\", \"d.q -> q\"]\n"
                           "[circuit.instances]\nd = \"dro_sr\"\n[circuit.inputs.a]\ntimes = [\"1 ps\"]\n"
                           "[circuit.inputs.c]\ntimes = [\"10 ps\"]\n");
    CHECK(fluxon::test::output(r, "q") == std::vector<fluxon::tick_t>{15'100});
}

TEST_CASE("sfq netlist: an unconnected output is an error") {
    const auto f = fails("[circuit]\nwires = [\"a -> j.a\"]\n[circuit.instances]\nj = \"jtl\"\n"
                         "[circuit.inputs.a]\ntimes = []\n");
    CHECK(contains(f.message, "unconnected output j.q"));
    CHECK(f.site.node == "j");
}

TEST_CASE("sfq netlist: fan-out without a splitter names the wire's line") {
    const auto f = fails("[circuit]\noutputs = [\"x\", \"y\"]\nwires = [\n  \"a -> j.a\",\n  \"j.q -> x\",\n"
                         "  \"j.q -> k.a\",\n  \"k.q -> y\",\n]\n[circuit.instances]\nj = \"jtl\"\nk = \"jtl\"\n"
                         "[circuit.inputs.a]\ntimes = []\n");
    CHECK(contains(f.message, "fan-out without a splitter"));
    CHECK(f.site.node == "j");
}

TEST_CASE("sfq netlist: fan-in without a merger") {
    const auto f = fails("[circuit]\noutputs = [\"y\"]\nwires = [\n  \"a -> j.a\",\n  \"b -> j.a\",\n  \"j.q -> y\",\n]\n"
                         "[circuit.instances]\nj = \"jtl\"\n[circuit.inputs.a]\ntimes = []\n[circuit.inputs.b]\ntimes = []\n");
    CHECK(contains(f.message, "fan-in without a merger"));
    CHECK(contains(f.message, "circuit input 'b'"));
    CHECK(f.site.node == "j");
}

TEST_CASE("sfq netlist: a loop of zero-delay cells is refused and a delayed loop needs a stop time") {
    const std::string loop = "[circuit]\noutputs = [\"y\"]\nwires = [\"a -> m.a\", \"m.q -> s.a\", \"s.l -> j.a\", "
                             "\"j.q -> m.b\", \"s.r -> y\"]\n[circuit.instances]\nm = { cell = \"merger\", delay = \"0 ps\" }\n"
                             "s = { cell = \"splitter\", delay = \"0 ps\" }\nj = { cell = \"jtl\", delay = \"%\" }\n"
                             "[circuit.inputs.a]\ntimes = [\"1 ps\"]\n";
    auto with = [&](const std::string& delay, const std::string& extra = "") {
        std::string t = loop;
        t.replace(t.find('%'), 1, delay);
        return t.replace(t.find("[circuit]\n") + 10, 0, extra);
    };
    const auto zero = fails(with("0 ps"));
    CHECK(contains(zero.message, "combinational loop without delay"));
    CHECK(contains(zero.message, "m"));
    const auto forever = fails(with("5.7 ps"));
    CHECK(contains(forever.message, "set circuit.stop"));
    // A ring oscillator with a stop time: period 5.7 ps (the other cells take no time here).
    const auto r = run_sfq(with("5.7 ps", "stop = \"30 ps\"\npolicy = \"record\"\n"));
    CHECK(fluxon::test::output(r, "y") == std::vector<fluxon::tick_t>{1'000, 6'700, 12'400, 18'100, 23'800, 29'500});
}

TEST_CASE("sfq netlist: unknown cells, ports, instances and subcircuits name file, line and key") {
    auto f = fails("[circuit]\n[circuit.instances]\nx = \"flipflop\"\n");
    CHECK(contains(f.message, "unknown cell 'flipflop'"));
    CHECK(f.site.line == 3);
    CHECK(f.site.key == "circuit.instances.x");
    f = fails("[circuit]\nwires = [\"a -> j.b\"]\n[circuit.instances]\nj = \"jtl\"\n[circuit.inputs.a]\ntimes = []\n");
    CHECK(contains(f.message, "has no input 'b'"));
    CHECK(f.site.key == "circuit.wires[0]");
    f = fails("[circuit]\nwires = [\"a -> k.a\"]\n[circuit.inputs.a]\ntimes = []\n");
    CHECK(contains(f.message, "no instance 'k'"));
    f = fails("[circuit]\n[circuit.instances]\nx = { circuit = \"nope\" }\n");
    CHECK(contains(f.message, "unknown subcircuit 'nope'"));
    f = fails("[circuit]\n[circuit.instances]\nx = { circuit = \"r\" }\n[subcircuits.r.instances]\ny = { circuit = \"r\" }\n");
    CHECK(contains(f.message, "contains itself"));
    f = fails("[circuit]\n[circuit.inputs.a]\nperiod = \"50 ps\"\n");
    CHECK(contains(f.message, "exactly one of 'count' and 'bits'"));
    f = fails("[circuit]\n[circuit.inputs.a]\ntimes = [\"20 ps\", \"10 ps\"]\n");
    CHECK(contains(f.message, "strictly increasing"));
    f = fails("[circuit]\n[circuit.inputs.a]\ntimes = [\"0.5 fs\"]\n");
    CHECK(contains(f.message, "whole number of ticks"));
    f = fails("[circuit]\npolicy = \"ignore\"\n");
    CHECK(contains(f.message, "expected one of \"error\", \"warn\", \"record\""));
    CHECK(f.site.line == 2);
}

TEST_CASE("sfq netlist: synapse and neuron parameters are checked") {
    auto f = fails("[circuit]\n[circuit.instances]\ns = \"synapse\"\n");
    CHECK(contains(f.message, "needs its bias current"));
    f = fails("[circuit]\n[circuit.instances]\ns = { cell = \"jtl\", bias = \"70 uA\" }\n");
    CHECK(contains(f.message, "no stochastic transition"));
    f = fails("[circuit]\n[circuit.instances]\nn = { cell = \"neuron\", threshold = 0 }\n");
    CHECK(contains(f.message, "out of range"));
    CHECK(f.site.key == "circuit.instances.n.threshold");
}

}  // namespace
