#include <doctest/doctest.h>

#include "tests/unit/common/relative.hpp"

#include <string>
#include <vector>

#include "devices/dram/dram_energy.hpp"
#include "tests/unit/devices/dram/dram_test_params.hpp"

using namespace fluxon;

namespace {

const ledger_row* row_of(const std::vector<ledger_row>& rows, const std::string& component,
                         const std::string& action) {
    for (const ledger_row& r : rows) {
        if (r.component == component && r.action == action) return &r;
    }
    return nullptr;
}

}  // namespace

TEST_CASE("dram: energies per command follow DRAMSim3's formulas (DDR4-3200, hardware_models.md §4c)") {
    const dram_params p = test::ddr4_3200();
    const dram_energies e = dram_energies_of(p);
    const double vtd = 1.2 * 0.625e-9 * 8;  // VDD · tCK · devices
    CHECK(e.act_pre == fluxon::test::approx(vtd * (0.057 * 74 - (0.052 * 52 + 0.037 * 22))).epsilon(1e-12));
    CHECK(e.read == fluxon::test::approx(vtd * (0.168 - 0.052) * 4).epsilon(1e-12));
    CHECK(e.write == fluxon::test::approx(vtd * (0.150 - 0.052) * 4).epsilon(1e-12));
    CHECK(e.refresh == fluxon::test::approx(vtd * (0.250 - 0.052) * 560).epsilon(1e-12));
    CHECK(e.active_standby == fluxon::test::approx(1.2 * 0.052 * 8).epsilon(1e-12));
    CHECK(e.precharged_standby == fluxon::test::approx(1.2 * 0.037 * 8).epsilon(1e-12));
    // The figures §4c derives: 4.23 nJ, 2.81 nJ, 2.37 nJ, 671 nJ, 499 / 355 mW (rounded there).
    CHECK(e.act_pre == fluxon::test::approx(4.23e-9).epsilon(0.01));
    CHECK(e.read == fluxon::test::approx(2.81e-9).epsilon(0.02));
    CHECK(e.write == fluxon::test::approx(2.37e-9).epsilon(0.02));
    CHECK(e.refresh == fluxon::test::approx(671e-9).epsilon(0.02));
    CHECK(e.active_standby == fluxon::test::approx(0.499).epsilon(0.002));
    CHECK(e.precharged_standby == fluxon::test::approx(0.355).epsilon(0.002));

    dram_params io = p;
    io.power.io_energy_per_bit = 2e-12;
    CHECK(dram_energies_of(io).read == fluxon::test::approx(e.read + 2e-12 * 512).epsilon(1e-12));
    CHECK(dram_energies_of(io).write == fluxon::test::approx(e.write + 2e-12 * 512).epsilon(1e-12));
}

TEST_CASE("dram: a hand-counted command sequence charges the ledger by the formulas") {
    dram_params p = test::ddr4_3200();
    p.sources["power.idd0"] = "DRAMSim3 DDR4_8Gb_x8_3200.ini";
    // 2 ACT, 3 RD, 1 WR, 1 REF over N = 2000 clocks: 700 with a bank open, 1300 all closed.
    dram_stats s;
    s.commands[static_cast<std::size_t>(dram_command::act)] = 2;
    s.commands[static_cast<std::size_t>(dram_command::pre)] = 1;
    s.commands[static_cast<std::size_t>(dram_command::rd)] = 2;
    s.commands[static_cast<std::size_t>(dram_command::rda)] = 1;
    s.commands[static_cast<std::size_t>(dram_command::wr)] = 1;
    s.commands[static_cast<std::size_t>(dram_command::ref)] = 1;
    s.end = 2000;
    s.active_clocks = 700;
    s.precharged_clocks = 1300;
    s.channels.push_back({s.commands, s.active_clocks, s.precharged_clocks});

    ledger book;
    charge_dram(book, p, s);
    const std::vector<ledger_row> rows = book.rows();
    const std::string ch = "dram/channel[0]";
    const double tck = 0.625e-9, vdd = 1.2, dev = 8;
    const double act_pre = 2 * vdd * (0.057 * 74 - (0.052 * 52 + 0.037 * 22)) * tck * dev;
    const double read = 3 * vdd * (0.168 - 0.052) * 4 * tck * dev;
    const double write = 1 * vdd * (0.150 - 0.052) * 4 * tck * dev;
    const double refresh = 1 * vdd * (0.250 - 0.052) * 560 * tck * dev;
    const double active = vdd * 0.052 * dev * 700 * tck;
    const double precharged = vdd * 0.037 * dev * 1300 * tck;
    struct expected_row {
        std::string component;
        const char* action;
        std::uint64_t count;
        double energy;
    };
    for (const expected_row& x :
         {expected_row{ch, "act_pre", 2, act_pre}, expected_row{ch, "read", 3, read},
          expected_row{ch, "write", 1, write}, expected_row{ch, "refresh", 1, refresh},
          expected_row{ch + "/active_standby", "static", 700, active},
          expected_row{ch + "/precharged_standby", "static", 1300, precharged}}) {
        CAPTURE(x.component);
        CAPTURE(x.action);
        const ledger_row* r = row_of(rows, x.component, x.action);
        REQUIRE(r != nullptr);
        CHECK(r->count == x.count);
        CHECK(r->energy == fluxon::test::approx(x.energy).epsilon(1e-12));
        CHECK(r->source.find("DRAMSim3 configuration.cc formulas") != std::string::npos);
    }
    CHECK(rows.size() == 6);
    // Standby is charged per clock under the action "static", and counts as static energy.
    CHECK(book.dynamic_energy() == fluxon::test::approx(act_pre + read + write + refresh).epsilon(1e-12));
    CHECK(book.static_energy() == fluxon::test::approx(active + precharged).epsilon(1e-12));
    CHECK(row_of(rows, ch + "/active_standby", "static")->latency == fluxon::test::approx(700 * tck).epsilon(1e-12));
    const std::string act_source = row_of(rows, ch, "act_pre")->source;
    CHECK(act_source.find("IDD0 57 mA (DRAMSim3 DDR4_8Gb_x8_3200.ini)") != std::string::npos);
    CHECK(act_source.find("IDD3N 52 mA") != std::string::npos);
    CHECK(act_source.find("IDD2N 37 mA") != std::string::npos);
    CHECK(act_source.find("VDD 1.2 V") != std::string::npos);
    CHECK(row_of(rows, ch, "read")->source.find("IDD4R 168 mA") != std::string::npos);
    CHECK(row_of(rows, ch, "refresh")->source.find("IDD5AB 250 mA") != std::string::npos);

    // Statistics without per-channel figures are charged as one component.
    s.channels.clear();
    ledger whole;
    charge_dram(whole, p, s);
    CHECK(whole.dynamic_energy() == fluxon::test::approx(book.dynamic_energy()).epsilon(1e-12));
    CHECK(row_of(whole.rows(), "dram", "act_pre") != nullptr);
}

TEST_CASE("dram: a controller run charges per channel what it counted") {
    const dram_params p = test::ddr4_3200();
    dram_system system(p);
    std::vector<dram_request> requests;
    for (std::uint32_t k = 0; k < 50; ++k) {
        requests.push_back({std::uint64_t{k} * 1024 * 1024 * 3, k % 3 == 0, 100 * dram_clock{k}});
    }
    system.run(requests);
    const dram_stats& s = system.stats();
    ledger book;
    charge_dram(book, p, s);
    const std::vector<ledger_row> rows = book.rows();
    const ledger_row* act = row_of(rows, "dram/channel[0]", "act_pre");
    REQUIRE(act != nullptr);
    CHECK(act->count == s.commands[static_cast<std::size_t>(dram_command::act)]);
    const ledger_row* active = row_of(rows, "dram/channel[0]/active_standby", "static");
    const ledger_row* precharged = row_of(rows, "dram/channel[0]/precharged_standby", "static");
    REQUIRE(active != nullptr);
    REQUIRE(precharged != nullptr);
    CHECK(active->count + precharged->count == static_cast<std::uint64_t>(s.end));
    CHECK(row_of(rows, "dram/channel[0]", "write")->count == s.writes);
}

TEST_CASE("dram: per-bank refreshes charge VDD · (IDD5PB − IDD3N) · tRFCpb each") {
    dram_params p = test::ddr4_3200();
    p.refresh = dram_refresh::bank;
    p.timing.refi_pb = 1000;
    p.timing.rfc_pb = 100;
    p.power.idd5pb = 0.100;
    dram_stats s;
    s.commands[static_cast<std::size_t>(dram_command::refb)] = 3;
    s.channels.push_back({s.commands, 0, 0});
    ledger book;
    charge_dram(book, p, s);
    const ledger_row* r = row_of(book.rows(), "dram/channel[0]", "refresh_bank");
    REQUIRE(r != nullptr);
    CHECK(r->count == 3);
    CHECK(r->energy == fluxon::test::approx(3 * 1.2 * (0.100 - 0.052) * 100 * 0.625e-9 * 8).epsilon(1e-12));
    // All-bank refresh has no such row.
    ledger plain;
    charge_dram(plain, test::ddr4_3200(), s);
    CHECK(row_of(plain.rows(), "dram/channel[0]", "refresh_bank") == nullptr);
}
