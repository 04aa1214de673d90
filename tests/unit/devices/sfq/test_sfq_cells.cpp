// SFQ cells at pulse level against hand-computed times: every number below is a sum of the
// library's delays (PyLSE v0.1.0 defaults, devices/sfq/presets/sfq_default.toml).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <fmt/format.h>

#include "tests/unit/common/sfq_run.hpp"

namespace {

using fluxon::tick_t;
using fluxon::test::output;
using fluxon::test::run_sfq;
using times = std::vector<tick_t>;

TEST_CASE("sfq: a chain of five JTLs delays a pulse by 5 x 5.7 ps") {
    const auto r = run_sfq(R"(
[circuit]
outputs = ["out"]
wires = ["a -> j1.a", "j1.q -> j2.a", "j2.q -> j3.a", "j3.q -> j4.a", "j4.q -> j5.a", "j5.q -> out"]
[circuit.instances]
j1 = "jtl"
j2 = "jtl"
j3 = "jtl"
j4 = "jtl"
j5 = "jtl"
[circuit.inputs.a]
times = ["10 ps", "100 ps"]
)");
    CHECK(output(r, "out") == times{38'500, 128'500});
    CHECK(r.events == 10);
    CHECK(r.firings == 10);
    CHECK(r.violations.empty());
}

TEST_CASE("sfq: splitter trees put 1 sink at depth 1 and 2 at depth 2 for three sinks") {
    const auto r = run_sfq(R"(
[circuit]
outputs = ["o0", "o1", "o2", "o3"]
wires = ["j0.q -> o0", "j1.q -> o1", "j2.q -> o2", "x.q -> o3"]
fanout = { a = ["j0.a", "j1.a", "j2.a"], b = ["x.a"] }
[circuit.instances]
j0 = "jtl"
j1 = "jtl"
j2 = "jtl"
x = "jtl"
[circuit.inputs.a]
times = ["10 ps"]
[circuit.inputs.b]
times = ["10 ps"]
)");
    CHECK(output(r, "o0") == times{20'000});  // 10 + 4.3 + 5.7
    CHECK(output(r, "o1") == times{24'300});  // 10 + 2 x 4.3 + 5.7
    CHECK(output(r, "o2") == times{24'300});
    CHECK(output(r, "o3") == times{15'700});  // a single sink needs no splitter
    CHECK(r.cells == 6);
}

const char* merger_circuit = R"(
[circuit]
policy = "record"
outputs = ["q"]
wires = ["a -> m.a", "b -> m.b", "m.q -> q"]
[circuit.instances]
m = "merger"
[circuit.inputs.a]
times = ["10 ps"]
[circuit.inputs.b]
times = ["{}"]
)";

TEST_CASE("sfq: a merger of near-coincident pulses flags the second inside its 8.2 ps window") {
    const auto apart = run_sfq(fmt::format(fmt::runtime(merger_circuit), "30 ps"));
    CHECK(output(apart, "q") == times{18'200, 38'200});
    CHECK(apart.violations.empty());

    const auto close = run_sfq(fmt::format(fmt::runtime(merger_circuit), "15 ps"));
    CHECK(output(close, "q") == times{18'200, 23'200});
    REQUIRE(close.violations.size() == 1);
    const auto& v = close.violations[0];
    CHECK(v.instance == "m");
    CHECK(v.kind == "hold");
    CHECK(v.port == "b");
    CHECK(v.time == 15'000);
    CHECK(v.other_port == "a");
    CHECK(v.other_time == 10'000);

    CHECK(run_sfq(fmt::format(fmt::runtime(merger_circuit), "18200 fs")).violations.empty());
    CHECK(run_sfq(fmt::format(fmt::runtime(merger_circuit), "18199 fs")).violations.size() == 1);
    // Simultaneous pulses: b is handled second (the merger lists a before b) and falls in a's window.
    const auto same = run_sfq(fmt::format(fmt::runtime(merger_circuit), "10 ps"));
    CHECK(same.violations.size() == 1);
}

// A clocked two-input gate over its truth table: cycle k (clock at 50(k+1) ps) sees (a, b) =
// (0,0), (0,1), (1,0), (1,1) for k = 0..3, applied at 50k + 25 ps.
times gate_outputs(const std::string& cell) {
    const auto r = run_sfq(fmt::format(R"(
[circuit]
outputs = ["q"]
wires = ["a -> g.a", "b -> g.b", "clk -> g.clk", "g.q -> q"]
[circuit.instances]
g = "{}"
[circuit.inputs.a]
times = ["125 ps", "175 ps"]
[circuit.inputs.b]
times = ["75 ps", "175 ps"]
[circuit.inputs.clk]
period = "50 ps"
start = "50 ps"
count = 4
)",
                                       cell));
    CHECK(r.violations.empty());
    return output(r, "q");
}

TEST_CASE("sfq: every clocked two-input gate over its full truth table") {
    // Clock k+1 at 50(k+1) ps fires after the gate's delay when f(a, b) of cycle k is 1.
    CHECK(gate_outputs("and") == times{209'200});                            // 11; 9.2 ps
    CHECK(gate_outputs("or") == times{108'000, 158'000, 208'000});           // 01 10 11; 8.0 ps
    CHECK(gate_outputs("xor") == times{106'500, 156'500});                   // 01 10; 6.5 ps
    CHECK(gate_outputs("xnor") == times{56'500, 206'500});                   // 00 11; 6.5 ps
    CHECK(gate_outputs("nand") == times{55'000, 105'000, 155'000});          // 00 01 10; 5.0 ps
    CHECK(gate_outputs("nor") == times{55'000});                             // 00; 5.0 ps
}

TEST_CASE("sfq: the clocked inverter fires when no pulse arrived") {
    const auto r = run_sfq(R"(
[circuit]
outputs = ["q"]
wires = ["a -> g.a", "clk -> g.clk", "g.q -> q"]
[circuit.instances]
g = "not"
[circuit.inputs.a]
times = ["75 ps"]
[circuit.inputs.clk]
period = "50 ps"
start = "50 ps"
count = 2
)");
    CHECK(output(r, "q") == times{59'600});  // 50 + 9.6; the second cycle had a pulse
}

TEST_CASE("sfq: DRO, complementary DRO, DRO with reset, NDRO, TFF, C and inverted C") {
    const auto r = run_sfq(R"(
[circuit]
outputs = ["dro", "dc_q", "dc_qn", "sr", "ndro", "tff", "c", "cinv"]
wires = [
  "d_a -> d.a", "d.q -> dro",
  "dc_a -> dc.a", "dc.q -> dc_q", "dc.qn -> dc_qn",
  "sr_a -> sr.a", "sr_rst -> sr.rst", "sr.q -> sr",
  "n_set -> n.set", "n_rst -> n.rst", "n.q -> ndro",
  "t_a -> t.a", "t.q -> tff",
  "c_a -> c.a", "c_b -> c.b", "c.q -> c",
  "ci_a -> ci.a", "ci_b -> ci.b", "ci.q -> cinv",
]
fanout = { clk = ["d.clk", "dc.clk", "sr.clk", "n.clk"] }
[circuit.instances]
d = "dro"
dc = "dro_c"
sr = "dro_sr"
n = "ndro"
t = "tff"
c = "c"
ci = "c_inv"
[circuit.inputs.clk]
period = "50 ps"
start = "50 ps"
count = 3
[circuit.inputs.d_a]
times = ["20 ps"]
[circuit.inputs.dc_a]
times = ["20 ps"]
[circuit.inputs.sr_a]
times = ["20 ps", "70 ps"]
[circuit.inputs.sr_rst]
times = ["30 ps"]
[circuit.inputs.n_set]
times = ["20 ps"]
[circuit.inputs.n_rst]
times = ["120 ps"]
[circuit.inputs.t_a]
times = ["10 ps", "30 ps", "50 ps", "70 ps"]
[circuit.inputs.c_a]
times = ["10 ps", "60 ps"]
[circuit.inputs.c_b]
times = ["30 ps"]
[circuit.inputs.ci_a]
times = ["10 ps"]
[circuit.inputs.ci_b]
times = ["30 ps", "50 ps"]
)");
    CHECK(r.violations.empty());
    // The clock reaches every flip-flop through 2 splitters: 50 k + 8.6 ps.
    CHECK(output(r, "dro") == times{63'700});                // 58.6 + 5.1; destructive: once
    CHECK(output(r, "dc_q") == times{63'700});               // stored: q
    CHECK(output(r, "dc_qn") == times{113'700, 163'700});    // empty: qn
    CHECK(output(r, "sr") == times{113'700});                // reset at 30 cleared the first
    CHECK(output(r, "ndro") == times{64'600, 114'600});      // 6.0 ps; kept until rst at 120
    CHECK(output(r, "tff") == times{36'000, 76'000});        // every second pulse, 6.0 ps
    CHECK(output(r, "c") == times{38'000});                  // last arrival of a 10 / b 30; a 60 waits
    CHECK(output(r, "cinv") == times{19'000, 59'000});       // first arrival; b 30 resets; b 50 fires
}

// A DRO with its clock at 50 ps and its data at 50 ps - 2.3 ps + `offset` fs.
fluxon::test::sfq_outcome dro_setup(tick_t data_fs) {
    return run_sfq(fmt::format(R"(
[circuit]
policy = "record"
outputs = ["q"]
wires = ["a -> d.a", "clk -> d.clk", "d.q -> q"]
[circuit.instances]
d = "dro"
[circuit.inputs.a]
times = ["{} fs"]
[circuit.inputs.clk]
times = ["50 ps"]
)",
                               data_fs));
}

TEST_CASE("sfq: a setup violation is caught at t and not at t - 1 fs") {
    CHECK(dro_setup(47'700).violations.empty());  // exactly the 2.3 ps setup before the clock
    CHECK(dro_setup(47'699).violations.empty());
    const auto r = dro_setup(47'701);
    REQUIRE(r.violations.size() == 1);
    const auto& v = r.violations[0];
    CHECK(v.kind == "setup");
    CHECK(v.instance == "d");
    CHECK(v.cell == "dro");
    CHECK(v.time == 50'000);
    CHECK(v.port == "clk");
    CHECK(v.other_port == "a");
    CHECK(v.other_time == 47'701);
    CHECK(output(r, "q") == times{55'100});  // recorded only: the run goes on
}

fluxon::test::sfq_outcome and_hold(tick_t data_fs, const std::string& policy = "record") {
    return run_sfq(fmt::format(R"(
[circuit]
policy = "{}"
outputs = ["q"]
wires = ["a -> g.a", "b -> g.b", "clk -> g.clk", "g.q -> q"]
[circuit.instances]
g = "and"
[circuit.inputs.a]
times = ["{} fs"]
[circuit.inputs.b]
times = ["60 ps"]
[circuit.inputs.clk]
times = ["50 ps", "100 ps"]
)",
                               policy, data_fs));
}

TEST_CASE("sfq: a hold violation is caught at t and not at t + 1 fs") {
    CHECK(and_hold(53'000).violations.empty());  // exactly the 3.0 ps hold after the clock
    CHECK(and_hold(53'001).violations.empty());
    const auto r = and_hold(52'999);
    REQUIRE(r.violations.size() == 1);
    CHECK(r.violations[0].kind == "hold");
    CHECK(r.violations[0].port == "a");
    CHECK(r.violations[0].other_port == "clk");
    CHECK(r.violations[0].other_time == 50'000);
    CHECK(r.violations[0].time == 52'999);
    CHECK(output(and_hold(53'000), "q") == times{109'200});
}

TEST_CASE("sfq: under policy error a violation stops the run naming the instance") {
    try {
        and_hold(52'999, "error");
        FAIL("expected a user_error");
    } catch (const fluxon::user_error& e) {
        CHECK(e.site().node == "g");
        CHECK(std::string(e.what()).find("hold violation at and g (t = 52.999 ps)") != std::string::npos);
    }
}

}  // namespace

namespace {

TEST_CASE("sfq: a merger tree (fanin) puts the first source at depth 1 and the others at depth 2") {
    const auto r = fluxon::test::run_sfq(R"(
[circuit]
outputs = ["q"]
wires = ["j.q -> q"]
fanin = { "j.a" = ["a", "b", "c"] }
[circuit.instances]
j = "jtl"
[circuit.inputs.a]
times = ["10 ps"]
[circuit.inputs.b]
times = ["40 ps"]
[circuit.inputs.c]
times = ["70 ps"]
)");
    CHECK(r.cells == 3);
    CHECK(r.violations.empty());
    // 8.2 ps per merger, 5.7 ps for the JTL.
    CHECK(fluxon::test::output(r, "q") == std::vector<fluxon::tick_t>{23'900, 62'100, 92'100});
}

}  // namespace

namespace {

TEST_CASE("sfq: simultaneous pulses are handled in the order of the state's transitions") {
    // Both inputs of an inverted C element at 10 ps: in idle it lists a before b (PyLSE's
    // C_INV), so a comes first and fires q; b then resets the cell, opening its 5 ps hold
    // window; b again at 12 ps falls inside it.
    const auto r = fluxon::test::run_sfq(R"(
[circuit]
policy = "record"
outputs = ["q"]
wires = ["a -> ci.a", "b -> ci.b", "ci.q -> q"]
[circuit.instances]
ci = "c_inv"
[circuit.inputs.a]
times = ["10 ps"]
[circuit.inputs.b]
times = ["10 ps", "12 ps"]
)");
    CHECK(fluxon::test::output(r, "q") == std::vector<fluxon::tick_t>{19'000, 21'000});
    REQUIRE(r.violations.size() == 1);
    CHECK(r.violations[0].kind == "hold");
    CHECK(r.violations[0].time == 12'000);
    CHECK(r.violations[0].other_time == 10'000);
    CHECK(r.violations[0].other_port == "b");
}

}  // namespace
