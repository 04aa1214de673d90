// The library's cells against PyLSE itself. Every expected time below was printed by PyLSE
// v0.1.0 (UCSBarchlab/PyLSE commit 5f7e65d, pylse.Simulation().simulate() on one cell built
// with pylse.inp_at trains, default cell parameters unless said) and is written here in fs;
// the circuit is the same one-cell circuit, its inputs fed straight from the trains. Where
// PyLSE stops with a PylseError the comment quotes it, and fluxon must report the same
// violation at the same time (and, as it goes on past violations, what it did next).
// Expectations for the "port" order are derived by hand from the library's tables.
#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "devices/sfq/plugin/sfq_circuit.hpp"
#include "tests/unit/common/sfq_run.hpp"

namespace {

using fluxon::tick_t;
using fluxon::test::output;
using fluxon::test::run_sfq;
using fluxon::test::sfq_outcome;
using times = std::vector<tick_t>;

struct train {
    std::string port;
    times at;  // fs
};

// One instance `g` of `cell`, each input fed by its own train (pin "in_<port>"), each output
// a circuit output named like the port. `params` adds keys to the instance's table, `options`
// lines to [circuit]. Violations are recorded, not fatal, so that a test sees all of them.
sfq_outcome one_cell(const std::string& cell, const std::vector<train>& inputs, const std::vector<std::string>& outputs,
                     const std::string& params = "", const std::string& options = "") {
    std::vector<std::string> wires, outs;
    std::string trains;
    for (const train& t : inputs) {
        wires.push_back(fmt::format("\"in_{} -> g.{}\"", t.port, t.port));
        std::vector<std::string> at;
        for (const tick_t fs : t.at) at.push_back(fmt::format("\"{} fs\"", fs));
        trains += fmt::format("[circuit.inputs.in_{}]\ntimes = [{}]\n", t.port, fmt::join(at, ", "));
    }
    for (const std::string& o : outputs) {
        wires.push_back(fmt::format("\"g.{} -> {}\"", o, o));
        outs.push_back(fmt::format("\"{}\"", o));
    }
    return run_sfq(fmt::format("[circuit]\npolicy = \"record\"\n{}\noutputs = [{}]\nwires = [{}]\n"
                               "[circuit.instances]\ng = {{ cell = \"{}\"{} }}\n{}",
                               options, fmt::join(outs, ", "), fmt::join(wires, ", "), cell,
                               params.empty() ? "" : ", " + params, trains));
}

struct pylse_case {
    const char* cell;
    std::vector<train> inputs;
    std::vector<std::pair<std::string, times>> expected;  // per output, PyLSE's times
    const char* exercises;
};

// Input sequences that take every transition of the cell's table at least once, with no
// violation (PyLSE stops at the first). Clocks at 50, 100, ... ps.
const std::vector<pylse_case>& cases() {
    static const std::vector<pylse_case> all = {
        {"jtl", {{"a", {10'000, 30'000}}}, {{"q", {15'700, 35'700}}}, "idle-a"},
        {"splitter", {{"a", {10'000, 30'000}}}, {{"l", {14'300, 34'300}}, {"r", {14'300, 34'300}}}, "idle-a"},
        {"merger", {{"a", {10'000, 50'000}}, {"b", {30'000, 70'000}}},
         {{"q", {18'200, 38'200, 58'200, 78'200}}}, "idle-a, idle-b"},
        {"c", {{"a", {10'000, 20'000, 70'000}}, {"b", {30'000, 50'000, 60'000}}}, {{"q", {38'000, 78'000}}},
         "idle-a, a_arrived-a, a_arrived-b (fires), idle-b, b_arrived-b, b_arrived-a (fires)"},
        {"c_inv", {{"a", {10'000, 20'000, 70'000}}, {"b", {30'000, 50'000, 60'000}}}, {{"q", {19'000, 59'000}}},
         "idle-a (fires), a_arrived-a, a_arrived-b (resets), idle-b (fires), b_arrived-b, b_arrived-a"},
        {"dro", {{"a", {20'000, 30'000}}, {"clk", {10'000, 50'000, 100'000}}}, {{"q", {55'100}}},
         "idle-clk, idle-a, a_arrived-a, a_arrived-clk (fires), idle-clk"},
        {"dro_sr", {{"a", {30'000, 40'000, 70'000}}, {"rst", {20'000, 50'000}}, {"clk", {10'000, 60'000, 100'000}}},
         {{"q", {105'100}}},
         "idle-clk, idle-rst, idle-set, set_arrived-set, set_arrived-rst, idle-clk, idle-set, set_arrived-clk (fires)"},
        {"dro_c", {{"a", {20'000, 30'000}}, {"clk", {10'000, 50'000, 100'000}}},
         {{"q", {55'100}}, {"qn", {15'100, 105'100}}},
         "idle-clk (fires qnot), idle-a, a_arrived-a, a_arrived-clk (fires q), idle-clk (fires qnot)"},
        {"not", {{"a", {30'000, 40'000}}, {"clk", {10'000, 60'000, 100'000}}}, {{"q", {19'600, 109'600}}},
         "idle-clk (fires), idle-a, a_arrived-a, a_arrived-clk, idle-clk (fires)"},
        {"and",
         {{"a", {60'000, 70'000, 160'000, 180'000, 220'000}},
          {"b", {110'000, 120'000, 170'000, 185'000, 210'000}},
          {"clk", {50'000, 100'000, 150'000, 200'000, 250'000}}},
         {{"q", {209'200, 259'200}}},
         "idle-clk, idle-a, a-a, a-clk, idle-b, b-b, b-clk, a-b, ab-a, ab-b, ab-clk (fires), b-a, ab-clk (fires)"},
        {"or", {{"a", {60'000, 80'000}}, {"b", {70'000, 110'000}}, {"clk", {50'000, 100'000, 150'000}}},
         {{"q", {108'000, 158'000}}}, "idle-clk, idle-a, a_or_b-b, a_or_b-a, a_or_b-clk (fires), idle-b, a_or_b-clk"},
        // PyLSE's XOR has no "both arrived" state: a then b (or b then a) returns it to idle,
        // and a third input arms it again (cycles 5 and 6 fire).
        {"xor",
         {{"a", {60'000, 70'000, 160'000, 220'000, 230'000, 260'000}},
          {"b", {110'000, 120'000, 170'000, 210'000, 270'000, 280'000}},
          {"clk", {50'000, 100'000, 150'000, 200'000, 250'000, 300'000}}},
         {{"q", {106'500, 156'500, 256'500, 306'500}}},
         "idle-clk, idle-a, a-a, a-clk (fires), idle-b, b-b, b-clk (fires), a-b (idle), idle-clk, b-a (idle), "
         "a-b-a then clk (fires), a-b-b then clk (fires)"},
        {"xnor",
         {{"a", {60'000, 70'000, 160'000, 185'000, 220'000}},
          {"b", {110'000, 120'000, 170'000, 180'000, 210'000}},
          {"clk", {50'000, 100'000, 150'000, 200'000, 250'000}}},
         {{"q", {56'500, 206'500, 256'500}}},
         "idle-clk (fires), a-a, a-clk, b-b, b-clk, a-b, ab-b, ab-a, ab-clk (fires), b-a, ab-clk (fires)"},
        {"nand",
         {{"a", {60'000, 70'000, 160'000, 185'000, 220'000}},
          {"b", {110'000, 120'000, 170'000, 180'000, 210'000}},
          {"clk", {50'000, 100'000, 150'000, 200'000, 250'000}}},
         {{"q", {55'000, 105'000, 155'000}}},
         "idle-clk (fires), a-a, a-clk (fires), b-b, b-clk (fires), a-b, ab-b, ab-a, ab-clk, b-a, ab-clk"},
        {"nor", {{"a", {60'000, 80'000}}, {"b", {70'000, 110'000}}, {"clk", {50'000, 100'000, 150'000, 200'000}}},
         {{"q", {55'000, 205'000}}}, "idle-clk (fires), idle-a, a_or_b-b, a_or_b-a, a_or_b-clk, idle-b, idle-clk (fires)"},
    };
    return all;
}

TEST_CASE("sfq vs PyLSE: every transition of every PyLSE cell gives PyLSE's output times") {
    for (const pylse_case& c : cases()) {
        std::vector<std::string> outs;
        for (const auto& [o, t] : c.expected) outs.push_back(o);
        const sfq_outcome r = one_cell(c.cell, c.inputs, outs);
        INFO(c.cell, ": ", c.exercises);
        CHECK(r.violations.empty());
        for (const auto& [o, t] : c.expected) CHECK(output(r, o) == t);
    }
}

TEST_CASE("sfq vs PyLSE: XOR after a then b is idle again, and a third input arms it") {
    // The case the old four-state table got wrong: it stayed in "both arrived" and never fired.
    const sfq_outcome r = one_cell("xor", {{"a", {10'000, 30'000}}, {"b", {20'000}}, {"clk", {50'000}}}, {"q"});
    CHECK(r.violations.empty());
    CHECK(output(r, "q") == times{56'500});
}

TEST_CASE("sfq vs PyLSE: the C element is busy for 8.0 ps after it fires") {
    // PyLSE: a 10, b 30, b 38 -> q [38.0]: exactly at the end of the window is legal.
    const sfq_outcome at_end = one_cell("c", {{"a", {10'000}}, {"b", {30'000, 38'000}}}, {"q"});
    CHECK(at_end.violations.empty());
    CHECK(output(at_end, "q") == times{38'000});
    CHECK(one_cell("c", {{"a", {10'000}}, {"b", {30'000, 37'999}}}, {"q"}).violations.size() == 1);

    // PyLSE: a 10, b 30, b 35 -> "Transition time violation on FSM 'C'. Received input 'b' at
    // 35.0 while still transitioning from a_arrived to idle on 'b' (transition id '2'). The
    // earliest it is legal to transition is at time 38.0."
    const sfq_outcome inside = one_cell("c", {{"a", {10'000}}, {"b", {30'000, 35'000}}}, {"q"});
    REQUIRE(inside.violations.size() == 1);
    const auto& v = inside.violations[0];
    CHECK(v.instance == "g");
    CHECK(v.kind == "hold");
    CHECK(v.port == "b");
    CHECK(v.time == 35'000);
    CHECK(v.other_port == "b");
    CHECK(v.other_time == 30'000);
    CHECK(output(inside, "q") == times{38'000});  // fluxon goes on: the late b waits for an a

    // The window belongs to the firing transition only: after the violating a (which moves
    // the cell to a_arrived without a window of its own) the cell is settled, as PyLSE's FSM
    // is after any transition without a transition time, so b at 37 fires without a second
    // violation.
    const sfq_outcome after = one_cell("c", {{"a", {10'000, 33'000}}, {"b", {30'000, 37'000}}}, {"q"});
    CHECK(after.violations.size() == 1);
    CHECK(output(after, "q") == times{38'000, 45'000});
}

// Simultaneous pulses: PyLSE handles the inputs that reach a cell at one time in the order of
// their transitions out of the state the cell is in ("priority", the default); "port" is the
// cell's input order.
TEST_CASE("sfq vs PyLSE: simultaneous pulses follow the transition priority of the current state") {
    const std::string port_order = "simultaneous = \"port\"";

    // DRO_SR in idle lists clk, rst, set. PyLSE: set 10 and clk 10, clk 50 -> q [55.1] (clk
    // first finds nothing stored; set then stores for the next clock).
    const std::vector<train> set_clk = {{"a", {10'000}}, {"rst", {}}, {"clk", {10'000, 50'000}}};
    const sfq_outcome pri = one_cell("dro_sr", set_clk, {"q"});
    CHECK(pri.violations.empty());
    CHECK(output(pri, "q") == times{55'100});
    // By port (set first), clk at 10 reads the set it arrived with, violating the 1.2 ps setup.
    const sfq_outcome port = one_cell("dro_sr", set_clk, {"q"}, "", port_order);
    CHECK(output(port, "q") == times{15'100});
    REQUIRE(port.violations.size() == 1);
    CHECK(port.violations[0].kind == "setup");

    // PyLSE: set 10 and rst 10 in idle (rst first, then set stores), clk 50 -> q [55.1]; by
    // port, set stores and rst clears it: nothing.
    const std::vector<train> set_rst = {{"a", {10'000}}, {"rst", {10'000}}, {"clk", {50'000}}};
    CHECK(output(one_cell("dro_sr", set_rst, {"q"}), "q") == times{55'100});
    CHECK(output(one_cell("dro_sr", set_rst, {"q"}, "", port_order), "q") == times{});
    // In set_arrived the list is set, rst, clk. PyLSE: set 10, set 20 and rst 20, clk 50 -> q [].
    CHECK(output(one_cell("dro_sr", {{"a", {10'000, 20'000}}, {"rst", {20'000}}, {"clk", {50'000}}}, {"q"}), "q") ==
          times{});

    // The C element in a_arrived lists b before a. PyLSE: a 10, a 30 and b 30 -> "Transition
    // time violation on FSM 'C'. Received input 'a' at 30.0 while still transitioning from
    // a_arrived to idle on 'b' (transition id '2')": b fires first, a falls in its window.
    const std::vector<train> c_ab = {{"a", {10'000, 30'000}}, {"b", {30'000}}};
    const sfq_outcome c_pri = one_cell("c", c_ab, {"q"});
    CHECK(output(c_pri, "q") == times{38'000});
    REQUIRE(c_pri.violations.size() == 1);
    CHECK(c_pri.violations[0].kind == "hold");
    CHECK(c_pri.violations[0].port == "a");
    CHECK(c_pri.violations[0].other_port == "b");
    CHECK(c_pri.violations[0].time == 30'000);
    // By port, a (a_arrived again) then b (fires): no violation.
    const sfq_outcome c_port = one_cell("c", c_ab, {"q"}, "", port_order);
    CHECK(output(c_port, "q") == times{38'000});
    CHECK(c_port.violations.empty());
    // In idle both orders are a then b. PyLSE: a 10 and b 10 -> q [18.0].
    CHECK(output(one_cell("c", {{"a", {10'000}}, {"b", {10'000}}}, {"q"}), "q") == times{18'000});

    // The inverter lists clk before a. PyLSE (defaults): a 10 and clk 10 -> "Transition time
    // violation on FSM 'INV'. Received input 'a' at 10.0 while still transitioning from idle to
    // idle on 'clk'": clk fires, a falls in its 5 ps window.
    const std::vector<train> inv = {{"a", {10'000}}, {"clk", {10'000, 50'000}}};
    const sfq_outcome inv_pri = one_cell("not", inv, {"q"});
    REQUIRE(inv_pri.violations.size() == 1);
    CHECK(inv_pri.violations[0].kind == "hold");
    CHECK(inv_pri.violations[0].port == "a");
    // With hold and setup overridden to 0 (PyLSE: transition_time=0, past_constraints=0) no
    // violation: PyLSE -> q [19.6] (clk fires at 10, a then waits for the clock at 50).
    const sfq_outcome inv_free = one_cell("not", inv, {"q"}, "hold = \"0 ps\", setup = \"0 ps\"");
    CHECK(inv_free.violations.empty());
    CHECK(output(inv_free, "q") == times{19'600});
    // By port, a comes first, the clock at 10 sees it and stays quiet; the one at 50 fires.
    CHECK(output(one_cell("not", inv, {"q"}, "hold = \"0 ps\", setup = \"0 ps\"", port_order), "q") ==
          times{59'600});

    // AND in idle lists clk, a, b. PyLSE (transition_time=0, past_constraints=0): a 10 and
    // clk 10, b 20, clk 50 -> q [59.2].
    CHECK(output(one_cell("and", {{"a", {10'000}}, {"b", {20'000}}, {"clk", {10'000, 50'000}}}, {"q"},
                          "hold = \"0 ps\", setup = \"0 ps\""),
                 "q") == times{59'200});
}

TEST_CASE("sfq: the simultaneous order is deterministic and reported") {
    const std::vector<train> set_clk = {{"a", {10'000}}, {"rst", {}}, {"clk", {10'000, 50'000}}};
    for (const char* order : {"", "simultaneous = \"priority\"", "simultaneous = \"port\""}) {
        const sfq_outcome a = one_cell("dro_sr", set_clk, {"q"}, "", order);
        const sfq_outcome b = one_cell("dro_sr", set_clk, {"q"}, "", order);
        CHECK(output(a, "q") == output(b, "q"));
        CHECK(a.violations.size() == b.violations.size());
    }
    const auto f = [] {
        try {
            one_cell("jtl", {{"a", {1'000}}}, {"q"}, "", "simultaneous = \"random\"");
        } catch (const fluxon::config_error& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    }();
    CHECK(f.find("circuit.simultaneous") != std::string::npos);
    CHECK(f.find("\"priority\", \"port\"") != std::string::npos);
}

// Per-instance hold (PyLSE's transition_time override) and setup (its past_constraints).
TEST_CASE("sfq vs PyLSE: per-instance hold and setup overrides") {
    // AND, a 2 ps after the clock at 50 (b 60, clock 100). PyLSE defaults: "Transition time
    // violation on FSM 'AND'. Received input 'a' at 52.0 ... earliest ... 53.0";
    // transition_time=1.5 -> q [109.2]; transition_time=2.5 -> violation, earliest 52.5.
    const std::vector<train> late_a = {{"a", {52'000}}, {"b", {60'000}}, {"clk", {50'000, 100'000}}};
    CHECK(one_cell("and", late_a, {"q"}).violations.size() == 1);
    const sfq_outcome short_hold = one_cell("and", late_a, {"q"}, "hold = \"1.5 ps\"");
    CHECK(short_hold.violations.empty());
    CHECK(output(short_hold, "q") == times{109'200});
    const sfq_outcome longer = one_cell("and", late_a, {"q"}, "hold = \"2.5 ps\"");
    REQUIRE(longer.violations.size() == 1);
    CHECK(longer.violations[0].kind == "hold");
    CHECK(longer.violations[0].time == 52'000);
    CHECK(one_cell("and", late_a, {"q"}, "hold = \"2 ps\"").violations.empty());  // the boundary is legal

    // AND, b 2 ps before the clock at 100 (a 60). PyLSE defaults: "Prior input violation on
    // FSM 'AND' ... input 'b' was seen as recently as 2.8 time units ago"; past_constraints=1.5
    // -> q [109.2]; past_constraints=2.5 -> violation.
    const std::vector<train> late_b = {{"a", {60'000}}, {"b", {98'000}}, {"clk", {50'000, 100'000}}};
    CHECK(one_cell("and", late_b, {"q"}).violations.size() == 1);
    const sfq_outcome short_setup = one_cell("and", late_b, {"q"}, "setup = \"1.5 ps\"");
    CHECK(short_setup.violations.empty());
    CHECK(output(short_setup, "q") == times{109'200});
    const sfq_outcome longer_setup = one_cell("and", late_b, {"q"}, "setup = \"2.5 ps\"");
    REQUIRE(longer_setup.violations.size() == 1);
    CHECK(longer_setup.violations[0].kind == "setup");
    CHECK(longer_setup.violations[0].port == "clk");
    CHECK(longer_setup.violations[0].other_port == "b");

    // The C element's busy window shortened: PyLSE transition_time=3, a 10, b 30, b 35 -> q [38.0].
    const sfq_outcome c3 = one_cell("c", {{"a", {10'000}}, {"b", {30'000, 35'000}}}, {"q"}, "hold = \"3 ps\"");
    CHECK(c3.violations.empty());
    CHECK(output(c3, "q") == times{38'000});

    // Only the instance changes: a second AND beside it keeps the library's 3.0 ps hold.
    const sfq_outcome two = run_sfq(R"(
[circuit]
policy = "record"
outputs = ["q1", "q2"]
wires = ["g1.q -> q1", "g2.q -> q2"]
fanout = { a = ["g1.a", "g2.a"], b = ["g1.b", "g2.b"], clk = ["g1.clk", "g2.clk"] }
[circuit.instances]
g1 = { cell = "and", hold = "1 ps" }
g2 = "and"
[circuit.inputs.a]
times = ["52 ps"]
[circuit.inputs.b]
times = ["60 ps"]
[circuit.inputs.clk]
times = ["50 ps", "100 ps"]
)");
    REQUIRE(two.violations.size() == 1);
    CHECK(two.violations[0].instance == "g2");
}

// The error a circuit gives, as text with its site.
struct failure {
    std::string message;
    fluxon::error_site site;
};

failure refused(const std::string& instance_table) {
    const std::string text = "[circuit]\noutputs = [\"q\"]\nwires = [\"a -> g.a\", \"g.q -> q\"]\n"
                             "[circuit.instances]\ng = " + instance_table + "\n[circuit.inputs.a]\ntimes = []\n";
    try {
        fluxon::parse_sfq_circuit(text, "test.toml");
    } catch (const fluxon::config_error& e) {
        return {e.what(), e.site()};
    }
    FAIL("accepted: ", instance_table);
    return {};
}

TEST_CASE("sfq: hold and setup overrides are validated naming the instance and key") {
    const failure no_hold = refused("{ cell = \"jtl\", hold = \"1 ps\" }");
    CHECK(no_hold.site.file == "test.toml");
    CHECK(no_hold.site.line == 5);
    CHECK(no_hold.site.key == "circuit.instances.g.hold");
    CHECK(no_hold.message.find("instance 'g': cell 'jtl' has no transition that checks a hold time") !=
          std::string::npos);
    const failure no_setup = refused("{ cell = \"splitter\", setup = \"1 ps\" }");
    CHECK(no_setup.site.key == "circuit.instances.g.setup");
    CHECK(no_setup.message.find("instance 'g': cell 'splitter' has no transition that checks a setup time") !=
          std::string::npos);
    const failure negative = refused("{ cell = \"splitter\", hold = \"-1 ps\" }");
    CHECK(negative.site.key == "circuit.instances.g.hold");
    CHECK(negative.message.find("it must not be negative") != std::string::npos);
    const failure not_time = refused("{ cell = \"merger\", hold = \"3 mV\" }");
    CHECK(not_time.site.key == "circuit.instances.g.hold");
    const failure fractional = refused("{ cell = \"merger\", hold = \"0.5 fs\" }");
    CHECK(fractional.site.key == "circuit.instances.g.hold");
}

}  // namespace
