// A device's statistics tree and tables: typed entries found by (path, name), numbers and text
// read back only as what they are, counts that do not fit a signed 64-bit integer refused, and
// tables whose columns must all have one length.
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <variant>
#include <vector>

#include "engine/base/errors.hpp"
#include "engine/base/stats.hpp"

using namespace fluxon;

TEST_CASE("stats: entries keep their path, name, type and unit in the order added") {
    stats_tree s;
    s.add("", "steps", std::int64_t{-42});
    s.add("noc", "hops", std::uint64_t{7});
    s.add("", "energy", 1.5e-9, "J");
    s.add("", "preset", std::string("loihi"));

    const auto& e = s.entries();
    REQUIRE(e.size() == 4);
    CHECK(e[0].path == "");
    CHECK(e[0].name == "steps");
    REQUIRE(std::holds_alternative<std::int64_t>(e[0].value));
    CHECK(std::get<std::int64_t>(e[0].value) == -42);
    CHECK(e[0].unit == "");

    // An unsigned count is stored as a signed one.
    CHECK(e[1].path == "noc");
    CHECK(e[1].name == "hops");
    REQUIRE(std::holds_alternative<std::int64_t>(e[1].value));
    CHECK(std::get<std::int64_t>(e[1].value) == 7);

    REQUIRE(std::holds_alternative<double>(e[2].value));
    CHECK(std::get<double>(e[2].value) == 1.5e-9);
    CHECK(e[2].unit == "J");

    REQUIRE(std::holds_alternative<std::string>(e[3].value));
    CHECK(std::get<std::string>(e[3].value) == "loihi");
    CHECK(e[3].unit == "");
}

TEST_CASE("stats: find, number and text look entries up by path and name") {
    stats_tree s;
    s.add("", "spikes", std::int64_t{10});
    s.add("core[3]", "spikes", std::int64_t{4});
    s.add("core[3]", "utilisation", 0.25, "");
    s.add("", "mapper", std::string("metis"));

    // The same name under two paths is two statistics.
    const stat_entry* top = s.find("", "spikes");
    const stat_entry* core = s.find("core[3]", "spikes");
    REQUIRE(top != nullptr);
    REQUIRE(core != nullptr);
    CHECK(top != core);
    CHECK(std::get<std::int64_t>(top->value) == 10);
    CHECK(std::get<std::int64_t>(core->value) == 4);
    CHECK(s.find("core[2]", "spikes") == nullptr);
    CHECK(s.find("", "utilisation") == nullptr);
    CHECK(s.find("core[3]", "mapper") == nullptr);

    // Integers read as doubles; doubles as themselves.
    CHECK(s.number("", "spikes") == 10.0);
    CHECK(s.number("core[3]", "spikes") == 4.0);
    CHECK(s.number("core[3]", "utilisation") == 0.25);
    CHECK_FALSE(s.number("", "nothing").has_value());

    // A text statistic is no number, and a number no text.
    CHECK(s.text("", "mapper") == std::string("metis"));
    CHECK_FALSE(s.number("", "mapper").has_value());
    CHECK_FALSE(s.text("", "spikes").has_value());
    CHECK_FALSE(s.text("core[3]", "utilisation").has_value());
    CHECK_FALSE(s.text("", "nothing").has_value());
}

TEST_CASE("stats: an unsigned count beyond the signed 64-bit range is refused as an internal error") {
    stats_tree s;
    constexpr auto largest = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    // 2^63 - 1 still fits, exactly.
    s.add("", "fits", largest);
    REQUIRE(s.entries().size() == 1);
    CHECK(std::get<std::int64_t>(s.entries()[0].value) == std::numeric_limits<std::int64_t>::max());
    // 2^63 does not: the error names the statistic and nothing is added.
    try {
        s.add("dram", "reads", largest + 1);
        FAIL("no error for 2^63");
    } catch (const internal_error& e) {
        CHECK(std::string(e.what()).find("'reads'") != std::string::npos);
    }
    CHECK_THROWS_AS(s.add("", "max", std::numeric_limits<std::uint64_t>::max()), internal_error);
    CHECK(s.entries().size() == 1);
    CHECK(s.find("dram", "reads") == nullptr);
}

TEST_CASE("stats: a data table holds named, typed columns of one length") {
    data_table t{"placement"};
    CHECK(t.rows() == 0);
    data_table& same = t.add("population", std::vector<std::string>{"exc", "exc", "inh"})
                           .add("first", std::vector<std::int64_t>{0, 512, 0})
                           .add("energy", std::vector<double>{1e-12, 2e-12, 3e-12}, "J");
    CHECK(&same == &t);
    CHECK(t.rows() == 3);
    REQUIRE(t.columns.size() == 3);
    CHECK(t.columns[0].name == "population");
    CHECK(t.columns[1].name == "first");
    CHECK(t.columns[2].name == "energy");

    const data_column* first = t.find("first");
    REQUIRE(first != nullptr);
    CHECK(first->size() == 3);
    CHECK(first->unit == "");
    CHECK(std::get<std::vector<std::int64_t>>(first->values) == std::vector<std::int64_t>{0, 512, 0});
    const data_column* energy = t.find("energy");
    REQUIRE(energy != nullptr);
    CHECK(energy->unit == "J");
    CHECK(std::get<std::vector<double>>(energy->values)[2] == 3e-12);
    const data_column* names = t.find("population");
    REQUIRE(names != nullptr);
    CHECK(names->unit == "");
    CHECK(std::get<std::vector<std::string>>(names->values)[1] == "exc");
    CHECK(t.find("core") == nullptr);
}

TEST_CASE("stats: a data table refuses a column of another length, naming the table and the column") {
    data_table t{"placement"};
    t.add("first", std::vector<std::int64_t>{0, 512});
    try {
        t.add("core", std::vector<std::int64_t>{0, 1, 2});
        FAIL("no error for 3 rows beside 2");
    } catch (const internal_error& e) {
        const std::string what = e.what();
        INFO(what);
        CHECK(what.find("table 'placement'") != std::string::npos);
        CHECK(what.find("column 'core' has 3 rows, the others 2") != std::string::npos);
    }
    CHECK_THROWS_AS(t.add("energy", std::vector<double>{1.0}, "J"), internal_error);
    CHECK_THROWS_AS(t.add("name", std::vector<std::string>{}), internal_error);
    // Nothing refused was added.
    CHECK(t.columns.size() == 1);
    CHECK(t.rows() == 2);
    CHECK(t.find("core") == nullptr);

    // The first column sets the length, even an empty one.
    data_table empty{"none"};
    empty.add("a", std::vector<double>{}, "s");
    CHECK(empty.rows() == 0);
    CHECK_THROWS_AS(empty.add("b", std::vector<std::int64_t>{1}), internal_error);
}
