#include "devices/dram/dram_state.hpp"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "engine/base/errors.hpp"

namespace fluxon {

namespace {

// A read followed by a write needs the bus turned around: the write preamble cannot overlap
// the read postamble. The usual DDR4 rule, RD→WR ≥ CL + tBURST + 2 − CWL, is this gap between
// the read's last beat and the write's first.
constexpr dram_clock read_to_write_turnaround = 2;

// Long before clock 0, so that the first four ACTs meet no tFAW window.
constexpr dram_clock distant_past = std::numeric_limits<dram_clock>::min() / 4;

bool is_read(dram_command c) { return c == dram_command::rd || c == dram_command::rda; }
bool is_write(dram_command c) { return c == dram_command::wr || c == dram_command::wra; }
bool auto_precharges(dram_command c) { return c == dram_command::rda || c == dram_command::wra; }

void raise(dram_clock& ready, dram_clock at_least) { ready = std::max(ready, at_least); }

}  // namespace

const char* dram_command_name(dram_command c) {
    switch (c) {
    case dram_command::act: return "ACT";
    case dram_command::pre: return "PRE";
    case dram_command::prea: return "PREA";
    case dram_command::rd: return "RD";
    case dram_command::wr: return "WR";
    case dram_command::rda: return "RDA";
    case dram_command::wra: return "WRA";
    case dram_command::ref: return "REF";
    case dram_command::refb: return "REFB";
    }
    return "?";
}

dram_state::dram_state(const dram_params& params) :
    params_(params),
    banks_(params.org.ranks * params.org.banks_per_rank()),
    groups_(std::size_t{params.org.ranks} * params.org.bankgroups),
    ranks_(params.org.ranks) {
    for (rank_state& r : ranks_) r.faw.fill(distant_past);
}

void dram_state::check_rank(std::uint32_t rank) const {
    if (rank >= ranks_.size()) [[unlikely]]
        outside({rank, 0, 0, 0, 0});
}

void dram_state::outside(const dram_bank_address& at) const {
    const dram_organization& org = params_.org;
    throw internal_error(fmt::format("DRAM rank {} bank {}.{} outside {} ranks of {} groups of {} banks",
                                     at.rank, at.bankgroup, at.bank, org.ranks, org.bankgroups,
                                     org.banks_per_group));
}

// RD/WR readiness from the bank, its group, its rank and the shared data bus.
dram_clock dram_state::column_ready(bool write, const dram_bank_address& at) const {
    const dram_timing& t = params_.timing;
    const bank& b = banks_[bank_index(at)];
    const group_state& g = groups_[std::size_t{at.rank} * params_.org.bankgroups + at.bankgroup];
    const rank_state& r = ranks_[at.rank];
    dram_clock ready = write ? std::max({b.wr, g.wr, r.wr}) : std::max({b.rd, g.rd, r.rd});
    if (data_moved_) {
        dram_clock gap = at.rank != last_data_rank_ ? dram_clock{t.rtrs} : 0;
        if (write && !last_data_write_) gap = std::max(gap, read_to_write_turnaround);
        const dram_clock latency = write ? t.cwl : t.cl;
        raise(ready, bus_free_ + gap - latency);
    }
    return ready;
}

std::optional<dram_clock> dram_state::earliest(dram_command command, const dram_bank_address& at,
                                               dram_clock now) const {
    const dram_timing& t = params_.timing;
    const dram_clock base = std::max(now, command_bus_free_);
    switch (command) {
    case dram_command::act: {
        const bank& b = banks_[bank_index(at)];
        if (b.open) return std::nullopt;
        const group_state& g = groups_[std::size_t{at.rank} * params_.org.bankgroups + at.bankgroup];
        const rank_state& r = ranks_[at.rank];
        return std::max({base, b.act, g.act, r.act, r.faw[r.faw_next] + dram_clock{t.faw}});
    }
    case dram_command::pre: {
        const bank& b = banks_[bank_index(at)];
        if (!b.open) return std::nullopt;
        return std::max(base, b.pre);
    }
    case dram_command::prea: {
        check_rank(at.rank);
        const std::size_t n = params_.org.banks_per_rank();
        dram_clock ready = base;
        for (std::size_t i = at.rank * n; i < (at.rank + 1) * n; ++i) {
            if (banks_[i].open) raise(ready, banks_[i].pre);
        }
        return ready;
    }
    case dram_command::rd:
    case dram_command::rda:
    case dram_command::wr:
    case dram_command::wra: {
        const bank& b = banks_[bank_index(at)];
        if (!b.open || b.row != at.row) return std::nullopt;
        return std::max(base, column_ready(is_write(command), at));
    }
    case dram_command::ref: {
        check_rank(at.rank);
        const rank_state& r = ranks_[at.rank];
        if (r.open_banks > 0) return std::nullopt;
        return std::max(base, r.ref);
    }
    case dram_command::refb: {
        const bank& b = banks_[bank_index(at)];
        if (b.open) return std::nullopt;
        return std::max(base, b.act);  // precharged for tRP, tRC after its ACT, its last REFB done
    }
    }
    throw internal_error("unknown DRAM command");
}

void dram_state::issue(dram_command command, const dram_bank_address& at, dram_clock clock) {
    const std::optional<dram_clock> ready = earliest(command, at, clock);
    if (!ready || *ready != clock) {
        throw internal_error(fmt::format("DRAM {} to rank {} group {} bank {} row {} at clock {}: {}",
                                         dram_command_name(command), at.rank, at.bankgroup, at.bank, at.row,
                                         clock,
                                         ready ? fmt::format("not legal before clock {}", *ready)
                                               : std::string("the bank state forbids it")));
    }
    command_bus_free_ = clock + 1;
    switch (command) {
    case dram_command::act: activate(at, clock); break;
    case dram_command::pre: {
        rank_state& r = ranks_[at.rank];
        account(r, clock);
        precharge(banks_[bank_index(at)], r, clock);
        break;
    }
    case dram_command::prea: {
        rank_state& r = ranks_[at.rank];
        account(r, clock);
        const std::size_t n = params_.org.banks_per_rank();
        for (std::size_t i = at.rank * n; i < (at.rank + 1) * n; ++i) {
            if (banks_[i].open) precharge(banks_[i], r, clock);
        }
        break;
    }
    case dram_command::ref: refresh(at.rank, clock); break;
    case dram_command::refb: refresh_bank(at, clock); break;
    default: column(command, at, clock); break;
    }
}

// Integrates the rank's active time up to `clock`; commands reach a rank in clock order.
void dram_state::account(rank_state& r, dram_clock clock) {
    if (clock <= r.accounted_to) return;
    const dram_clock active_end = r.open_banks > 0 ? clock : std::min(clock, r.active_until);
    r.active_sum += std::max<dram_clock>(0, active_end - r.accounted_to);
    r.accounted_to = clock;
}

void dram_state::precharge(bank& b, rank_state& r, dram_clock clock) {
    const dram_clock settled = clock + params_.timing.rp;
    b.open = false;
    raise(b.act, settled);
    raise(r.ref, settled);
    --r.open_banks;
    raise(r.active_until, clock);
}

void dram_state::activate(const dram_bank_address& at, dram_clock clock) {
    const dram_timing& t = params_.timing;
    bank& b = banks_[bank_index(at)];
    group_state& g = groups_[std::size_t{at.rank} * params_.org.bankgroups + at.bankgroup];
    rank_state& r = ranks_[at.rank];
    account(r, clock);
    b.open = true;
    b.row = at.row;
    raise(b.rd, clock + t.rcd);
    raise(b.wr, clock + t.rcd_wr);
    raise(b.pre, clock + t.ras);
    raise(b.act, clock + t.rc);
    raise(g.act, clock + t.rrd_l);
    raise(r.act, clock + t.rrd_s);
    raise(r.ref, clock + t.rc);
    r.faw[r.faw_next] = clock;
    r.faw_next = (r.faw_next + 1) % r.faw.size();
    ++r.open_banks;
}

void dram_state::column(dram_command command, const dram_bank_address& at, dram_clock clock) {
    const dram_timing& t = params_.timing;
    const bool write = is_write(command);
    bank& b = banks_[bank_index(at)];
    group_state& g = groups_[std::size_t{at.rank} * params_.org.bankgroups + at.bankgroup];
    rank_state& r = ranks_[at.rank];
    account(r, clock);
    const dram_clock end = data_end(command, clock);
    if (write) {
        raise(b.pre, end + t.wr);
        raise(g.wr, clock + t.ccd_l);
        raise(r.wr, clock + t.ccd_s);
        raise(g.rd, end + t.wtr_l);
        raise(r.rd, end + t.wtr_s);
    } else {
        raise(b.pre, clock + t.rtp);
        raise(g.rd, clock + t.ccd_l);
        raise(r.rd, clock + t.ccd_s);
    }
    bus_free_ = end;
    last_data_rank_ = at.rank;
    last_data_write_ = write;
    data_moved_ = true;
    // The bank closes by itself at the first clock a PRE would be legal; from now on the
    // scheduler treats it as closed, while background power sees it open until then.
    if (auto_precharges(command)) precharge(b, r, b.pre);
}

void dram_state::refresh(std::uint32_t rank, dram_clock clock) {
    rank_state& r = ranks_[rank];
    account(r, clock);
    const dram_clock done = clock + params_.timing.rfc;
    const std::size_t n = params_.org.banks_per_rank();
    for (std::size_t i = rank * n; i < (rank + 1) * n; ++i) raise(banks_[i].act, done);
    r.ref = done;
    // DRAMSim3 charges refresh as IDD5AB above IDD3N: the rank counts as active meanwhile.
    raise(r.active_until, done);
}

void dram_state::refresh_bank(const dram_bank_address& at, dram_clock clock) {
    rank_state& r = ranks_[at.rank];
    account(r, clock);
    const dram_clock done = clock + params_.timing.rfc_pb;
    raise(banks_[bank_index(at)].act, done);
    raise(r.ref, done);
    // As for REF: the rank counts as active while a bank refreshes (IDD5PB above IDD3N).
    raise(r.active_until, done);
}

void dram_state::add_idle_refreshes(std::uint32_t rank, dram_clock count, dram_clock each) {
    check_rank(rank);
    rank_state& r = ranks_[rank];
    if (r.open_banks > 0 || count < 0) throw internal_error("DRAM idle refreshes on an active rank");
    r.active_sum += count * each;
}

bool dram_state::rank_active(std::uint32_t rank) const {
    check_rank(rank);
    return ranks_[rank].open_banks > 0;
}

dram_clock dram_state::active_clocks(std::uint32_t rank, dram_clock until) const {
    check_rank(rank);
    const rank_state& r = ranks_[rank];
    if (until < r.accounted_to) {
        throw internal_error(fmt::format(
            "DRAM background asked up to clock {}, before the last command at {}", until, r.accounted_to));
    }
    const dram_clock active_end = r.open_banks > 0 ? until : std::min(until, r.active_until);
    return r.active_sum + std::max<dram_clock>(0, active_end - r.accounted_to);
}

dram_clock dram_state::data_end(dram_command command, dram_clock clock) const {
    const dram_timing& t = params_.timing;
    if (is_read(command)) return clock + t.cl + t.burst;
    if (is_write(command)) return clock + t.cwl + t.burst;
    return clock;  // other commands move no data
}

}  // namespace fluxon
