// DRAM address traces: DRAMSim3's text format read exactly, and every malformed line an
// io_error naming the file and the line.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <fmt/format.h>
#include <unistd.h>

#include "engine/base/errors.hpp"
#include "tests/unit/common/temp_file.hpp"
#include "devices/dram/dram_trace.hpp"

namespace {

using fluxon::dram_request;
using fluxon::read_dram_trace;

constexpr std::uint64_t capacity = 1ull << 30;

// A trace file for the test's lifetime.
struct temp_trace : fluxon::test::temp_file {
    temp_trace(const std::string& tag, const std::string& text) : temp_file(tag, text, ".trace") {}
};

// Reading `text` must fail with an io_error at `line` whose message contains `message`.
void check_error(const std::string& text, int line, std::string_view message,
                 std::uint64_t limit = capacity) {
    const temp_trace trace("bad", text);
    try {
        read_dram_trace(trace.path.string(), limit);
        FAIL("expected an io_error at line ", line);
    } catch (const fluxon::io_error& e) {
        CHECK(e.site().file == trace.path.string());
        CHECK(e.site().line == line);
        CHECK_MESSAGE(e.detail().find(message) != std::string::npos, e.what());
    }
}

}  // namespace

TEST_CASE("io: dram trace small trace parsed exactly") {
    const temp_trace trace("small", "# a DRAMSim3 trace\n"
                                    "0x1f40 READ 0\n"
                                    "\n"
                                    "   # indented comment\n"
                                    "8000 WRITE 3\r\n"
                                    "0XABCDEF read 3\n"
                                    "\t0x40\tw\t10  \n"
                                    "64 R 12\n"
                                    "0x0 Write 4000000000");  // no final newline
    const std::vector<dram_request> requests = read_dram_trace(trace.path.string(), capacity);
    REQUIRE(requests.size() == 6);
    const std::vector<std::tuple<std::uint64_t, bool, fluxon::dram_clock>> expected = {
        {0x1f40, false, 0}, {8000, true, 3},  {0xabcdef, false, 3},
        {0x40, true, 10},   {64, false, 12}, {0, true, 4000000000}};
    for (std::size_t i = 0; i < expected.size(); ++i) {
        INFO(i);
        CHECK(requests[i].address == std::get<0>(expected[i]));
        CHECK(requests[i].write == std::get<1>(expected[i]));
        CHECK(requests[i].arrival == std::get<2>(expected[i]));
    }
}

TEST_CASE("io: dram trace empty and comment-only files hold no requests") {
    const temp_trace empty("empty", "");
    CHECK(read_dram_trace(empty.path.string(), capacity).empty());
    const temp_trace comments("comments", "# nothing\n\n  \n# here\n");
    CHECK(read_dram_trace(comments.path.string(), capacity).empty());
}

TEST_CASE("io: dram trace malformed lines name their line") {
    const std::string head = "0x0 READ 0\n# comment\n";  // lines 1 and 2
    check_error(head + "foo\n", 3, "expected '<address> <READ|WRITE> <cycle>', got 'foo': only 1 field");
    check_error(head + "0x40 READ\n", 3, "only 2 fields");
    check_error(head + "0x40 READ 5 extra\n", 3, "more than three fields");
    check_error(head + "0xzz READ 5\n", 3, "'0xzz' is not an address");
    check_error(head + "0x READ 5\n", 3, "'0x' is not an address");
    check_error(head + "12ab READ 5\n", 3, "'12ab' is not an address");
    check_error(head + "0x40 FETCH 5\n", 3, "'FETCH' is not an operation: READ, WRITE, R or W");
    check_error(head + "0x40 READ -5\n", 3, "'-5' is not a cycle: it must not be negative");
    check_error(head + "0x40 READ 1.5\n", 3, "'1.5' is not a cycle: it must be a whole number");
    check_error(head + "0x40 READ 99999999999999999999\n", 3, "it is too large");
    check_error("\n\n\n\n0x40 READ x\n", 5, "not a cycle");
}

TEST_CASE("io: dram trace address beyond the capacity") {
    check_error("0x0 READ 0\n0x3fffffff READ 1\n0x40000000 WRITE 2\n", 3,
                "address 0x40000000 (1073741824) is not below the memory's capacity of 1073741824 bytes");
    check_error("0x10 READ 0\n16 W 1\n", 1, "capacity of 16 bytes", 16);
    check_error("0x1ffffffffffffffff READ 0\n", 1, "does not fit in 64 bits");
}

TEST_CASE("io: dram trace cycles must not decrease") {
    const temp_trace same("same", "0x0 READ 5\n0x40 READ 5\n");
    CHECK(read_dram_trace(same.path.string(), capacity).size() == 2);
    check_error("0x0 READ 5\n# c\n0x40 READ 9\n0x80 WRITE 8\n", 4,
                "cycle 8 is before cycle 9 on line 3");
}

TEST_CASE("io: dram trace missing file or a directory is an io_error naming it") {
    const std::string directory = std::filesystem::temp_directory_path().string();
    try {
        read_dram_trace(directory, capacity);
        FAIL("expected an io_error");
    } catch (const fluxon::io_error& e) {
        CHECK(e.site().file == directory);
        CHECK(e.detail().find("DRAM trace file") != std::string::npos);
    }
    const std::string missing = "/nonexistent/fluxon/no_such.trace";
    try {
        read_dram_trace(missing, capacity);
        FAIL("expected an io_error");
    } catch (const fluxon::io_error& e) {
        CHECK(e.site().file == missing);
        CHECK(e.detail().find("cannot open the DRAM trace file") != std::string::npos);
    }
}

TEST_CASE("io: dram trace a million lines parse") {
    constexpr std::size_t lines = 1000000;
    std::string text;
    text.reserve(lines * 24);
    for (std::size_t i = 0; i < lines; ++i) {
        text += fmt::format("0x{:x} {} {}\n", (i * 64) % capacity, i % 3 == 0 ? "WRITE" : "READ", i / 2);
    }
    const temp_trace trace("million", text);
    const std::vector<dram_request> requests = read_dram_trace(trace.path.string(), capacity);
    REQUIRE(requests.size() == lines);
    CHECK(requests[999999].address == 999999 * 64);
    CHECK(requests[999999].write);  // 999999 % 3 == 0
    CHECK(requests[999999].arrival == 499999);
    CHECK_FALSE(requests[1000].write);
}

TEST_CASE("io: dram trace cycles beyond 2^62 ps of memory time are refused at their line") {
    const fluxon::dram_clock last = fluxon::last_trace_cycle(0.625e-9);
    CHECK(last == static_cast<fluxon::dram_clock>(std::floor(0x1p62 * 1e-12 / 0.625e-9)));
    const temp_trace ok("last", "0x0 READ " + std::to_string(last) + "\n");
    CHECK(read_dram_trace(ok.path.string(), capacity, last).size() == 1);
    const temp_trace far("far", "0x0 READ 0\n0x40 READ 9223372036854775000\n");
    try {
        read_dram_trace(far.path.string(), capacity, last);
        FAIL("expected an io_error");
    } catch (const fluxon::io_error& e) {
        CHECK(e.site().file == far.path.string());
        CHECK(e.site().line == 2);
        CHECK_MESSAGE(e.detail().find("beyond cycle " + std::to_string(last)) != std::string::npos, e.what());
    }
}
