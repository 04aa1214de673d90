#include <doctest/doctest.h>

#include <cstring>

#include "devices/dram/dram_state.hpp"
#include "engine/base/errors.hpp"
#include "tests/unit/devices/dram/dram_test_params.hpp"

using namespace fluxon;

namespace {

using cmd = dram_command;

dram_bank_address at(std::uint32_t bankgroup, std::uint32_t bank, std::uint32_t row = 0,
                     std::uint32_t rank = 0) {
    return {rank, bankgroup, bank, row, 0};
}

// The rule under test lets `command` go at exactly `t`: not at t - 1, whether asked or tried.
void legal_from(dram_state& s, cmd command, const dram_bank_address& a, dram_clock t) {
    INFO(dram_command_name(command) << " expected legal from clock " << t);
    CHECK(s.earliest(command, a, 0) == t);
    CHECK(s.earliest(command, a, t - 1) == t);
    CHECK_THROWS_AS(s.issue(command, a, t - 1), internal_error);
    CHECK_NOTHROW(s.issue(command, a, t));
}

}  // namespace

TEST_CASE("dram: command names") {
    CHECK(std::strcmp(dram_command_name(cmd::act), "ACT") == 0);
    CHECK(std::strcmp(dram_command_name(cmd::pre), "PRE") == 0);
    CHECK(std::strcmp(dram_command_name(cmd::prea), "PREA") == 0);
    CHECK(std::strcmp(dram_command_name(cmd::rd), "RD") == 0);
    CHECK(std::strcmp(dram_command_name(cmd::wr), "WR") == 0);
    CHECK(std::strcmp(dram_command_name(cmd::rda), "RDA") == 0);
    CHECK(std::strcmp(dram_command_name(cmd::wra), "WRA") == 0);
    CHECK(std::strcmp(dram_command_name(cmd::ref), "REF") == 0);
}

TEST_CASE("dram: the bank state forbids commands whatever the time") {
    const dram_params p = test::ddr4_3200();
    dram_state s(p);
    CHECK_FALSE(s.earliest(cmd::rd, at(0, 0, 5), 0));  // closed bank
    CHECK_FALSE(s.earliest(cmd::wr, at(0, 0, 5), 0));
    CHECK_FALSE(s.earliest(cmd::pre, at(0, 0), 0));  // nothing to close
    CHECK_THROWS_AS(s.issue(cmd::rd, at(0, 0, 5), 1000), internal_error);
    s.issue(cmd::act, at(0, 0, 5), 0);
    CHECK(s.open_row(at(0, 0)) == 5u);
    CHECK(s.rank_active(0));
    CHECK_FALSE(s.earliest(cmd::rd, at(0, 0, 6), 0));  // another row is open
    CHECK_FALSE(s.earliest(cmd::rda, at(0, 0, 6), 0));
    CHECK_FALSE(s.earliest(cmd::act, at(0, 0, 6), 0));  // the bank is open
    CHECK_FALSE(s.earliest(cmd::ref, at(0, 0), 0));     // a bank of the rank is open
    CHECK_THROWS_AS(s.issue(cmd::act, at(0, 0, 6), 1000), internal_error);
    CHECK(s.earliest(cmd::rd, at(0, 0, 5), 1000) == 1000);
    CHECK(s.earliest(cmd::act, at(1, 0, 6), 1000) == 1000);  // other banks are untouched
}

TEST_CASE("dram: ACT to RD and to WR waits tRCD") {
    const dram_params p = test::ddr4_3200();
    dram_state s(p);
    s.issue(cmd::act, at(0, 0, 7), 0);
    legal_from(s, cmd::rd, at(0, 0, 7), 22);
    dram_state w(p);
    w.issue(cmd::act, at(2, 1, 7), 0);
    legal_from(w, cmd::wr, at(2, 1, 7), 22);
}

TEST_CASE("dram: ACT to PRE waits tRAS, PRE to ACT tRP, ACT to ACT of a bank tRC") {
    const dram_params p = test::ddr4_3200();
    dram_state s(p);
    s.issue(cmd::act, at(0, 0, 1), 0);
    legal_from(s, cmd::pre, at(0, 0), 52);
    legal_from(s, cmd::act, at(0, 0, 2), 74);  // tRC = tRAS + tRP here
    dram_state late(p);
    late.issue(cmd::act, at(0, 0, 1), 0);
    late.issue(cmd::pre, at(0, 0), 60);
    legal_from(late, cmd::act, at(0, 0, 2), 60 + 22);
}

TEST_CASE("dram: RD to PRE waits tRTP, WR to PRE waits CWL + tBURST + tWR") {
    const dram_params p = test::ddr4_3200();
    dram_state s(p);
    s.issue(cmd::act, at(0, 0, 1), 0);
    s.issue(cmd::rd, at(0, 0, 1), 50);
    legal_from(s, cmd::pre, at(0, 0), 50 + 12);
    dram_state w(p);
    w.issue(cmd::act, at(0, 0, 1), 0);
    w.issue(cmd::wr, at(0, 0, 1), 22);
    legal_from(w, cmd::pre, at(0, 0), 22 + 16 + 4 + 24);
}

TEST_CASE("dram: RD to RD and WR to WR wait tCCD_L in a bank group, tCCD_S across groups") {
    const dram_params p = test::ddr4_3200();
    for (const cmd column : {cmd::rd, cmd::wr}) {
        dram_state s(p);
        s.issue(cmd::act, at(0, 0, 1), 0);
        s.issue(cmd::act, at(0, 1, 1), 8);
        s.issue(cmd::act, at(1, 0, 1), 12);
        s.issue(column, at(0, 0, 1), 40);
        legal_from(s, column, at(0, 1, 1), 40 + 8);  // same group
        legal_from(s, column, at(1, 0, 1), 48 + 4);  // other group (the bus allows it too)
        legal_from(s, column, at(0, 0, 1), 48 + 8);  // same bank: the group's rule
    }
}

TEST_CASE("dram: ACT to ACT of other banks waits tRRD_L / tRRD_S, and four ACTs fill a tFAW window") {
    const dram_params p = test::ddr4_3200();
    dram_state s(p);
    s.issue(cmd::act, at(0, 0, 1), 0);
    legal_from(s, cmd::act, at(0, 1, 1), 8);   // same group
    legal_from(s, cmd::act, at(1, 0, 1), 12);  // other group, 4 after the last ACT
    dram_state f(p);
    f.issue(cmd::act, at(0, 0), 0);
    f.issue(cmd::act, at(1, 0), 10);
    f.issue(cmd::act, at(2, 0), 14);
    f.issue(cmd::act, at(3, 0), 18);
    legal_from(f, cmd::act, at(0, 1), 34);       // tRRD would allow 22
    legal_from(f, cmd::act, at(1, 1), 10 + 34);  // the window slides; tRRD would allow 38
}

TEST_CASE("dram: WR to RD in a rank waits CWL + tBURST + tWTR_L / tWTR_S") {
    const dram_params p = test::ddr4_3200();
    dram_state same(p);
    same.issue(cmd::act, at(0, 0, 1), 0);
    same.issue(cmd::act, at(0, 1, 1), 8);
    same.issue(cmd::wr, at(0, 0, 1), 30);
    legal_from(same, cmd::rd, at(0, 1, 1), 30 + 16 + 4 + 12);
    dram_state other(p);
    other.issue(cmd::act, at(0, 0, 1), 0);
    other.issue(cmd::act, at(1, 0, 1), 4);
    other.issue(cmd::wr, at(0, 0, 1), 30);
    legal_from(other, cmd::rd, at(1, 0, 1), 30 + 16 + 4 + 4);
}

TEST_CASE("dram: RD to WR turns the bus around: CL + tBURST + 2 - CWL") {
    const dram_params p = test::ddr4_3200();
    dram_state s(p);
    s.issue(cmd::act, at(0, 0, 1), 0);
    s.issue(cmd::act, at(1, 0, 1), 4);
    s.issue(cmd::rd, at(0, 0, 1), 30);
    legal_from(s, cmd::wr, at(1, 0, 1), 30 + 22 + 4 + 2 - 16);
}

TEST_CASE("dram: data moving to another rank waits tBURST + tRTRS on the bus") {
    const dram_params p = test::ddr4_3200(2);
    dram_state s(p);
    s.issue(cmd::act, at(0, 0, 1, 0), 0);
    s.issue(cmd::act, at(0, 0, 1, 1), 1);  // another rank: no tRRD, only the command bus
    s.issue(cmd::rd, at(0, 0, 1, 0), 30);
    legal_from(s, cmd::rd, at(0, 0, 1, 1), 30 + 4 + 2);
    legal_from(s, cmd::wr, at(0, 0, 1, 0), 36 + 22 + 4 + 2 - 16);  // RD→WR, back to rank 0
    legal_from(s, cmd::wr, at(0, 0, 1, 1), 48 + 4 + 2);            // WR→WR across ranks
}

TEST_CASE("dram: RDA and WRA precharge at the earliest legal PRE") {
    const dram_params p = test::ddr4_3200();
    dram_state s(p);
    s.issue(cmd::act, at(0, 0, 3), 0);
    s.issue(cmd::rda, at(0, 0, 3), 22);
    CHECK_FALSE(s.open_row(at(0, 0)));
    CHECK_FALSE(s.earliest(cmd::rd, at(0, 0, 3), 0));
    CHECK_FALSE(s.earliest(cmd::pre, at(0, 0), 0));
    legal_from(s, cmd::act, at(0, 0, 4), 52 + 22);  // auto-PRE at tRAS
    dram_state late(p);
    late.issue(cmd::act, at(0, 0, 3), 0);
    late.issue(cmd::rda, at(0, 0, 3), 50);
    legal_from(late, cmd::act, at(0, 0, 4), 50 + 12 + 22);  // auto-PRE at RD + tRTP
    dram_state w(p);
    w.issue(cmd::act, at(0, 0, 3), 0);
    w.issue(cmd::wra, at(0, 0, 3), 22);
    legal_from(w, cmd::act, at(0, 0, 4), 22 + 16 + 4 + 24 + 22);
}

TEST_CASE("dram: PREA waits for every open bank, REF for tRP after it, ACT for tRFC after REF") {
    const dram_params p = test::ddr4_3200();
    dram_state s(p);
    s.issue(cmd::act, at(0, 0, 1), 0);
    s.issue(cmd::act, at(1, 0, 1), 4);
    s.issue(cmd::rd, at(1, 0, 1), 50);
    legal_from(s, cmd::prea, at(0, 0), 50 + 12);  // bank (0,0) alone could close at 52
    CHECK_FALSE(s.open_row(at(0, 0)));
    CHECK_FALSE(s.open_row(at(1, 0)));
    CHECK_FALSE(s.rank_active(0));
    legal_from(s, cmd::ref, at(0, 0), 62 + 22);
    legal_from(s, cmd::act, at(2, 3, 9), 84 + 560);
    dram_state idle(p);
    legal_from(idle, cmd::ref, at(0, 0), 0);
    legal_from(idle, cmd::ref, at(0, 0), 560);  // REF to REF: tRFC
}

TEST_CASE("dram: REF after a PRE waits tRP; REF after an auto-precharge too") {
    const dram_params p = test::ddr4_3200();
    dram_state s(p);
    s.issue(cmd::act, at(0, 0, 1), 0);
    s.issue(cmd::pre, at(0, 0), 60);
    legal_from(s, cmd::ref, at(0, 0), 60 + 22);
    dram_state a(p);
    a.issue(cmd::act, at(0, 0, 1), 0);
    a.issue(cmd::wra, at(0, 0, 1), 22);
    legal_from(a, cmd::ref, at(0, 0), 22 + 16 + 4 + 24 + 22);
}

TEST_CASE("dram: data end and background clocks of a rank") {
    const dram_params p = test::ddr4_3200();
    dram_state s(p);
    CHECK(s.data_end(cmd::rd, 100) == 100 + 22 + 4);
    CHECK(s.data_end(cmd::wra, 100) == 100 + 16 + 4);
    CHECK(s.data_end(cmd::act, 100) == 100);
    s.issue(cmd::act, at(0, 0, 1), 10);
    s.issue(cmd::act, at(1, 0, 1), 20);
    s.issue(cmd::pre, at(0, 0), 70);
    CHECK(s.active_clocks(0, 80) == 70);
    s.issue(cmd::pre, at(1, 0), 100);  // active 10..100
    s.issue(cmd::act, at(0, 0, 2), 200);
    s.issue(cmd::rda, at(0, 0, 2), 222);  // auto-PRE at 252: active 200..252
    s.issue(cmd::ref, at(0, 0), 300);     // refreshing 300..860
    CHECK(s.active_clocks(0, 300) == 90 + 52);
    CHECK(s.active_clocks(0, 500) == 90 + 52 + 200);
    CHECK(s.active_clocks(0, 2000) == 90 + 52 + 560);
    CHECK_THROWS_AS(s.active_clocks(0, 299), internal_error);
}
