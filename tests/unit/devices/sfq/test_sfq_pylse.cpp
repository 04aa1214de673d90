// The library's cells against PyLSE itself. Every expected time below was printed by PyLSE
// v0.1.0 (UCSBarchlab/PyLSE commit 5f7e65d, pylse.Simulation().simulate() on one cell built
// with pylse.inp_at trains, default cell parameters unless said) and is written here in fs;
// the circuit is the same one-cell circuit, its inputs fed straight from the trains. Where
// PyLSE stops with a PylseError the comment quotes it, and fluxon must report the same
// violation at the same time (and, as it goes on past violations, what it did next).
#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

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

}  // namespace
