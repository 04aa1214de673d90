#pragma once
// A DRAM memory system driven by requests: per channel a controller with read and write
// queues, FR-FCFS scheduling (row hits first, then the oldest), open- or closed-page policy,
// write draining between watermarks, and per-rank refresh every tREFI. Event-driven: it jumps
// from one command's earliest legal clock to the next instead of ticking every cycle.
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "devices/dram/dram_state.hpp"

namespace fluxon {

struct dram_request {
    std::uint64_t address = 0;  // byte address; must be below the capacity
    bool write = false;
    dram_clock arrival = 0;     // when it reaches the controller
};

// Where an address lands.
struct dram_address {
    std::uint32_t channel = 0;
    dram_bank_address bank;
};

// One command the controllers issued (for tests, traces and reports).
struct dram_issued {
    dram_clock clock = 0;
    dram_command command = dram_command::act;
    std::uint32_t channel = 0;
    dram_bank_address at;
};

enum class dram_row_outcome : std::uint8_t { hit, miss, conflict };  // open row / closed bank / other row open

// What one channel did; dram_stats holds one per channel besides the totals.
struct dram_channel_stats {
    std::array<std::uint64_t, dram_command_count> commands{};  // by dram_command
    dram_clock active_clocks = 0, precharged_clocks = 0;         // summed over the channel's ranks
};

struct dram_stats {
    std::uint64_t reads = 0, writes = 0;  // requests served, including the three kinds below
    // Reads that rode on another read's RD, reads served from the write queue, writes whose
    // data replaced a queued write's (dram_params::merge_reads, ...): no command of their own.
    std::uint64_t merged_reads = 0, buffered_reads = 0, merged_writes = 0;
    std::array<std::uint64_t, 3> outcomes{};                    // by dram_row_outcome
    std::array<std::uint64_t, dram_command_count> commands{};   // by dram_command
    dram_clock end = 0;  // the clock at which the last request completed
    // Summed over ranks: clocks with some bank open (active standby) and with all closed.
    dram_clock active_clocks = 0, precharged_clocks = 0;
    // Per channel, for per-channel ledger rows; may be left empty (charge_dram then charges the
    // totals to one component).
    std::vector<dram_channel_stats> channels;
};

class dram_system {
public:
    // Throws config_error when the parameters are inconsistent (mapping fields that do not
    // match the organisation, queue sizes of zero, watermarks out of order, ...).
    explicit dram_system(const dram_params& params);
    ~dram_system();
    // The channel controllers refer to the system: it stays where it was built.
    dram_system(const dram_system&) = delete;
    dram_system& operator=(const dram_system&) = delete;

    dram_address decode(std::uint64_t address) const;

    // Serves `requests` (sorted by arrival; a request waits while its queue is full) until all
    // have completed, and returns each one's completion clock: for a read, when its last data
    // beat arrives (one clock after it entered the queue when served from the write queue);
    // for a write, when its data has been written (burst end), or with posted writes one clock
    // after it entered the queue. Refresh keeps running until the last completion or the last
    // write's data, whichever is later (stats().end). Each run starts from an idle system at clock 0;
    // requests of a channel enter its queues in arrival order (a full queue holds back the
    // requests behind it too, as a front end that retries its oldest request would).
    std::vector<dram_clock> run(std::span<const dram_request> requests);

    // Serves one more batch as run() does, but from the state the earlier batches left (open
    // rows, timing history, refresh schedule, clock) instead of an idle system; the first
    // call after construction or run() starts idle at clock 0. No request of `batch` may
    // arrive before a request of an earlier batch. Every batch is served to its last
    // completion before the call returns, so a batch's commands are chosen without knowing
    // the next one. stats() then covers every batch since the idle start, background up to
    // the last completion.
    std::vector<dram_clock> serve(std::span<const dram_request> batch);

    // When each request of the last batch entered its controller's queue (its arrival unless
    // the queue was full), in the batch's order.
    const std::vector<dram_clock>& accepted() const { return accepted_; }

    const dram_stats& stats() const { return stats_; }
    // Called for every command issued, in issue order (optional).
    void on_command(std::function<void(const dram_issued&)> observer) { observer_ = std::move(observer); }

private:
    // One level's bits in a burst address (the address with the byte offset dropped).
    struct address_field {
        std::uint32_t shift = 0;
        std::uint64_t mask = 0;
    };
    enum level : std::size_t { row_level, channel_level, rank_level, group_level, bank_level, column_level };
    struct session;  // the channels' state and controllers between batches

    void start_session();
    std::vector<std::vector<std::uint32_t>> split_by_channel(std::span<const dram_request> batch) const;

    const dram_params& params_;
    std::array<address_field, 6> fields_{};  // by level
    std::uint32_t offset_bits_ = 0;
    std::unique_ptr<session> session_;
    dram_stats stats_;
    std::vector<dram_clock> accepted_;
    std::function<void(const dram_issued&)> observer_;
};

}  // namespace fluxon
