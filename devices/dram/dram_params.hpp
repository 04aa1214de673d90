#pragma once
// A DRAM part and its controller as the DRAM model sees them: organisation, timing in clock
// cycles (tCK), currents, address mapping and controller policy. Lowered once from a preset
// file (dram_preset.cpp); every value keeps its source for reports.
#include <cstdint>
#include <map>
#include <string>

namespace fluxon {

using dram_clock = std::int64_t;  // cycles of the DRAM clock tCK

struct dram_organization {
    std::uint32_t channels = 1, ranks = 1, bankgroups = 1, banks_per_group = 1;
    std::uint32_t rows = 1;         // per bank
    std::uint32_t columns = 1;      // per row, in bursts: a column is what one RD or WR moves
    std::uint32_t burst_bytes = 64; // bytes one RD/WR moves on the channel's data bus
    std::uint32_t devices_per_rank = 1;  // chips of a rank (their currents add up)

    std::uint64_t banks_per_rank() const { return std::uint64_t{bankgroups} * banks_per_group; }
    std::uint64_t capacity_bytes() const {
        return std::uint64_t{channels} * ranks * banks_per_rank() * rows * columns * burst_bytes;
    }
};

// The timing rules, in clocks. _s / _l: different / same bank group (equal where the
// standard has no bank groups).
struct dram_timing {
    double tck = 0;  // s per clock
    std::uint32_t cl = 0, cwl = 0;    // read / write latency: command to first data
    std::uint32_t burst = 0;          // data bus clocks per RD/WR (tBURST)
    std::uint32_t rcd = 0, rp = 0, ras = 0, rc = 0;  // rcd: ACT→RD (tRCD, or tRCDRD)
    std::uint32_t rcd_wr = 0;  // ACT→WR: tRCDWR where the standard separates it (HBM2, GDDR), else tRCD
    std::uint32_t ccd_s = 0, ccd_l = 0, rrd_s = 0, rrd_l = 0, faw = 0;
    std::uint32_t wr = 0, wtr_s = 0, wtr_l = 0, rtp = 0, rtrs = 0;
    std::uint32_t refi = 0, rfc = 0;
    // Per-bank refresh (REFpb of LPDDR4, REFSB of HBM2): one bank every refi_pb, that bank busy
    // for rfc_pb; 0 where the preset gives none.
    std::uint32_t refi_pb = 0, rfc_pb = 0;
};

// IDD currents of one device (A) at VDD, as in the standard's datasheets; energies follow
// from them with DRAMSim3's formulas (devices/dram/dram_energy.hpp).
struct dram_currents {
    double vdd = 0;
    double idd0 = 0, idd2n = 0, idd3n = 0, idd4r = 0, idd4w = 0, idd5ab = 0;
    double idd5pb = 0;  // during a per-bank refresh; 0 where the preset gives none
    double io_energy_per_bit = 0;  // J; interface energy, 0 when not modelled
};

enum class dram_page_policy { open, closed };
// Every rank refreshes all its banks at once every tREFI (REF), or the banks of a channel take
// turns, one every refi_pb (DRAMSim3's BANK_LEVEL_STAGGERED order: bank group fastest, then
// bank, then rank), while the others keep serving requests.
enum class dram_refresh { rank, bank };

struct dram_params {
    std::string name, description;
    dram_organization org;
    dram_timing timing;
    dram_currents power;
    // Address bits from most to least significant, in DRAMSim3's notation: two letters per
    // field, ro(w) ch(annel) ra(nk) bg (bank group) ba(nk) co(lumn). The lowest
    // log2(burst_bytes) bits address bytes within a burst and are dropped first.
    std::string address_mapping = "rochrababgco";
    dram_page_policy page_policy = dram_page_policy::open;
    dram_refresh refresh = dram_refresh::rank;
    std::uint32_t read_queue = 32, write_queue = 32;  // per channel
    // Writes are drained (served before reads) once the write queue holds write_high
    // requests, until it is down to write_low.
    std::uint32_t write_high = 24, write_low = 8;
    // With no read waiting, writes drain once more than this many are queued (DRAMSim3: 8), and
    // at the end of the requests whatever their number; 0: whenever no read waits.
    std::uint32_t write_idle_drain = 0;
    // What the controller does with requests to a burst it already holds (DRAMSim3's
    // controller.cc does all four). Posted: a write completes once in the write queue, its data
    // reaches the DRAM later. Write-buffer reads: a read of a burst with a queued write takes
    // the write's data. Merged reads ride on the RD of a queued read of their burst; a merged
    // write replaces the queued write's data. Bursts, not byte addresses, match.
    bool posted_writes = false, write_buffer_reads = true, merge_reads = true, merge_writes = true;
    // Clocks from a request entering the queue to its first command: 0 here; 1 in DRAMSim3,
    // whose controller moves a transaction into its command queue one tick before issuing.
    std::uint32_t command_delay = 0;
    std::map<std::string, std::string> sources;  // dotted preset key → its source
};

}  // namespace fluxon
