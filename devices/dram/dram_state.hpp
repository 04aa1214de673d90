#pragma once
// The state of one DRAM channel at command level: which row each bank holds open, and for
// every command the earliest clock at which the timing rules let it go to each bank, bank
// group and rank. It knows nothing of requests or scheduling; the controller asks it when a
// command may issue and tells it when one did. Unit tests drive it directly: every rule is
// checked as "illegal at t - 1, legal at t".
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "devices/dram/dram_params.hpp"

namespace fluxon {

enum class dram_command : std::uint8_t { act, pre, prea, rd, wr, rda, wra, ref, refb };
constexpr std::size_t dram_command_count = 9;
const char* dram_command_name(dram_command c);

// A location within one channel.
struct dram_bank_address {
    std::uint32_t rank = 0, bankgroup = 0, bank = 0;  // bank within its group
    std::uint32_t row = 0, column = 0;
};

class dram_state {
public:
    explicit dram_state(const dram_params& params);

    // The earliest clock >= `now` at which `command` may be issued to `at`, given every command
    // issued so far, or nullopt when the bank state forbids it whatever the time (RD to a
    // closed bank or to another row, ACT to an open bank, ...). PREA and REF address a rank
    // (bank fields ignored); REF needs every bank of the rank closed, REFB (per-bank refresh)
    // its bank closed, which it keeps from ACT for tRFCpb.
    std::optional<dram_clock> earliest(dram_command command, const dram_bank_address& at, dram_clock now) const;
    // Records `command` at `clock`; throws internal_error when it is not legal then.
    void issue(dram_command command, const dram_bank_address& at, dram_clock clock);

    // Open row of a bank, or nullopt when it is precharged.
    std::optional<std::uint32_t> open_row(const dram_bank_address& at) const;
    // Whether any bank of the rank holds a row open (for background power).
    bool rank_active(std::uint32_t rank) const;
    // Clocks in [0, until) during which the rank was active: some bank held a row open (up to an
    // auto-precharge's actual time) or the rank was refreshing. `until` must not precede the last
    // command issued to the rank.
    dram_clock active_clocks(std::uint32_t rank, dram_clock until) const;
    // Accounts `count` refreshes of `rank` that the controller counted without issuing them, in
    // an idle stretch between two it issued (dram_controller.cpp): each keeps the rank active
    // for `each` clocks (tRFC, or tRFCpb for per-bank ones, which never overlap), as issuing it
    // would.
    void add_idle_refreshes(std::uint32_t rank, dram_clock count, dram_clock each);
    // The clock at which the data of a RD/WR issued at `clock` has finished moving.
    dram_clock data_end(dram_command command, dram_clock clock) const;

private:
    struct bank {
        std::uint32_t row = 0;
        bool open = false;
        // Earliest clocks by the rules that bind this bank alone.
        dram_clock act = 0, pre = 0, rd = 0, wr = 0;
    };
    struct group_state {
        dram_clock act = 0, rd = 0, wr = 0;  // the _l rules (tRRD_L, tCCD_L, tWTR_L)
    };
    struct rank_state {
        dram_clock act = 0, rd = 0, wr = 0;  // the _s rules (tRRD_S, tCCD_S, tWTR_S)
        dram_clock ref = 0;                  // every bank precharged for tRP (tRC after ACT), tRFC
        std::array<dram_clock, 4> faw{};     // the last four ACTs, oldest at faw_next
        std::uint32_t faw_next = 0;
        std::uint32_t open_banks = 0;
        // Background: active clocks summed up to accounted_to; after it the rank is active
        // while a bank is open or until active_until (a pending auto-precharge, a refresh).
        dram_clock accounted_to = 0, active_until = 0, active_sum = 0;
    };

    std::size_t bank_index(const dram_bank_address& at) const {
        const dram_organization& org = params_.org;
        const bool inside =
            at.rank < org.ranks && at.bankgroup < org.bankgroups && at.bank < org.banks_per_group;
        if (!inside) [[unlikely]] outside(at);
        return (std::size_t{at.rank} * org.bankgroups + at.bankgroup) * org.banks_per_group + at.bank;
    }
    [[noreturn]] void outside(const dram_bank_address& at) const;
    dram_clock column_ready(bool write, const dram_bank_address& at) const;
    void check_rank(std::uint32_t rank) const;
    void account(rank_state& r, dram_clock clock);
    void precharge(bank& b, rank_state& r, dram_clock clock);
    void activate(const dram_bank_address& at, dram_clock clock);
    void column(dram_command command, const dram_bank_address& at, dram_clock clock);
    void refresh(std::uint32_t rank, dram_clock clock);
    void refresh_bank(const dram_bank_address& at, dram_clock clock);

    const dram_params& params_;
    std::vector<bank> banks_;          // rank-major, then bank group, then bank
    std::vector<group_state> groups_;  // rank-major, then bank group
    std::vector<rank_state> ranks_;
    dram_clock command_bus_free_ = 0;  // one command per clock on the channel
    dram_clock bus_free_ = 0;          // the channel's data bus: end of the last burst
    std::uint32_t last_data_rank_ = 0;
    bool last_data_write_ = false;
    bool data_moved_ = false;
};

// Inline: the scheduler asks it for every bank it weighs.
inline std::optional<std::uint32_t> dram_state::open_row(const dram_bank_address& at) const {
    const bank& b = banks_[bank_index(at)];
    if (!b.open) return std::nullopt;
    return b.row;
}

}  // namespace fluxon
