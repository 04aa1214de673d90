#include "devices/dram/dram_controller.hpp"

#include <algorithm>
#include <bit>
#include <limits>
#include <optional>
#include <string_view>

#include <fmt/format.h>

#include "devices/dram/dram_burst_index.hpp"
#include "engine/base/errors.hpp"

namespace fluxon {

namespace {

constexpr dram_clock never = std::numeric_limits<dram_clock>::max();
constexpr std::int32_t none = -1;
constexpr std::uint32_t none_bank = std::numeric_limits<std::uint32_t>::max();
constexpr std::array<std::string_view, 6> level_names{"ro", "ch", "ra", "bg", "ba", "co"};
// A posted write, or a read served from the write queue, completes the clock after it enters
// the queue: DRAMSim3 controller.cc AddTransaction (complete_cycle = clk_ + 1).
constexpr dram_clock queue_answer_clocks = 1;

std::uint32_t log2_of(std::uint32_t power_of_two) {
    return static_cast<std::uint32_t>(std::countr_zero(power_of_two));
}

void require_power_of_two(std::uint32_t value, const char* key) {
    if (!std::has_single_bit(value)) {
        throw config_error(
            fmt::format("expected a power of two, got {}: addresses are split into bit fields", value),
            {.key = key});
    }
}

void validate_controller(const dram_params& p) {
    if (p.read_queue == 0)
        throw config_error("the read queue must hold at least one request", {.key = "controller.read_queue"});
    if (p.write_queue == 0)
        throw config_error("the write queue must hold at least one request",
                           {.key = "controller.write_queue"});
    if (p.write_high == 0 || p.write_high > p.write_queue) {
        throw config_error(
            fmt::format("write_high = {} must be in 1..write_queue = {}", p.write_high, p.write_queue),
            {.key = "controller.write_high"});
    }
    if (p.write_low >= p.write_high) {
        throw config_error(
            fmt::format("write_low = {} must be below write_high = {}", p.write_low, p.write_high),
            {.key = "controller.write_low"});
    }
    if (!(p.timing.tck > 0)) throw config_error("the clock period must be positive", {.key = "timing.tck"});
    if (p.timing.burst == 0) throw config_error("a burst must occupy the bus", {.key = "timing.burst"});
    if (p.timing.refi <= p.timing.rfc) {
        throw config_error(fmt::format("refi = {} must exceed rfc = {}", p.timing.refi, p.timing.rfc),
                           {.key = "timing.refi"});
    }
    if (p.refresh == dram_refresh::bank && p.timing.refi_pb <= p.timing.rfc_pb) {
        throw config_error(fmt::format("per-bank refresh needs refi_pb = {} above rfc_pb = {}", p.timing.refi_pb,
                                       p.timing.rfc_pb),
                           {.key = "timing.refi_pb"});
    }
}

// A request waiting in a queue; the queues of a channel are lists per bank, oldest first.
struct queued {
    std::uint64_t burst = 0;  // the request's address in bursts
    std::uint32_t request = 0;
    std::uint32_t bank = 0;  // within the channel, rank-major
    std::uint32_t row = 0, column = 0;
    std::int32_t prev = none, next = none;
    std::int32_t riders = none;  // requests merged into it (a list in the riders pool)
    dram_clock first_command = 0;  // no command for it before (dram_params::command_delay)
    bool decided = false;          // its row outcome is counted
};

// A request merged into a queued one, completing with it.
struct rider {
    std::uint32_t request = 0;
    std::int32_t next = none;
};

// A bank's best command as last computed: a lower bound on its clock once time has moved on.
struct bank_bound {
    dram_clock clock = never;                                       // never for a bank with nothing queued
    std::uint64_t tie = std::numeric_limits<std::uint64_t>::max();  // rank_class << 32 | request
    std::int32_t entry = none;
    dram_command command = dram_command::act;
};

struct bank_list {
    std::int32_t head = none, tail = none;
};

struct choice {
    dram_clock clock = never;
    int rank_class = 3;  // ties: refresh 0, row hit 1, anything else 2
    std::uint32_t request = 0;
    dram_command command = dram_command::act;
    dram_bank_address at;
    std::int32_t entry = none;  // none for refresh commands

    bool better_than(const choice& o) const {
        if (clock != o.clock) return clock < o.clock;
        if (rank_class != o.rank_class) return rank_class < o.rank_class;
        return request < o.request;
    }
};

// Everything one channel does: its queues, refresh and scheduling. Channels share nothing,
// so each plans its next command on its own and the system issues them in clock order. It
// outlives a batch: the next batch finds its clock, refresh deadlines and bank state.
class channel_controller {
public:
    channel_controller(const dram_system& system, const dram_params& params, dram_state& state,
                       std::uint32_t channel, dram_stats& stats,
                       const std::function<void(const dram_issued&)>& observer) :
        system_(system),
        params_(params),
        state_(state),
        channel_(channel),
        stats_(stats),
        observer_(observer),
        entries_(std::size_t{params.read_queue} + params.write_queue),
        index_{dram_burst_index(params.read_queue), dram_burst_index(params.write_queue)},
        burst_shift_(static_cast<std::uint32_t>(std::countr_zero(params.org.burst_bytes))),
        next_due_(params.org.ranks) {
        const dram_organization& org = params.org;
        const auto banks = static_cast<std::uint32_t>(org.ranks * org.banks_per_rank());
        for (auto& lists : lists_) lists.resize(banks);
        bank_at_.resize(banks);
        exact_at_.resize(banks, 0);
        bound_.resize(banks);
        // Bounds from earlier answers hold only while the bus gap between bursts (tRTRS, the
        // read-to-write turnaround of 2, see dram_state.cpp) is within a burst; otherwise every
        // bank is asked each time.
        lazy_ = dram_clock{params.timing.burst} >= std::max<dram_clock>(params.timing.rtrs, 2);
        for (std::uint32_t b = 0; b < banks; ++b) {
            const auto per_rank = static_cast<std::uint32_t>(org.banks_per_rank());
            bank_at_[b] = {b / per_rank, (b % per_rank) / org.banks_per_group, b % org.banks_per_group, 0, 0};
        }
        free_.reserve(entries_.size());
        for (std::size_t e = entries_.size(); e-- > 0;) free_.push_back(static_cast<std::int32_t>(e));
        capacity_ = {params.read_queue, params.write_queue};
        // Ranks refresh in turn, evenly spread over tREFI, so that they are never all blocked.
        for (std::uint32_t r = 0; r < org.ranks; ++r) {
            next_due_[r] = params.timing.refi + dram_clock{params.timing.refi} * r / org.ranks;
        }
        if (params.refresh == dram_refresh::bank) {
            std::fill(next_due_.begin(), next_due_.end(), never);
            bank_due_ = params.timing.refi_pb;
        }
    }

    // The next batch: this channel's requests (indices into `requests`, in arrival order) and
    // where their completions go. The queues are empty: the last batch was served to its end.
    // `accepted` receives when each enters the queue; `end` grows to the last completion or
    // data transfer.
    void begin(std::span<const dram_request> requests, std::vector<std::uint32_t> order,
               std::span<dram_clock> done, std::span<dram_clock> accepted, dram_clock& end) {
        requests_ = requests;
        order_ = std::move(order);
        next_pending_ = 0;
        done_ = done;
        accepted_ = accepted;
        end_ = &end;
    }

    dram_clock last_issue() const { return last_issue_; }

    bool requests_left() const { return next_pending_ < order_.size() || queued_[0] + queued_[1] > 0; }

    // Finds the next command to issue, advancing through arrivals and refresh deadlines; false
    // when nothing is left (refresh only counts when due before `horizon`).
    bool plan(dram_clock horizon) {
        horizon_ = horizon;
        for (;;) {
            admit();
            update_mode();
            planned_ = choose(horizon);
            const dram_clock next = next_event(horizon);
            if (planned_.clock < next) return true;
            if (next == never) return false;
            now_ = next;  // something arrives or falls due before the best command: look again
            ++epoch_;
        }
    }

    dram_clock planned_clock() const { return planned_.clock; }

    void commit() {
        choice c = planned_;
        now_ = c.clock;
        last_issue_ = c.clock;
        ++epoch_;
        if (c.entry == none)
            touch_rank(c.at.rank);
        else
            touch(entries_[static_cast<std::size_t>(c.entry)].bank);
        const bool refresh = c.command == dram_command::ref, bank_refresh = c.command == dram_command::refb;
        if (c.entry == none) {
            if (refresh) next_due_[c.at.rank] += params_.timing.refi;
            if (bank_refresh) {
                bank_due_ += params_.timing.refi_pb;
                next_refreshed_ = (next_refreshed_ + 1) % static_cast<std::uint32_t>(bank_at_.size());
            }
        } else {
            queued& e = entries_[static_cast<std::size_t>(c.entry)];
            if (!e.decided) {
                count_outcome(c.command);
                e.decided = true;
            }
            if (c.command == dram_command::rd || c.command == dram_command::wr) {
                if (params_.page_policy == dram_page_policy::closed && !row_wanted_by_other(c.entry)) {
                    c.command = c.command == dram_command::rd ? dram_command::rda : dram_command::wra;
                }
            }
        }
        state_.issue(c.command, c.at, c.clock);
        if (c.entry != none && (c.command != dram_command::act && c.command != dram_command::pre)) {
            complete(c);
        }
        const auto k = static_cast<std::size_t>(c.command);
        ++stats_.commands[k];
        ++stats_.channels[channel_].commands[k];
        if (observer_) observer_({c.clock, c.command, channel_, c.at});
        if (refresh) skip_idle_refreshes(c.at.rank, c.clock);
        if (bank_refresh) skip_idle_bank_refreshes(c.clock);
    }

    // Background figures for the channel's ranks from clock 0 up to `end` (they replace what
    // an earlier batch found: the bank state counts from the idle start).
    void account_background(dram_clock end) {
        dram_channel_stats& ch = stats_.channels[channel_];
        ch.active_clocks = 0;
        ch.precharged_clocks = 0;
        for (std::uint32_t r = 0; r < params_.org.ranks; ++r) {
            const dram_clock active = state_.active_clocks(r, end);
            ch.active_clocks += active;
            ch.precharged_clocks += end - active;
        }
    }

private:
    void admit() {
        while (next_pending_ < order_.size()) {
            const std::uint32_t index = order_[next_pending_];
            const dram_request& request = requests_[index];
            const std::size_t q = request.write ? 1 : 0;
            // A full queue holds back even a request that would take no slot, as in DRAMSim3,
            // whose front end asks whether the queue has room before handing a request over.
            if (request.arrival > now_ || queued_[q] == capacity_[q]) return;
            accepted_[index] = now_;
            place(index, request, q);
            ++next_pending_;
        }
    }

    // A request entering the controller: served at once from the write queue, merged into a
    // queued request of its burst, or queued.
    void place(std::uint32_t index, const dram_request& request, std::size_t q) {
        const dram_bank_address a = system_.decode(request.address).bank;
        const dram_organization& org = params_.org;
        const auto bank = (a.rank * org.bankgroups + a.bankgroup) * org.banks_per_group + a.bank;
        const std::uint64_t burst = request.address >> burst_shift_;
        const auto answer_now = [&] {
            done_[index] = now_ + queue_answer_clocks;
            *end_ = std::max(*end_, done_[index]);
        };
        if (q == 0) {
            ++stats_.reads;
            if (params_.write_buffer_reads && queued_[1] > 0 && index_[1].find(burst) != none) {
                ++stats_.buffered_reads;
                answer_now();
                return;
            }
            if (params_.merge_reads && queued_[0] > 0) {
                if (const std::int32_t host = index_[0].find(burst); host != none) {
                    ++stats_.merged_reads;
                    add_rider(host, index);
                    return;
                }
            }
        } else {
            ++stats_.writes;
            if (params_.posted_writes) answer_now();
            if (params_.merge_writes && queued_[1] > 0) {
                if (const std::int32_t host = index_[1].find(burst); host != none) {
                    ++stats_.merged_writes;
                    if (!params_.posted_writes) add_rider(host, index);
                    return;
                }
            }
        }
        enqueue(index, burst, bank, a, q);
    }

    // Whether queue q keeps index_[q]: only when something looks bursts up in it.
    bool indexed(std::size_t q) const {
        return q == 0 ? params_.merge_reads : params_.write_buffer_reads || params_.merge_writes;
    }

    void add_rider(std::int32_t host, std::uint32_t request) {
        std::int32_t id;
        if (rider_free_.empty()) {
            id = static_cast<std::int32_t>(riders_.size());
            riders_.emplace_back();
        } else {
            id = rider_free_.back();
            rider_free_.pop_back();
        }
        queued& e = entries_[static_cast<std::size_t>(host)];
        riders_[static_cast<std::size_t>(id)] = {request, e.riders};
        e.riders = id;
    }

    void enqueue(std::uint32_t index, std::uint64_t burst, std::uint32_t bank, const dram_bank_address& a,
                 std::size_t q) {
        const std::int32_t id = free_.back();
        free_.pop_back();
        queued& e = entries_[static_cast<std::size_t>(id)];
        e = {burst, index, bank, a.row, a.column, none, none, none, now_ + params_.command_delay, false};
        if (indexed(q)) index_[q].set(burst, id);  // the newest of its burst
        bank_list& list = lists_[q][e.bank];
        e.prev = list.tail;
        if (list.tail != none)
            entries_[static_cast<std::size_t>(list.tail)].next = id;
        else
            list.head = id;
        list.tail = id;
        ++queued_[q];
        if (q == cached_queue_) touch(e.bank);
    }

    void dequeue(std::int32_t id, std::size_t q) {
        queued& e = entries_[static_cast<std::size_t>(id)];
        bank_list& list = lists_[q][e.bank];
        if (e.prev != none)
            entries_[static_cast<std::size_t>(e.prev)].next = e.next;
        else
            list.head = e.next;
        if (e.next != none)
            entries_[static_cast<std::size_t>(e.next)].prev = e.prev;
        else
            list.tail = e.prev;
        free_.push_back(id);
        --queued_[q];
        if (indexed(q) && index_[q].find(e.burst) == id) {
            index_[q].erase(e.burst);
            // Unmerged writes of one burst may queue side by side: the newest left takes over.
            if (q == 1 && !params_.merge_writes) {
                std::int32_t newest = none;
                for (std::int32_t o = list.head; o != none; o = entries_[static_cast<std::size_t>(o)].next) {
                    if (entries_[static_cast<std::size_t>(o)].burst == e.burst) newest = o;
                }
                if (newest != none) index_[q].set(e.burst, newest);
            }
        }
    }

    void update_mode() {
        const std::uint32_t reads = queued_[0], writes = queued_[1];
        if (!draining_) {
            const bool idle = reads == 0 && writes > 0 &&
                              (writes > params_.write_idle_drain || next_pending_ == order_.size());
            draining_ = writes >= params_.write_high || idle;
        } else {
            draining_ = !(writes == 0 || (reads > 0 && writes <= params_.write_low));
        }
    }

    // After a REF on an idle channel (no queued request can issue before the next arrival): the
    // rank's next refreshes, due tREFI apart
    // before the next arrival (or, with none left, the batch's last arrival or the horizon),
    // would each issue when due on a rank with every bank closed, changing nothing but the REF
    // count and the rank's background (tRFC active each). All but the last of them are
    // accounted at once, so an idle gap of any length costs O(1); the last issues as usual and
    // leaves the rank's timing state as the whole sequence would. Not with an observer, which
    // asked to see every command.
    void skip_idle_refreshes(std::uint32_t rank, dram_clock issued) {
        // Writes held back below write_idle_drain wait for the next arrival as well.
        const bool quiet = queued_[0] == 0 && (queued_[1] == 0 || !draining_);
        if (observer_ || !quiet || state_.rank_active(rank)) return;
        dram_clock until = horizon_;
        if (next_pending_ < order_.size()) {
            until = std::min(until, requests_[order_[next_pending_]].arrival);
        } else if (!requests_.empty()) {
            // Refresh goes on at least until the batch's last request has arrived and completed.
            until = std::min(until, requests_.back().arrival);
        }
        const dram_clock refi = params_.timing.refi, next = next_due_[rank];
        // The next REF must not wait for this one's tRFC: then every one issues when due.
        if (until == never || next >= until || issued + params_.timing.rfc > next) return;
        const dram_clock skipped = (until - 1 - next) / refi;  // due next + k tREFI < until: k <= skipped
        if (skipped < 1) return;
        next_due_[rank] += skipped * refi;
        const auto k = static_cast<std::size_t>(dram_command::ref);
        stats_.commands[k] += static_cast<std::uint64_t>(skipped);
        stats_.channels[channel_].commands[k] += static_cast<std::uint64_t>(skipped);
        state_.add_idle_refreshes(rank, skipped, params_.timing.rfc);
    }

    // The bank whose per-bank refresh is next: DRAMSim3's order, bank group fastest, then bank,
    // then rank.
    std::uint32_t refreshed_bank() const {
        const dram_organization& org = params_.org;
        const auto per_rank = static_cast<std::uint32_t>(org.banks_per_rank());
        const std::uint32_t rank = next_refreshed_ / per_rank, within = next_refreshed_ % per_rank;
        return (rank * org.bankgroups + within % org.bankgroups) * org.banks_per_group + within / org.bankgroups;
    }

    // The per-bank counterpart of skip_idle_refreshes, after a REFB with every bank of the
    // channel closed and nothing to serve before the next arrival: the REFBs due refi_pb apart
    // before it would each issue when due (their bank closed, its last REFB long done as
    // refi_pb > rfc_pb), changing nothing but counts and each rank's background (tRFCpb each,
    // never overlapping). All but the last are counted at once.
    void skip_idle_bank_refreshes(dram_clock issued) {
        const bool quiet = queued_[0] == 0 && (queued_[1] == 0 || !draining_);
        if (observer_ || !quiet) return;
        const dram_organization& org = params_.org;
        for (std::uint32_t r = 0; r < org.ranks; ++r) {
            if (state_.rank_active(r)) return;
        }
        dram_clock until = horizon_;
        if (next_pending_ < order_.size()) {
            until = std::min(until, requests_[order_[next_pending_]].arrival);
        } else if (!requests_.empty()) {
            until = std::min(until, requests_.back().arrival);
        }
        const dram_timing& t = params_.timing;
        const dram_clock refi = t.refi_pb, next = bank_due_;
        // The next REFB's bank may have closed up to tRP before this one: it must not wait.
        if (until == never || next >= until || issued + std::max(t.rfc_pb, t.rp) > next) return;
        const dram_clock skipped = (until - 1 - next) / refi;
        if (skipped < 1) return;
        const auto banks = static_cast<dram_clock>(bank_at_.size());
        const auto per_rank = static_cast<dram_clock>(org.banks_per_rank());
        // The skipped REFBs go round the banks from next_refreshed_: whole rounds, then a part.
        std::vector<dram_clock> per(org.ranks, (skipped / banks) * per_rank);
        for (dram_clock i = 0; i < skipped % banks; ++i) ++per[static_cast<std::size_t>((next_refreshed_ + i) % banks / per_rank)];
        for (std::uint32_t r = 0; r < org.ranks; ++r) state_.add_idle_refreshes(r, per[r], t.rfc_pb);
        bank_due_ += skipped * refi;
        next_refreshed_ = static_cast<std::uint32_t>((next_refreshed_ + skipped) % banks);
        const auto k = static_cast<std::size_t>(dram_command::refb);
        stats_.commands[k] += static_cast<std::uint64_t>(skipped);
        stats_.channels[channel_].commands[k] += static_cast<std::uint64_t>(skipped);
    }

    bool bank_refresh_due(dram_clock horizon) const { return bank_due_ <= now_ && bank_due_ < horizon; }

    bool refresh_due(std::uint32_t rank, dram_clock horizon) const {
        return next_due_[rank] <= now_ && next_due_[rank] < horizon;
    }

    choice choose(dram_clock horizon) {
        choice best;
        bool any_due = false;
        for (std::uint32_t r = 0; r < params_.org.ranks; ++r) {
            if (!refresh_due(r, horizon)) continue;
            any_due = true;
            choice c;
            c.command = state_.rank_active(r) ? dram_command::prea : dram_command::ref;
            c.at.rank = r;
            c.clock = ready(c.command, c.at);
            c.rank_class = 0;
            if (c.better_than(best)) best = c;
        }
        // A bank due for its per-bank refresh is closed (PRE) and refreshed before it serves
        // again; the others go on.
        std::uint32_t refreshing = none_bank;
        if (bank_refresh_due(horizon)) {
            refreshing = refreshed_bank();
            choice c;
            c.at = bank_at_[refreshing];
            c.command = state_.open_row(c.at) ? dram_command::pre : dram_command::refb;
            c.clock = ready(c.command, c.at);
            c.rank_class = 0;
            if (c.better_than(best)) best = c;
        }
        const std::size_t q = draining_ ? 1 : 0;
        if (q != cached_queue_ || !lazy_) {
            for (std::uint32_t b = 0; b < bound_.size(); ++b) touch(b);
            cached_queue_ = q;
        }
        if (queued_[q] == 0) return best;
        // Ready clocks only grow, so a bank's last answer bounds its next one from below: a bank
        // is asked again only when that bound could beat the best answer so far.
        std::uint32_t found = none_bank;
        dram_clock found_clock = never;
        std::uint64_t found_tie = std::numeric_limits<std::uint64_t>::max();
        // No command goes before now_ or on the command bus's last clock: a firmer bound.
        const dram_clock floor = std::max(now_, last_issue_ + 1);
        const auto below_found = [&](const bank_bound& c) {
            const dram_clock clock = std::max(c.clock, floor);
            return clock < found_clock || (clock == found_clock && c.tie < found_tie);
        };
        const auto banks = static_cast<std::uint32_t>(bound_.size());
        for (std::uint32_t b = 0; b < banks; ++b) {
            const bank_bound& c = bound_[b];
            if (!below_found(c)) continue;
            if (any_due && refresh_due(bank_at_[b].rank, horizon)) continue;  // refresh first
            if (b == refreshing) continue;
            if (exact_at_[b] != epoch_) {
                evaluate(b, q);
                if (!below_found(c)) continue;
            }
            found = b;
            found_clock = std::max(c.clock, floor);
            found_tie = c.tie;
        }
        if (found == none_bank) return best;
        const choice c = choice_of(found);
        if (c.better_than(best)) best = c;
        return best;
    }

    // The oldest row hit of a bank if it has one (FR-FCFS keeps an open row while it serves
    // requests); otherwise its oldest request, which needs a PRE or an ACT.
    void evaluate(std::uint32_t bank, std::size_t q) {
        exact_at_[bank] = epoch_;
        bank_bound& c = bound_[bank];
        const bank_list& list = lists_[q][bank];
        if (list.head == none) {
            c = bank_bound{};  // never chosen: no bound is below it
            return;
        }
        dram_bank_address at = bank_at_[bank];
        const std::optional<std::uint32_t> open = state_.open_row(at);
        c.entry = list.head;
        bool hit = false;
        if (open) {
            for (std::int32_t id = list.head; id != none; id = entries_[static_cast<std::size_t>(id)].next) {
                if (entries_[static_cast<std::size_t>(id)].row == *open) {
                    c.entry = id;
                    hit = true;
                    break;
                }
            }
        }
        const queued& e = entries_[static_cast<std::size_t>(c.entry)];
        at.row = e.row;
        if (hit)
            c.command = q == 1 ? dram_command::wr : dram_command::rd;
        else
            c.command = open ? dram_command::pre : dram_command::act;
        c.tie = (std::uint64_t{hit ? 1u : 2u} << 32) | e.request;
        c.clock = std::max(ready(c.command, at), e.first_command);
    }

    choice choice_of(std::uint32_t bank) const {
        const bank_bound& c = bound_[bank];
        const queued& e = entries_[static_cast<std::size_t>(c.entry)];
        choice out;
        out.clock = c.clock;
        out.rank_class = static_cast<int>(c.tie >> 32);
        out.request = e.request;
        out.command = c.command;
        out.at = bank_at_[bank];
        out.at.row = e.row;
        out.at.column = e.column;
        out.entry = c.entry;
        return out;
    }

    // Bank b's answer may have changed in ways a bound cannot tell: ask it again.
    void touch(std::uint32_t b) {
        bound_[b].clock = std::numeric_limits<dram_clock>::min();
        bound_[b].tie = 0;
        exact_at_[b] = 0;
    }

    void touch_rank(std::uint32_t rank) {
        const auto per_rank = static_cast<std::uint32_t>(params_.org.banks_per_rank());
        for (std::uint32_t b = rank * per_rank; b < (rank + 1) * per_rank; ++b) touch(b);
    }

    dram_clock ready(dram_command command, const dram_bank_address& at) const {
        const std::optional<dram_clock> t = state_.earliest(command, at, now_);
        if (!t) {
            throw internal_error(fmt::format("DRAM scheduler chose {} that the bank state forbids",
                                             dram_command_name(command)));
        }
        return *t;
    }

    dram_clock next_event(dram_clock horizon) const {
        dram_clock next = never;
        if (next_pending_ < order_.size()) {
            const dram_request& request = requests_[order_[next_pending_]];
            const std::size_t q = request.write ? 1 : 0;
            // A full queue frees a slot only when a command issues, which ends this planning.
            if (queued_[q] < capacity_[q]) next = std::max(request.arrival, now_ + 1);
        }
        for (std::uint32_t r = 0; r < params_.org.ranks; ++r) {
            if (next_due_[r] > now_ && next_due_[r] < horizon) next = std::min(next, next_due_[r]);
        }
        if (bank_due_ > now_ && bank_due_ < horizon) next = std::min(next, bank_due_);
        return next;
    }

    // Closed-page policy keeps a row open only for requests already waiting for it.
    bool row_wanted_by_other(std::int32_t id) const {
        const queued& e = entries_[static_cast<std::size_t>(id)];
        for (const auto& lists : lists_) {
            for (std::int32_t o = lists[e.bank].head; o != none;
                 o = entries_[static_cast<std::size_t>(o)].next) {
                if (o != id && entries_[static_cast<std::size_t>(o)].row == e.row) return true;
            }
        }
        return false;
    }

    void count_outcome(dram_command first) {
        const dram_row_outcome o = first == dram_command::act   ? dram_row_outcome::miss
                                   : first == dram_command::pre ? dram_row_outcome::conflict
                                                                : dram_row_outcome::hit;
        ++stats_.outcomes[static_cast<std::size_t>(o)];
    }

    // The request's data has moved: it completes (a posted write did already) and so do its
    // riders.
    void complete(const choice& c) {
        const queued& e = entries_[static_cast<std::size_t>(c.entry)];
        const dram_clock finished = state_.data_end(c.command, c.clock);
        const bool write = c.command == dram_command::wr || c.command == dram_command::wra;
        if (!(write && params_.posted_writes)) done_[e.request] = finished;
        for (std::int32_t r = e.riders; r != none;) {
            const rider& m = riders_[static_cast<std::size_t>(r)];
            done_[m.request] = finished;
            rider_free_.push_back(r);
            r = m.next;
        }
        *end_ = std::max(*end_, finished);
        dequeue(c.entry, write ? 1 : 0);
    }

    const dram_system& system_;
    const dram_params& params_;
    dram_state& state_;
    std::uint32_t channel_;
    std::span<const dram_request> requests_;
    std::vector<std::uint32_t> order_;  // this channel's requests in arrival order
    std::size_t next_pending_ = 0;
    std::span<dram_clock> done_, accepted_;
    dram_clock* end_ = nullptr;
    dram_stats& stats_;
    const std::function<void(const dram_issued&)>& observer_;

    std::vector<queued> entries_;
    std::vector<std::int32_t> free_;
    std::array<dram_burst_index, 2> index_;  // read, write queue: the newest queued entry of a burst
    std::uint32_t burst_shift_;               // log2(burst_bytes)
    std::vector<rider> riders_;
    std::vector<std::int32_t> rider_free_;
    std::array<std::vector<bank_list>, 2> lists_;  // read, write queue: per bank
    std::array<std::uint32_t, 2> queued_{}, capacity_{};
    std::vector<dram_bank_address> bank_at_;
    std::vector<dram_clock> next_due_;  // per rank: when its next REF falls due
    dram_clock bank_due_ = never;       // per-bank refresh: when the next REFB falls due
    std::uint32_t next_refreshed_ = 0;  // and its place in the order of refreshed_bank()
    dram_clock now_ = 0;
    dram_clock last_issue_ = -1;
    dram_clock horizon_ = never;  // of the last plan()
    bool draining_ = false;
    choice planned_;
    // Per bank of the queue being served: its last answer, exact when computed at epoch_.
    bool lazy_ = true;
    std::size_t cached_queue_ = 0;
    std::uint64_t epoch_ = 1;
    std::vector<bank_bound> bound_;
    std::vector<std::uint64_t> exact_at_;
};

}  // namespace

dram_system::dram_system(const dram_params& params) : params_(params) {
    const dram_organization& org = params.org;
    require_power_of_two(org.channels, "organization.channels");
    require_power_of_two(org.ranks, "organization.ranks");
    require_power_of_two(org.bankgroups, "organization.bankgroups");
    require_power_of_two(org.banks_per_group, "organization.banks_per_group");
    require_power_of_two(org.rows, "organization.rows");
    require_power_of_two(org.columns, "organization.columns");
    require_power_of_two(org.burst_bytes, "organization.burst_bytes");
    validate_controller(params);

    const std::string& mapping = params.address_mapping;
    const std::string expected =
        "six two-letter fields naming each of ro, ch, ra, bg, ba, co once, most "
        "significant first, such as \"rochrababgco\"";
    if (mapping.size() != 12) {
        throw config_error(fmt::format("expected {}, got \"{}\"", expected, mapping),
                           {.key = "controller.address_mapping"});
    }
    const std::array<std::uint32_t, 6> sizes{org.rows,       org.channels,        org.ranks,
                                             org.bankgroups, org.banks_per_group, org.columns};
    std::array<bool, 6> seen{};
    offset_bits_ = log2_of(org.burst_bytes);
    std::uint32_t shift = offset_bits_;
    // Least significant field first: the last two letters.
    for (std::size_t i = 6; i-- > 0;) {
        const std::string_view name = std::string_view(mapping).substr(2 * i, 2);
        const auto* found = std::find(level_names.begin(), level_names.end(), name);
        if (found == level_names.end() || seen[static_cast<std::size_t>(found - level_names.begin())]) {
            throw config_error(fmt::format("expected {}, got \"{}\": '{}' {}", expected, mapping, name,
                                           found == level_names.end() ? "is not a field" : "appears twice"),
                               {.key = "controller.address_mapping"});
        }
        const auto level = static_cast<std::size_t>(found - level_names.begin());
        seen[level] = true;
        const std::uint32_t bits = log2_of(sizes[level]);
        fields_[level] = {shift, (std::uint64_t{1} << bits) - 1};
        shift += bits;
    }
    if (shift >= 64) {
        throw config_error(fmt::format("the capacity is 2^{} bytes: addresses must fit in 64 bits", shift),
                           {.key = "organization"});
    }
}

dram_address dram_system::decode(std::uint64_t address) const {
    const auto field = [&](level l) {
        return static_cast<std::uint32_t>((address >> fields_[l].shift) & fields_[l].mask);
    };
    dram_address a;
    a.channel = field(channel_level);
    a.bank = {field(rank_level), field(group_level), field(bank_level), field(row_level),
              field(column_level)};
    return a;
}

struct dram_system::session {
    std::vector<dram_state> states;  // per channel; the controllers refer to them
    std::vector<channel_controller> controllers;
    dram_clock end = 0;           // the last completion so far
    dram_clock last_arrival = 0;  // of the requests served so far
};

dram_system::~dram_system() = default;

void dram_system::start_session() {
    stats_ = {};
    stats_.channels.assign(params_.org.channels, {});
    session_ = std::make_unique<session>();
    session_->states.reserve(params_.org.channels);
    session_->controllers.reserve(params_.org.channels);
    for (std::uint32_t c = 0; c < params_.org.channels; ++c) {
        session_->states.emplace_back(params_);
        session_->controllers.emplace_back(*this, params_, session_->states.back(), c, stats_, observer_);
    }
}

// Refuses what the trace reader should already have refused.
std::vector<std::vector<std::uint32_t>> dram_system::split_by_channel(
    std::span<const dram_request> batch) const {
    if (batch.size() > std::numeric_limits<std::uint32_t>::max()) {
        throw user_error(fmt::format("{} DRAM requests in one run; at most 2^32 - 1", batch.size()), {});
    }
    const std::uint64_t capacity = params_.org.capacity_bytes();
    std::vector<std::vector<std::uint32_t>> order(params_.org.channels);
    dram_clock previous = session_->last_arrival;
    for (std::uint32_t i = 0; i < batch.size(); ++i) {
        const dram_request& r = batch[i];
        if (r.address >= capacity) {
            throw user_error(fmt::format("DRAM request {}: address {:#x} is beyond the capacity of {} bytes",
                                         i, r.address, capacity),
                             {});
        }
        if (r.arrival < 0 || r.arrival < previous) {
            throw user_error(fmt::format("DRAM request {}: arrival {} is {}", i, r.arrival,
                                         r.arrival < 0 ? "negative" : "before the previous request's"),
                             {});
        }
        previous = r.arrival;
        order[decode(r.address).channel].push_back(i);
    }
    return order;
}

std::vector<dram_clock> dram_system::run(std::span<const dram_request> requests) {
    session_.reset();
    return serve(requests);
}

std::vector<dram_clock> dram_system::serve(std::span<const dram_request> batch) {
    if (!session_) start_session();
    if (batch.empty()) return {};
    std::vector<std::vector<std::uint32_t>> order = split_by_channel(batch);
    session& s = *session_;
    s.last_arrival = batch.back().arrival;
    std::vector<dram_clock> done(batch.size(), 0);
    accepted_.assign(batch.size(), 0);
    std::vector<channel_controller>& controllers = s.controllers;
    for (std::size_t c = 0; c < controllers.size(); ++c) {
        controllers[c].begin(batch, std::move(order[c]), done, accepted_, s.end);
    }

    // Issue in clock order across channels; once every request is served, refresh goes on only
    // for deadlines before the last completion, and background is taken up to that clock
    // before any later command (a refresh's PREA, say) could reach past it.
    dram_clock& end = s.end;
    std::vector<bool> planned(controllers.size()), accounted(controllers.size());
    for (;;) {
        const bool serving = std::any_of(controllers.begin(), controllers.end(),
                                         [](const channel_controller& c) { return c.requests_left(); });
        const dram_clock horizon = serving ? never : end;
        std::size_t pick = controllers.size();
        for (std::size_t c = 0; c < controllers.size(); ++c) {
            planned[c] = controllers[c].plan(horizon);
            if (planned[c] && (pick == controllers.size() ||
                               controllers[c].planned_clock() < controllers[pick].planned_clock())) {
                pick = c;
            }
        }
        if (pick == controllers.size()) break;
        if (!serving && controllers[pick].planned_clock() > end && !accounted[pick]) {
            controllers[pick].account_background(end);
            accounted[pick] = true;
        }
        controllers[pick].commit();
    }
    // A channel idle in this batch may have issued an earlier batch's late refresh after this
    // end: its background then reaches that command.
    for (std::size_t c = 0; c < controllers.size(); ++c) {
        if (!accounted[c]) controllers[c].account_background(std::max(end, controllers[c].last_issue()));
    }
    stats_.active_clocks = 0;
    stats_.precharged_clocks = 0;
    for (const dram_channel_stats& ch : stats_.channels) {
        stats_.active_clocks += ch.active_clocks;
        stats_.precharged_clocks += ch.precharged_clocks;
    }
    stats_.end = end;
    return done;
}

}  // namespace fluxon
