// The ledger on hand-made tables: energy is count × cost per action, read back as rows (charged
// actions, then static rows, each in registration order) and as columns; static energy is power
// × run time; dynamic and static totals add up the rows.
#include <doctest/doctest.h>

#include "tests/unit/common/relative.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include "engine/base/ledger.hpp"

using namespace fluxon;

namespace {

// A small chip: a synapse read costs 2 pJ and 1 ns, a soma update 10 pJ and nothing in time,
// a NoC hop 5 pJ and 3 ns (never charged below). The chip leaks 1 mW, its DRAM 2 mW.
struct small_chip {
    ledger book;
    ledger::counter synapse, soma, hop;

    small_chip() {
        synapse = book.add_action("chip/core[0]/synapse", "spike_op", {2e-12, 1e-9, "src A"});
        soma = book.add_action("chip/core[0]/soma", "update", {10e-12, 0, "src B"});
        hop = book.add_action("chip/noc", "hop", {5e-12, 3e-9, "src C"});
        book.add_static("chip", 1e-3, "leak");
        book.add_static("dram", 2e-3, "refresh");
    }
};

}  // namespace

TEST_CASE("ledger: counters are handed out in registration order and count every charge") {
    small_chip c;
    CHECK(c.synapse == 0);
    CHECK(c.soma == 1);
    CHECK(c.hop == 2);
    // One charge of 1 and one of 4: 5 actions; the other counters stay at 0.
    c.book.charge(c.synapse);
    c.book.charge(c.synapse, 4);
    CHECK(c.book.count(c.synapse) == 5);
    CHECK(c.book.count(c.soma) == 0);
    CHECK(c.book.count(c.hop) == 0);
    // Counts are exact integers far beyond a double's 2^53.
    c.book.charge(c.soma, (std::uint64_t{1} << 60) + 1);
    c.book.charge(c.soma, 2);
    CHECK(c.book.count(c.soma) == (std::uint64_t{1} << 60) + 3);
}

TEST_CASE("ledger: rows are count x cost for charged actions, then static power x run time") {
    small_chip c;
    // Charged out of registration order: the rows still follow registration.
    c.book.charge(c.soma, 3);
    c.book.charge(c.synapse);
    c.book.charge(c.synapse, 4);
    c.book.set_run_time(2e-6);
    CHECK(c.book.run_time() == 2e-6);

    const std::vector<ledger_row> rows = c.book.rows();
    // synapse: 5 × 2 pJ = 10 pJ, 5 × 1 ns = 5 ns; soma: 3 × 10 pJ = 30 pJ, 0 s;
    // the hop was never charged: no row. Statics: 1 mW × 2 us = 2 nJ, 2 mW × 2 us = 4 nJ, each
    // with count 1 and the run time as latency.
    REQUIRE(rows.size() == 4);
    CHECK(rows[0].component == "chip/core[0]/synapse");
    CHECK(rows[0].action == "spike_op");
    CHECK(rows[0].count == 5);
    CHECK(rows[0].energy == fluxon::test::approx(10e-12).epsilon(1e-12));
    CHECK(rows[0].latency == fluxon::test::approx(5e-9).epsilon(1e-12));
    CHECK(rows[0].source == "src A");

    CHECK(rows[1].component == "chip/core[0]/soma");
    CHECK(rows[1].action == "update");
    CHECK(rows[1].count == 3);
    CHECK(rows[1].energy == fluxon::test::approx(30e-12).epsilon(1e-12));
    CHECK(rows[1].latency == 0);
    CHECK(rows[1].source == "src B");

    CHECK(rows[2].component == "chip");
    CHECK(rows[2].action == "static");
    CHECK(rows[2].count == 1);
    CHECK(rows[2].energy == fluxon::test::approx(2e-9).epsilon(1e-12));
    CHECK(rows[2].latency == fluxon::test::approx(2e-6).epsilon(1e-12));
    CHECK(rows[2].source == "leak");

    CHECK(rows[3].component == "dram");
    CHECK(rows[3].action == "static");
    CHECK(rows[3].count == 1);
    CHECK(rows[3].energy == fluxon::test::approx(4e-9).epsilon(1e-12));
    CHECK(rows[3].latency == fluxon::test::approx(2e-6).epsilon(1e-12));
    CHECK(rows[3].source == "refresh");

    for (const ledger_row& r : rows) CHECK(r.action != "hop");
}

TEST_CASE("ledger: dynamic and static totals are the sums of their rows") {
    small_chip c;
    c.book.charge(c.synapse, 5);
    c.book.charge(c.soma, 3);
    // Before any run time is set, statics draw nothing: their rows are there, at 0 J.
    CHECK(c.book.run_time() == 0);
    CHECK(c.book.static_energy() == 0);
    const auto before = c.book.rows();
    REQUIRE(before.size() == 4);
    CHECK(before[2].energy == 0);
    CHECK(before[3].energy == 0);

    c.book.set_run_time(2e-6);
    // Dynamic: 5 × 2 pJ + 3 × 10 pJ = 40 pJ; static: (1 mW + 2 mW) × 2 us = 6 nJ.
    CHECK(c.book.dynamic_energy() == fluxon::test::approx(40e-12).epsilon(1e-12));
    CHECK(c.book.static_energy() == fluxon::test::approx(6e-9).epsilon(1e-12));
    double dynamic = 0, statics = 0;
    for (const ledger_row& r : c.book.rows()) (r.action == "static" ? statics : dynamic) += r.energy;
    CHECK(dynamic == fluxon::test::approx(c.book.dynamic_energy()).epsilon(1e-12));
    CHECK(statics == fluxon::test::approx(c.book.static_energy()).epsilon(1e-12));

    // A later run time replaces the earlier one: 3 mW × 5 us = 15 nJ; dynamic energy is unchanged.
    c.book.set_run_time(5e-6);
    CHECK(c.book.static_energy() == fluxon::test::approx(15e-9).epsilon(1e-12));
    CHECK(c.book.dynamic_energy() == fluxon::test::approx(40e-12).epsilon(1e-12));
}

TEST_CASE("ledger: columns hold the rows field by field") {
    small_chip c;
    c.book.charge(c.synapse, 5);
    c.book.charge(c.hop, 7);
    c.book.set_run_time(1e-6);
    const auto rows = c.book.rows();
    const ledger_columns cols = c.book.columns();
    // synapse, hop (soma never charged), chip static, dram static.
    REQUIRE(rows.size() == 4);
    REQUIRE(cols.component.size() == 4);
    REQUIRE(cols.action.size() == 4);
    REQUIRE(cols.source.size() == 4);
    REQUIRE(cols.count.size() == 4);
    REQUIRE(cols.energy.size() == 4);
    REQUIRE(cols.latency.size() == 4);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        CAPTURE(i);
        CHECK(cols.component[i] == rows[i].component);
        CHECK(cols.action[i] == rows[i].action);
        CHECK(cols.source[i] == rows[i].source);
        CHECK(cols.count[i] == static_cast<std::int64_t>(rows[i].count));
        CHECK(cols.energy[i] == rows[i].energy);
        CHECK(cols.latency[i] == rows[i].latency);
    }
    CHECK(cols.component == std::vector<std::string>{"chip/core[0]/synapse", "chip/noc", "chip", "dram"});
    CHECK(cols.action == std::vector<std::string>{"spike_op", "hop", "static", "static"});
    CHECK(cols.count == std::vector<std::int64_t>{5, 7, 1, 1});
    // hop: 7 × 5 pJ = 35 pJ, 7 × 3 ns = 21 ns.
    CHECK(cols.energy[1] == fluxon::test::approx(35e-12).epsilon(1e-12));
    CHECK(cols.latency[1] == fluxon::test::approx(21e-9).epsilon(1e-12));
}

TEST_CASE("ledger: the same action of two components is two rows with their own counts and costs") {
    ledger book;
    const auto a = book.add_action("chip/core[0]/synapse", "spike_op", {1e-12, 0, "core 0"});
    const auto b = book.add_action("chip/core[1]/synapse", "spike_op", {3e-12, 0, "core 1"});
    CHECK(a != b);
    book.charge(a, 2);
    book.charge(b, 5);
    CHECK(book.count(a) == 2);
    CHECK(book.count(b) == 5);
    const auto rows = book.rows();
    // 2 × 1 pJ and 5 × 3 pJ; no static row was registered.
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].component == "chip/core[0]/synapse");
    CHECK(rows[0].count == 2);
    CHECK(rows[0].energy == fluxon::test::approx(2e-12).epsilon(1e-12));
    CHECK(rows[1].component == "chip/core[1]/synapse");
    CHECK(rows[1].count == 5);
    CHECK(rows[1].energy == fluxon::test::approx(15e-12).epsilon(1e-12));
    CHECK(book.dynamic_energy() == fluxon::test::approx(17e-12).epsilon(1e-12));
    CHECK(book.static_energy() == 0);
}

TEST_CASE("ledger: an action never charged has no row and costs nothing") {
    ledger book;
    const auto idle = book.add_action("crossbar/array[0]", "program_pulse", {0.6e-12, 10e-9, "x"});
    const auto used = book.add_action("crossbar/array[0]", "read", {1e-12, 1e-9, "y"});
    book.charge(used, 1);
    CHECK(book.count(idle) == 0);
    const auto rows = book.rows();
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].action == "read");
    CHECK(book.columns().action == std::vector<std::string>{"read"});
    CHECK(book.dynamic_energy() == fluxon::test::approx(1e-12).epsilon(1e-12));

    // An empty ledger reads as nothing at all.
    const ledger empty;
    CHECK(empty.rows().empty());
    CHECK(empty.columns().component.empty());
    CHECK(empty.dynamic_energy() == 0);
    CHECK(empty.static_energy() == 0);
}
