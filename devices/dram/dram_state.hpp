#pragma once
// The state of one DRAM channel at command level: which row each bank holds open, and for
// every command the earliest clock at which the timing rules let it go to each bank, bank
// group and rank. It knows nothing of requests or scheduling; the controller asks it when a
// command may issue and tells it when one did. Unit tests drive it directly: every rule is
// checked as "illegal at t - 1, legal at t".
#include <cstdint>
#include <optional>
#include <vector>

#include "devices/dram/dram_params.hpp"

namespace fluxon {

enum class dram_command : std::uint8_t { act, pre, prea, rd, wr, rda, wra, ref };
constexpr std::size_t dram_command_count = 8;
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
    // (bank fields ignored); REF needs every bank of the rank closed.
    std::optional<dram_clock> earliest(dram_command command, const dram_bank_address& at, dram_clock now) const;
    // Records `command` at `clock`; throws internal_error when it is not legal then.
    void issue(dram_command command, const dram_bank_address& at, dram_clock clock);

    // Open row of a bank, or nullopt when it is precharged.
    std::optional<std::uint32_t> open_row(const dram_bank_address& at) const;
    // Whether any bank of the rank holds a row open (for background power).
    bool rank_active(std::uint32_t rank) const;
    // The clock at which the data of a RD/WR issued at `clock` has finished moving.
    dram_clock data_end(dram_command command, dram_clock clock) const;

private:
    // Implementation's choice; the tests only use the public interface.
    struct bank;
    struct rank_state;
    const dram_params& params_;
    std::vector<bank> banks_;          // rank-major, then bank group, then bank
    std::vector<rank_state> ranks_;
    dram_clock bus_free_ = 0;          // the channel's data bus
    std::uint32_t last_data_rank_ = 0;
    bool last_data_write_ = false;
};

}  // namespace fluxon
