#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "devices/dram/dram_controller.hpp"
#include "engine/base/errors.hpp"
#include "tests/unit/devices/dram/dram_test_params.hpp"

using namespace fluxon;

namespace {

// An address under the default mapping "rochrababgco" (one channel).
std::uint64_t address(std::uint32_t row, std::uint32_t bankgroup, std::uint32_t bank,
                      std::uint32_t column = 0, std::uint32_t rank = 0, std::uint32_t ranks = 1) {
    return ((((std::uint64_t{row} * ranks + rank) * 4 + bank) * 4 + bankgroup) * 1024 + column) * 64;
}

dram_request read_at(std::uint64_t addr, dram_clock arrival) { return {addr, false, arrival}; }
dram_request write_at(std::uint64_t addr, dram_clock arrival) { return {addr, true, arrival}; }

std::size_t outcome(dram_row_outcome o) { return static_cast<std::size_t>(o); }
std::uint64_t commands(const dram_stats& s, dram_command c) {
    return s.commands[static_cast<std::size_t>(c)];
}

struct recorded {
    std::vector<dram_issued> issued;
    void attach(dram_system& system) {
        system.on_command([this](const dram_issued& i) { issued.push_back(i); });
    }
    std::vector<dram_issued> only(std::initializer_list<dram_command> kinds) const {
        std::vector<dram_issued> out;
        for (const dram_issued& i : issued) {
            if (std::find(kinds.begin(), kinds.end(), i.command) != kinds.end()) out.push_back(i);
        }
        return out;
    }
};

std::string column_sequence(const recorded& r) {
    std::string s;
    for (const dram_issued& i :
         r.only({dram_command::rd, dram_command::rda, dram_command::wr, dram_command::wra})) {
        s += (i.command == dram_command::rd || i.command == dram_command::rda) ? 'R' : 'W';
    }
    return s;
}

std::vector<dram_request> random_trace(std::size_t n, std::uint64_t capacity, std::uint32_t seed) {
    std::mt19937_64 rng(seed);
    std::vector<dram_request> requests(n);
    dram_clock arrival = 0;
    for (dram_request& r : requests) {
        r.address = (rng() % capacity) & ~std::uint64_t{63};
        r.write = rng() % 4 == 0;
        arrival += static_cast<dram_clock>(rng() % 8);
        r.arrival = arrival;
    }
    return requests;
}

}  // namespace

TEST_CASE("dram: addresses decode by the mapping string") {
    const dram_params p = test::ddr4_3200(2);
    dram_system system(p);
    const dram_address a = system.decode(address(12345, 2, 3, 77, 1, 2) + 63);
    CHECK(a.channel == 0);
    CHECK(a.bank.rank == 1);
    CHECK(a.bank.bankgroup == 2);
    CHECK(a.bank.bank == 3);
    CHECK(a.bank.row == 12345);
    CHECK(a.bank.column == 77);

    dram_params q = test::ddr4_3200();
    q.address_mapping = "rochrabacobg";
    dram_system other(q);
    const dram_address b =
        other.decode((std::uint64_t{9} << 20) | (std::uint64_t{2} << 18) | (5u << 8) | (1u << 6));
    CHECK(b.bank.row == 9);
    CHECK(b.bank.bank == 2);
    CHECK(b.bank.column == 5);
    CHECK(b.bank.bankgroup == 1);
}

TEST_CASE("dram: inconsistent parameters are refused with the key at fault") {
    const auto key_of = [](const dram_params& p) {
        try {
            dram_system system(p);
        } catch (const config_error& e) {
            return e.site().key;
        }
        return std::string("(accepted)");
    };
    dram_params p = test::ddr4_3200();
    CHECK(key_of(p) == "(accepted)");
    for (const char* bad : {"rochrababg", "rochrababgcoco", "rochrababgbg", "rochrababgxx", "ROCHRABABGCO"}) {
        p.address_mapping = bad;
        CHECK(key_of(p) == "controller.address_mapping");
    }
    p = test::ddr4_3200();
    p.org.rows = 60000;
    CHECK(key_of(p) == "organization.rows");
    p = test::ddr4_3200();
    p.org.bankgroups = 3;
    CHECK(key_of(p) == "organization.bankgroups");
    p = test::ddr4_3200();
    p.read_queue = 0;
    CHECK(key_of(p) == "controller.read_queue");
    p = test::ddr4_3200();
    p.write_low = p.write_high;
    CHECK(key_of(p) == "controller.write_low");
    p = test::ddr4_3200();
    p.write_high = p.write_queue + 1;
    CHECK(key_of(p) == "controller.write_high");
}

TEST_CASE("dram: requests beyond the capacity are refused naming the request and the capacity") {
    const dram_params p = test::ddr4_3200();
    dram_system system(p);
    const std::uint64_t capacity = p.org.capacity_bytes();
    CHECK(capacity == std::uint64_t{1} << 36);  // 1024 columns of 64 B bursts: 64 KiB rows
    const std::vector<dram_request> requests{read_at(0, 0), read_at(capacity, 1)};
    try {
        system.run(requests);
        FAIL("accepted an address beyond the capacity");
    } catch (const user_error& e) {
        const std::string what = e.what();
        CHECK(what.find("request 1") != std::string::npos);
        CHECK(what.find(std::to_string(capacity)) != std::string::npos);
    }
    CHECK(system.run({}).empty());
}

TEST_CASE("dram: read latency for a closed bank, a row hit and a row conflict") {
    const dram_params p = test::ddr4_3200();
    {
        dram_system system(p);
        recorded log;
        log.attach(system);
        const std::vector<dram_request> one{read_at(address(3, 1, 2, 5), 0)};
        CHECK(system.run(one) == std::vector<dram_clock>{22 + 22 + 4});  // tRCD + CL + tBURST from ACT
        REQUIRE(log.issued.size() == 2);
        CHECK(log.issued[0].command == dram_command::act);
        CHECK(log.issued[0].clock == 0);
        CHECK(log.issued[1].command == dram_command::rd);
        CHECK(log.issued[1].clock == 22);
        CHECK(system.stats().end == 48);
        CHECK(system.stats().outcomes[outcome(dram_row_outcome::miss)] == 1);
    }
    dram_system system(p);
    const std::vector<dram_request> requests{read_at(address(3, 1, 2, 5), 0),
                                             read_at(address(3, 1, 2, 6), 1000),
                                             read_at(address(4, 1, 2, 6), 2000)};
    const std::vector<dram_clock> done = system.run(requests);
    CHECK(done[0] == 22 + 22 + 4);
    CHECK(done[1] == 1000 + 22 + 4);            // CL + tBURST from RD
    CHECK(done[2] == 2000 + 22 + 22 + 22 + 4);  // tRP + tRCD + CL + tBURST from PRE
    const dram_stats& s = system.stats();
    CHECK(s.outcomes[outcome(dram_row_outcome::miss)] == 1);
    CHECK(s.outcomes[outcome(dram_row_outcome::hit)] == 1);
    CHECK(s.outcomes[outcome(dram_row_outcome::conflict)] == 1);
    CHECK(s.reads == 3);
    CHECK(s.writes == 0);
    CHECK(commands(s, dram_command::act) == 2);
    CHECK(commands(s, dram_command::pre) == 1);
    CHECK(commands(s, dram_command::rd) == 3);
    CHECK(s.end == done[2]);
    // One rank, open from the first ACT to the end but for the PRE..ACT gap of tRP.
    CHECK(s.active_clocks == s.end - 22);
    CHECK(s.precharged_clocks == 22);
}

TEST_CASE("dram: two batches served incrementally complete as one batch when the second comes later") {
    const dram_params p = test::ddr4_3200();
    const std::vector<dram_request> first{read_at(address(3, 1, 2, 5), 0), read_at(address(7, 0, 1, 2), 3),
                                          write_at(address(3, 1, 2, 9), 10)};
    // After the first batch's last completion, and past a refresh deadline (tREFI 12480).
    const std::vector<dram_request> second{read_at(address(3, 1, 2, 6), 13000),
                                           read_at(address(9, 0, 1, 2), 13004),
                                           write_at(address(5, 2, 3, 1), 13010)};
    std::vector<dram_request> both = first;
    both.insert(both.end(), second.begin(), second.end());

    dram_system whole(p);
    recorded whole_log;
    whole_log.attach(whole);
    const std::vector<dram_clock> expected = whole.run(both);

    dram_system parts(p);
    recorded parts_log;
    parts_log.attach(parts);
    std::vector<dram_clock> done = parts.serve(first);
    REQUIRE(done.back() < second.front().arrival);
    const std::vector<dram_clock> later = parts.serve(second);
    done.insert(done.end(), later.begin(), later.end());

    CHECK(done == expected);
    CHECK(parts_log.issued.size() == whole_log.issued.size());
    const dram_stats& a = parts.stats();
    const dram_stats& b = whole.stats();
    CHECK(a.reads == b.reads);
    CHECK(a.writes == b.writes);
    CHECK(a.outcomes == b.outcomes);
    CHECK(a.commands == b.commands);
    CHECK(commands(a, dram_command::ref) == 1);
    CHECK(a.end == b.end);
    CHECK(a.active_clocks == b.active_clocks);
    CHECK(a.precharged_clocks == b.precharged_clocks);
    CHECK(a.active_clocks + a.precharged_clocks == a.end);
}

TEST_CASE("dram: an open row stays open from one batch to the next") {
    const dram_params p = test::ddr4_3200();
    dram_system system(p);
    const std::vector<dram_request> first{read_at(address(3, 1, 2, 5), 0)};
    CHECK(system.serve(first) == std::vector<dram_clock>{22 + 22 + 4});
    const std::vector<dram_request> second{read_at(address(3, 1, 2, 6), 500)};
    CHECK(system.serve(second) == std::vector<dram_clock>{500 + 22 + 4});  // a hit: CL + tBURST
    CHECK(system.stats().outcomes[outcome(dram_row_outcome::hit)] == 1);
    CHECK(system.stats().outcomes[outcome(dram_row_outcome::miss)] == 1);
    CHECK(system.stats().end == 526);
    // A batch may not go back in time; run() starts over from an idle system.
    const std::vector<dram_request> earlier{read_at(address(3, 1, 2, 7), 499)};
    CHECK_THROWS_AS(system.serve(earlier), user_error);
    CHECK(system.run(first) == std::vector<dram_clock>{22 + 22 + 4});
}

TEST_CASE("dram: a sequential read stream reaches at least 90 % of the peak bandwidth") {
    dram_params p = test::ddr4_3200();
    // Bank groups in the lowest bits, so that consecutive bursts alternate groups (tCCD_S); under
    // "rochrababgco" a stream stays in one bank and tCCD_L halves the bandwidth.
    p.address_mapping = "rochrabacobg";
    dram_system system(p);
    std::vector<dram_request> requests(100'000);
    for (std::size_t i = 0; i < requests.size(); ++i) requests[i] = read_at(i * 64, 0);
    const std::vector<dram_clock> done = system.run(requests);
    const dram_stats& s = system.stats();
    const double fraction =
        static_cast<double>(requests.size() * p.timing.burst) / static_cast<double>(s.end);
    MESSAGE("sequential read stream: " << 100 * fraction << " % of peak bandwidth, end " << s.end
                                       << " clocks, " << commands(s, dram_command::ref) << " REF");
    CHECK(fraction >= 0.90);
    // Misses only where the stream enters new rows (4 banks every 4096 bursts) and after each REF.
    const std::uint64_t misses = 4 * (requests.size() / 4096 + 1) + 4 * commands(s, dram_command::ref);
    CHECK(s.outcomes[outcome(dram_row_outcome::hit)] >= requests.size() - misses);
    CHECK(*std::max_element(done.begin(), done.end()) == s.end);
}

TEST_CASE("dram: alternating rows in one bank run at one read per tRC") {
    dram_params p = test::ddr4_3200();
    p.read_queue = 1;  // in order: no row hit can be pulled forward
    dram_system system(p);
    std::vector<dram_request> requests;
    for (std::uint32_t k = 0; k < 100; ++k) requests.push_back(read_at(address(k % 2, 0, 0, k), 0));
    const std::vector<dram_clock> done = system.run(requests);
    // ACT k at k·tRC (PRE at ACT + tRAS, after RD + tRTP = ACT + 34), RD at ACT + tRCD.
    for (std::uint32_t k = 0; k < done.size(); ++k) {
        INFO("request " << k);
        CHECK(done[k] == 74 * k + 22 + 22 + 4);
    }
    const dram_stats& s = system.stats();
    CHECK(s.outcomes[outcome(dram_row_outcome::miss)] == 1);
    CHECK(s.outcomes[outcome(dram_row_outcome::conflict)] == 99);
    CHECK(commands(s, dram_command::ref) == 0);
}

TEST_CASE("dram: every rank refreshes every tREFI, ranks staggered") {
    for (const std::uint32_t ranks : {1u, 2u}) {
        CAPTURE(ranks);
        const dram_params p = test::ddr4_3200(ranks);
        dram_system system(p);
        recorded log;
        log.attach(system);
        std::vector<dram_request> requests;
        for (std::uint32_t k = 0; k < 400; ++k) {
            requests.push_back(
                read_at(address(k % 7, k % 4, k % 3, k, k % ranks, ranks), 1000 * dram_clock{k}));
        }
        system.run(requests);
        const dram_clock end = system.stats().end;
        const auto refs = log.only({dram_command::ref});
        CHECK(system.stats().commands[static_cast<std::size_t>(dram_command::ref)] == refs.size());
        for (std::uint32_t r = 0; r < ranks; ++r) {
            std::vector<dram_clock> at;
            for (const dram_issued& i : refs) {
                if (i.at.rank == r) at.push_back(i.clock);
            }
            const dram_clock first_due = 12480 + 12480 * r / ranks;
            const auto expected = static_cast<std::int64_t>((end - first_due) / 12480 + 1);
            CHECK(std::abs(static_cast<std::int64_t>(at.size()) - expected) <= 1);
            CHECK(std::abs(static_cast<std::int64_t>(at.size()) - end / 12480) <= 1);
            REQUIRE_FALSE(at.empty());
            CHECK(at.front() >= first_due);
            for (std::size_t k = 0; k < at.size(); ++k) {
                CHECK(at[k] >= first_due + 12480 * static_cast<dram_clock>(k));
                CHECK(at[k] < first_due + 12480 * static_cast<dram_clock>(k) + 200);  // PREA + tRP at most
            }
        }
    }
}

TEST_CASE("dram: FR-FCFS serves a younger row hit before an older conflict") {
    const dram_params p = test::ddr4_3200();
    dram_system system(p);
    const std::vector<dram_request> requests{read_at(address(1, 0, 0, 0), 0), read_at(address(2, 0, 0, 0), 1),
                                             read_at(address(1, 0, 0, 1), 2)};
    const std::vector<dram_clock> done = system.run(requests);
    CHECK(done[0] == 48);
    CHECK(done[2] == 22 + 8 + 22 + 4);  // next RD of the open row, tCCD_L later
    CHECK(done[1] > done[2]);
    CHECK(done[1] == 52 + 22 + 22 + 22 + 4);  // PRE at tRAS
    const dram_stats& s = system.stats();
    CHECK(s.outcomes[outcome(dram_row_outcome::hit)] == 1);
    CHECK(s.outcomes[outcome(dram_row_outcome::conflict)] == 1);
}

TEST_CASE("dram: the closed-page policy keeps a row open only for queued hits") {
    dram_params p = test::ddr4_3200();
    p.page_policy = dram_page_policy::closed;
    dram_system system(p);
    recorded log;
    log.attach(system);
    const std::vector<dram_request> requests{read_at(address(1, 0, 0, 0), 0), read_at(address(1, 0, 0, 1), 0),
                                             write_at(address(1, 2, 0, 0), 0),
                                             read_at(address(1, 0, 0, 2), 5000)};
    const std::vector<dram_clock> done = system.run(requests);
    const auto columns = log.only({dram_command::rd, dram_command::rda, dram_command::wr, dram_command::wra});
    REQUIRE(columns.size() == 4);
    CHECK(columns[0].command == dram_command::rd);  // request 1 waits for the same row
    CHECK(columns[1].command == dram_command::rda);
    CHECK(columns[2].command == dram_command::wra);
    CHECK(columns[3].command == dram_command::rda);
    CHECK(commands(system.stats(), dram_command::pre) == 0);
    CHECK(done[3] == 5000 + 22 + 22 + 4);  // the row was closed: a miss, not a hit
    CHECK(system.stats().outcomes[outcome(dram_row_outcome::miss)] == 3);
}

TEST_CASE("dram: writes drain from write_high down to write_low, and when no read waits") {
    dram_params p = test::ddr4_3200();
    p.write_high = 8;
    p.write_low = 3;
    for (const std::uint32_t writes : {8u, 7u}) {
        CAPTURE(writes);
        dram_system system(p);
        recorded log;
        log.attach(system);
        std::vector<dram_request> requests;
        for (std::uint32_t k = 0; k < 30; ++k) requests.push_back(read_at(address(0, k % 4, 0, k), 0));
        for (std::uint32_t k = 0; k < writes; ++k) requests.push_back(write_at(address(100, k % 4, 1, k), 0));
        system.run(requests);
        const std::string expected = writes == 8
                                         ? std::string(5, 'W') + std::string(30, 'R') + std::string(3, 'W')
                                         : std::string(30, 'R') + std::string(7, 'W');
        CHECK(column_sequence(log) == expected);
        CHECK(system.stats().writes == writes);
    }
}

TEST_CASE("dram: full queues hold requests back until a slot frees") {
    dram_params p = test::ddr4_3200();
    p.read_queue = 2;
    dram_system system(p);
    std::vector<dram_request> requests;
    for (std::uint32_t k = 0; k < 6; ++k) requests.push_back(read_at(address(k, 0, 0, 0), 0));
    const std::vector<dram_clock> done = system.run(requests);
    CHECK(std::is_sorted(done.begin(), done.end()));
    CHECK(done.back() == 74 * 5 + 48);  // each a conflict of the one before: one per tRC
}

TEST_CASE("dram: the same requests give the same completions and statistics") {
    dram_params p = test::ddr4_3200(2);
    const auto requests = random_trace(20'000, p.org.capacity_bytes(), 7);
    dram_system a(p), b(p);
    const std::vector<dram_clock> first = a.run(requests);
    CHECK(b.run(requests) == first);
    CHECK(a.run(requests) == first);  // a second run starts afresh
    CHECK(a.stats().commands == b.stats().commands);
    CHECK(a.stats().outcomes == b.stats().outcomes);
    CHECK(a.stats().active_clocks == b.stats().active_clocks);
    CHECK(a.stats().end == b.stats().end);
    const dram_stats& s = a.stats();
    CHECK(s.reads + s.writes == requests.size());
    CHECK(s.outcomes[0] + s.outcomes[1] + s.outcomes[2] == requests.size());
    CHECK(s.active_clocks + s.precharged_clocks == 2 * s.end);
    REQUIRE(s.channels.size() == 1);
    CHECK(s.channels[0].commands == s.commands);
    for (std::size_t i = 0; i < requests.size(); ++i) {
        const dram_clock least = requests[i].write ? 16 + 4 : 22 + 4;
        REQUIRE(first[i] >= requests[i].arrival + least);
    }
}

TEST_CASE("dram: a rank switch longer than a burst still gives legal, ordered service") {
    dram_params p = test::ddr4_3200(2);
    p.timing.rtrs = 6;  // > tBURST: the scheduler asks every bank every time
    const auto requests = random_trace(5'000, p.org.capacity_bytes(), 3);
    dram_system system(p);
    recorded log;
    log.attach(system);
    const std::vector<dram_clock> done = system.run(requests);
    CHECK(system.stats().reads + system.stats().writes == requests.size());
    for (std::size_t i = 0; i < requests.size(); ++i) REQUIRE(done[i] >= requests[i].arrival + 16 + 4);
    // Replaying the issued commands into a fresh state checks every one of them again.
    dram_state replay(p);
    for (const dram_issued& i : log.issued) REQUIRE_NOTHROW(replay.issue(i.command, i.at, i.clock));
}

TEST_CASE("dram: channels run side by side and refresh until the last completion") {
    dram_params p = test::ddr4_3200();
    p.org.channels = 2;
    p.address_mapping = "rorababgcoch";  // the lowest bit above the burst picks the channel
    dram_system system(p);
    recorded log;
    log.attach(system);
    std::vector<dram_request> requests;
    for (std::uint32_t k = 0; k < 2000; ++k)
        requests.push_back(read_at(std::uint64_t{k} * 64 * 37, 20 * dram_clock{k}));
    const std::vector<dram_clock> done = system.run(requests);
    const dram_stats& s = system.stats();
    REQUIRE(s.channels.size() == 2);
    CHECK(s.reads == 2000);
    CHECK(s.channels[0].commands[static_cast<std::size_t>(dram_command::rd)] +
              s.channels[1].commands[static_cast<std::size_t>(dram_command::rd)] ==
          2000);
    CHECK(s.channels[0].commands[static_cast<std::size_t>(dram_command::rd)] == 1000);
    CHECK(std::is_sorted(log.issued.begin(), log.issued.end(),
                         [](const dram_issued& x, const dram_issued& y) { return x.clock < y.clock; }));
    for (std::uint32_t c = 0; c < 2; ++c) {
        std::int64_t refs = 0;
        for (const dram_issued& i : log.only({dram_command::ref})) refs += i.channel == c;
        CHECK(std::abs(refs - s.end / 12480) <= 1);
        CHECK(s.channels[c].active_clocks + s.channels[c].precharged_clocks == s.end);
    }
}

TEST_CASE("dram: throughput on a random trace") {
    const dram_params p = test::ddr4_3200(2);
    const auto requests = random_trace(200'000, p.org.capacity_bytes(), 11);
    dram_system system(p);
    const auto t0 = std::chrono::steady_clock::now();
    system.run(requests);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    MESSAGE("random trace: " << requests.size() / seconds << " requests/s of wall time; row hits "
                             << system.stats().outcomes[0] << ", misses " << system.stats().outcomes[1]
                             << ", conflicts " << system.stats().outcomes[2]);
    CHECK(system.stats().reads + system.stats().writes == requests.size());
}

// An idle gap is not simulated refresh by refresh: 10^15 clocks (about 7 days at 0.625 ns)
// between two reads finish at once, with every REF counted. One rank, tREFI 12480: REFs fall
// due at 12480 k and are issued while due before the last completion, 10^15 + tRCD + CL +
// tBURST = 10^15 + 48 (the second read finds its bank closed by the refreshes).
TEST_CASE("dram: an idle gap of 10^15 clocks costs no more than a short one") {
    const dram_params p = test::ddr4_3200();
    dram_system system(p);
    const dram_clock gap = 1'000'000'000'000'000;
    const std::vector<dram_request> requests{read_at(address(1, 0, 0), 0), read_at(address(2, 0, 0), gap)};
    const auto t0 = std::chrono::steady_clock::now();
    const std::vector<dram_clock> done = system.run(requests);
    CHECK(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < 1.0);
    const dram_stats& s = system.stats();
    CHECK(done[1] == gap + 48);
    CHECK(s.end == gap + 48);
    const std::uint64_t refreshes = (gap + 48 - 1) / 12480;  // dues 12480 k < end: 80 128 205 128
    CHECK(refreshes == 80'128'205'128ull);
    CHECK(commands(s, dram_command::ref) == refreshes);
    CHECK(s.channels[0].commands[static_cast<std::size_t>(dram_command::ref)] == refreshes);
    CHECK(commands(s, dram_command::act) == 2);
    CHECK(commands(s, dram_command::prea) == 1);  // the first REF closes the first read's row
    // Active: the first row open until that PREA at 12480, tRFC per REF, the last 48 clocks.
    CHECK(s.active_clocks == 12480 + 560 * static_cast<dram_clock>(refreshes) + 48);
    CHECK(s.active_clocks + s.precharged_clocks == s.end);
}

// Accounting an idle stretch at once gives exactly what issuing every REF gives (an observer
// makes the controller issue them one by one), on two ranks and over several gaps and batches.
TEST_CASE("dram: idle refreshes accounted at once match issuing each one") {
    for (const std::uint32_t ranks : {1u, 2u}) {
        CAPTURE(ranks);
        const dram_params p = test::ddr4_3200(ranks);
        std::vector<dram_request> first, second;
        dram_clock at = 0;
        for (std::uint32_t k = 0; k < 40; ++k) {
            at += k % 5 == 0 ? 3'000'000 + 777 * k : 50;
            first.push_back(read_at(address(k % 9, k % 4, k % 3, k, k % ranks, ranks), at));
        }
        for (std::uint32_t k = 0; k < 10; ++k) {
            at += 1'000'003;
            second.push_back(write_at(address(k, 1, 2, 0, k % ranks, ranks), at));
        }
        dram_system fast(p), slow(p);
        recorded log;
        log.attach(slow);
        CHECK(fast.serve(first) == slow.serve(first));
        CHECK(fast.serve(second) == slow.serve(second));
        const dram_stats &a = fast.stats(), &b = slow.stats();
        CHECK(a.commands == b.commands);
        CHECK(a.commands[static_cast<std::size_t>(dram_command::ref)] > 1000);
        CHECK(a.end == b.end);
        CHECK(a.active_clocks == b.active_clocks);
        CHECK(a.precharged_clocks == b.precharged_clocks);
        CHECK(a.outcomes == b.outcomes);
    }
}

// Requests to a burst the controller already holds, as DRAMSim3's controller.cc treats them
// (AddTransaction / IssueCommand): timings by hand on DDR4-3200 (tRCD = CL = 22, CWL = 16,
// tBURST = 4, tCCD_L = 8).
TEST_CASE("dram: a read of a burst with a queued write is served from the write queue") {
    dram_params p = test::ddr4_3200();
    const std::uint64_t a = address(7, 2, 1, 3);
    // The write drains at once (no read waits): ACT at 0, WR at tRCD = 22, data written at
    // 22 + CWL + tBURST = 42. The read arrives at 5, while the write is queued.
    const std::vector<dram_request> requests{write_at(a, 0), read_at(a + 8, 5)};
    {
        dram_system system(p);
        recorded log;
        log.attach(system);
        CHECK(system.run(requests) == std::vector<dram_clock>{42, 5 + 1});  // the clock after it entered
        CHECK(column_sequence(log) == "W");
        const dram_stats& s = system.stats();
        CHECK(s.reads == 1);
        CHECK(s.writes == 1);
        CHECK(s.buffered_reads == 1);
        CHECK(commands(s, dram_command::rd) == 0);
        CHECK(s.end == 42);
    }
    // Without it the read waits in its queue and, reads going first once one waits, hits the
    // row the write opened: RD at tRCD = 22 (before the older write), data at 22 + 22 + 4 = 48;
    // the WR follows the read's turnaround, RD + CL + tBURST + 2 - CWL = 34, written at 54.
    p.write_buffer_reads = false;
    dram_system system(p);
    recorded log;
    log.attach(system);
    CHECK(system.run(requests) == std::vector<dram_clock>{54, 48});
    CHECK(column_sequence(log) == "RW");
    CHECK(system.stats().buffered_reads == 0);
}

TEST_CASE("dram: pending reads of one burst are served by one RD") {
    dram_params p = test::ddr4_3200();
    const std::uint64_t a = address(7, 2, 1, 3);
    // A closed bank: ACT at 0, RD at 22, data at 48 for all three (the second reads other bytes
    // of the burst).
    const std::vector<dram_request> requests{read_at(a, 0), read_at(a + 32, 3), read_at(a, 5)};
    {
        dram_system system(p);
        CHECK(system.run(requests) == std::vector<dram_clock>{48, 48, 48});
        const dram_stats& s = system.stats();
        CHECK(commands(s, dram_command::rd) == 1);
        CHECK(s.reads == 3);
        CHECK(s.merged_reads == 2);
        CHECK(s.outcomes[outcome(dram_row_outcome::miss)] == 1);
    }
    // Unmerged, one RD each, tCCD_L = 8 apart in one bank: 48, 56, 64.
    p.merge_reads = false;
    dram_system system(p);
    CHECK(system.run(requests) == std::vector<dram_clock>{48, 56, 64});
    CHECK(commands(system.stats(), dram_command::rd) == 3);
    CHECK(system.stats().merged_reads == 0);
}

TEST_CASE("dram: posted writes complete once queued; a second write of the burst merges") {
    dram_params p = test::ddr4_3200();
    const std::uint64_t a = address(7, 2, 1, 3);
    const std::vector<dram_request> requests{write_at(a, 0), write_at(a, 10)};
    for (const bool posted : {true, false}) {
        CAPTURE(posted);
        p.posted_writes = posted;
        dram_system system(p);
        // One WR at tRCD = 22 writes the data of both by 22 + 16 + 4 = 42.
        const std::vector<dram_clock> expected = posted ? std::vector<dram_clock>{1, 11} : std::vector<dram_clock>{42, 42};
        CHECK(system.run(requests) == expected);
        CHECK(commands(system.stats(), dram_command::wr) == 1);
        CHECK(system.stats().merged_writes == 1);
        CHECK(system.stats().writes == 2);
        CHECK(system.stats().end == 42);  // the memory works until the data is written
    }
    // Unmerged, two WRs tCCD_L = 8 apart: written at 42 and 50.
    p.posted_writes = false;
    p.merge_writes = false;
    dram_system system(p);
    CHECK(system.run(requests) == std::vector<dram_clock>{42, 50});
    CHECK(commands(system.stats(), dram_command::wr) == 2);
}

TEST_CASE("dram: latency from arrival and from acceptance differ by the wait for a queue slot") {
    dram_params p = test::ddr4_3200();
    p.read_queue = 1;
    // Two reads at clock 0 to banks of different groups. The first: ACT 0, RD 22, data at 48.
    // The second enters the queue when the first's RD frees the slot, at 22; its ACT goes on the
    // next free command clock, 23 (tRRD_S = 4 after the first ACT is long met), RD at 45, data at
    // 45 + 22 + 4 = 71: 71 clocks from arrival, 49 from acceptance.
    dram_system system(p);
    const std::vector<dram_request> requests{read_at(address(1, 0, 0), 0), read_at(address(1, 1, 0), 0)};
    CHECK(system.run(requests) == std::vector<dram_clock>{48, 71});
    CHECK(system.accepted() == std::vector<dram_clock>{0, 22});
}

TEST_CASE("dram: command_delay holds a request's first command that many clocks after it enters") {
    dram_params p = test::ddr4_3200();
    p.command_delay = 1;
    dram_system system(p);
    recorded log;
    log.attach(system);
    // ACT at 10 + 1, RD at 11 + tRCD = 33, data at 33 + CL + tBURST = 59: 49 clocks, DRAMSim3's
    // latency for this read (DDR4_8Gb_x8_3200.ini). The row hit at 200: RD at 201, data at 227.
    const std::vector<dram_request> requests{read_at(address(3, 1, 2, 5), 10), read_at(address(3, 1, 2, 6), 200)};
    CHECK(system.run(requests) == std::vector<dram_clock>{59, 227});
    REQUIRE(log.issued.size() == 3);
    CHECK(log.issued[0].clock == 11);
    CHECK(log.issued[2].clock == 201);
}

TEST_CASE("dram: with write_idle_drain, a few writes wait while no read does, and drain at the end") {
    dram_params p = test::ddr4_3200();
    std::vector<dram_request> requests;
    for (std::uint32_t k = 0; k < 8; ++k) requests.push_back(write_at(address(1, k % 4, k / 4, 0), k));
    requests.push_back(read_at(address(2, 0, 3, 0), 1000));
    {
        dram_system system(p);  // write_idle_drain = 0: each write drains as no read waits
        recorded log;
        log.attach(system);
        system.run(requests);
        CHECK(column_sequence(log) == "WWWWWWWWR");
    }
    p.write_idle_drain = 8;  // 8 writes are not more than 8: they wait for the read, then the end
    dram_system system(p);
    recorded log;
    log.attach(system);
    const std::vector<dram_clock> done = system.run(requests);
    CHECK(column_sequence(log) == "RWWWWWWWW");
    CHECK(done[8] == 1000 + 22 + 22 + 4);  // the read meets an idle memory
    // A ninth write makes them more than 8: they drain before the read arrives.
    requests.insert(requests.begin() + 8, write_at(address(1, 0, 2, 0), 8));
    dram_system nine(p);
    recorded log9;
    log9.attach(nine);
    nine.run(requests);
    CHECK(column_sequence(log9) == "WWWWWWWWWR");
}

TEST_CASE("dram: writes held below write_idle_drain across a 10^15-clock gap cost no more than a short one") {
    dram_params p = test::ddr4_3200();
    p.write_idle_drain = 8;
    p.posted_writes = true;
    const dram_clock gap = 1'000'000'000'000'000;
    const std::vector<dram_request> requests{write_at(address(1, 0, 0), 0), read_at(address(2, 1, 0), gap)};
    dram_system system(p);
    const auto started = std::chrono::steady_clock::now();
    const std::vector<dram_clock> done = system.run(requests);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(2));
    CHECK(done[0] == 1);                     // posted
    CHECK(done[1] == gap + 22 + 22 + 4);     // served as soon as it arrives (the write waits)
    // Every REF due before the read's arrival: one per tREFI.
    CHECK(commands(system.stats(), dram_command::ref) >= static_cast<std::uint64_t>(gap / 12480));
}

namespace {

// DDR4-3200 with per-bank refresh every 1000 clocks, 100 clocks each (round numbers to follow by
// hand; the model takes any refi_pb > rfc_pb).
dram_params per_bank_refresh() {
    dram_params p = test::ddr4_3200();
    p.refresh = dram_refresh::bank;
    p.timing.refi_pb = 1000;
    p.timing.rfc_pb = 100;
    p.power.idd5pb = 0.100;
    return p;
}

}  // namespace

TEST_CASE("dram: per-bank refresh takes the banks in turn, the others keep serving") {
    const dram_params p = per_bank_refresh();
    // REFBs due at 1000, 2000, ... to bank (group, bank) (0,0), (1,0), (2,0), (3,0), (0,1), ...:
    // bank group fastest. At 5000 bank (0,1) refreshes until 5100: a read of it arriving then
    // waits, ACT 5100, data at 5100 + 48; a read of bank (1,0) goes on at the next command clock,
    // ACT 5001, data at 5049. No REF.
    dram_system system(p);
    recorded log;
    log.attach(system);
    const std::vector<dram_request> requests{read_at(address(1, 0, 1), 5000), read_at(address(1, 1, 0), 5000)};
    CHECK(system.run(requests) == std::vector<dram_clock>{5148, 5049});
    const auto refs = log.only({dram_command::refb});
    REQUIRE(refs.size() == 5);
    const std::vector<std::pair<std::uint32_t, std::uint32_t>> order{{0, 0}, {1, 0}, {2, 0}, {3, 0}, {0, 1}};
    for (std::size_t k = 0; k < refs.size(); ++k) {
        CAPTURE(k);
        CHECK(refs[k].clock == 1000 * static_cast<dram_clock>(k + 1));
        CHECK(refs[k].at.bankgroup == order[k].first);
        CHECK(refs[k].at.bank == order[k].second);
    }
    CHECK(commands(system.stats(), dram_command::ref) == 0);
    CHECK(commands(system.stats(), dram_command::refb) == 5);
}

TEST_CASE("dram: per-bank refresh closes an open bank first and holds its requests meanwhile") {
    const dram_params p = per_bank_refresh();
    // A read at 900 opens bank (0,0): ACT 900, RD 922, data 948. Its REFB falls due at 1000: PRE
    // at 1000 (tRAS and tRTP are met by then), REFB at 1000 + tRP = 1022, the bank busy until
    // 1122. A read of the same row arriving at 1010 waits: ACT 1122, RD 1144, data at 1170.
    dram_system system(p);
    recorded log;
    log.attach(system);
    const std::vector<dram_request> requests{read_at(address(4, 0, 0), 900), read_at(address(4, 0, 0, 1), 1010)};
    CHECK(system.run(requests) == std::vector<dram_clock>{948, 1170});
    const auto refresh = log.only({dram_command::pre, dram_command::refb});
    REQUIRE(refresh.size() == 2);
    CHECK(refresh[0].command == dram_command::pre);
    CHECK(refresh[0].clock == 1000);
    CHECK(refresh[1].command == dram_command::refb);
    CHECK(refresh[1].clock == 1022);
    CHECK(system.stats().outcomes[outcome(dram_row_outcome::miss)] == 2);
}

TEST_CASE("dram: idle per-bank refreshes accounted at once match issuing each one; 10^15 clocks stay O(1)") {
    for (const std::uint32_t ranks : {1u, 2u}) {
        CAPTURE(ranks);
        dram_params p = per_bank_refresh();
        p.org.ranks = ranks;
        std::vector<dram_request> requests;
        dram_clock at = 0;
        for (std::uint32_t k = 0; k < 30; ++k) {
            at += k % 4 == 0 ? 2'000'000 + 997 * k : 40;
            requests.push_back(read_at(address(k % 5, k % 4, k % 3, k, k % ranks, ranks), at));
        }
        dram_system fast(p), slow(p);
        recorded log;
        log.attach(slow);
        CHECK(fast.run(requests) == slow.run(requests));
        const dram_stats &a = fast.stats(), &b = slow.stats();
        CHECK(a.commands == b.commands);
        CHECK(a.commands[static_cast<std::size_t>(dram_command::refb)] > 10'000);
        CHECK(a.active_clocks == b.active_clocks);
        CHECK(a.precharged_clocks == b.precharged_clocks);
    }
    const dram_params p = per_bank_refresh();
    const dram_clock gap = 1'000'000'000'000'000;
    dram_system system(p);
    const auto started = std::chrono::steady_clock::now();
    const std::vector<dram_clock> done = system.run(std::vector<dram_request>{read_at(address(1, 0, 0), 0),
                                                                              read_at(address(1, 2, 3), gap)});
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(2));
    CHECK(done[1] >= gap + 48);
    CHECK(commands(system.stats(), dram_command::refb) == static_cast<std::uint64_t>((done[1] - 1) / 1000));
}

TEST_CASE("dram: per-bank refresh needs refi_pb above rfc_pb") {
    dram_params p = per_bank_refresh();
    p.timing.rfc_pb = 1000;
    try {
        dram_system system(p);
        FAIL("expected a config_error");
    } catch (const config_error& e) {
        CHECK(e.site().key == "timing.refi_pb");
    }
}
