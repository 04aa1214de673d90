#include "engine/event_engine.hpp"

#include <algorithm>
#include <chrono>
#include <limits>

#include <fmt/format.h>

#include "engine/base/errors.hpp"
#include "engine/parallel_chooser.hpp"
#include "engine/shard_workers.hpp"

namespace fluxon {

class alignas(64) event_engine::shard final : public unit_context {
public:
    shard(event_engine& owner, int index) : owner_(owner), index_(index) {}

    tick_t now() const override { return now_; }
    tick_t window_end() const override { return end_; }

    void schedule_self(unit_id self, tick_t at, priority_class priority, std::uint32_t port,
                       double value) override {
        if (at < now_) {
            throw internal_error(fmt::format("unit {} scheduled an event at tick {} before now ({})",
                                             self, at, now_));
        }
        queue_.push(event{at, priority, self, owner_.units_[self].object->next_sequence(), self, port, value});
    }

    void send(std::uint32_t link_index, double value, tick_t delay) override {
        const link& l = owner_.links_[link_index];
        event ev{now_ + delay + l.latency, priority_class::device, l.source,
                 owner_.units_[l.source].object->next_sequence(), l.target, l.port, value};
        if (owner_.units_[l.target].shard == index_) {
            queue_.push(ev);
        } else {
            outbox_.push_back(ev);
        }
    }

    void start_units() {
        for (unit_id id : members_) owner_.units_[id].object->start(*this);
    }

    void run_window(tick_t start, tick_t end) {
        end_ = end;
        now_ = start;
        for (unit_id id : members_) owner_.units_[id].object->on_window_start(start);
        while (!queue_.empty() && queue_.top().time < end) {
            const event ev = queue_.top();
            queue_.pop();
            now_ = ev.time;
            owner_.units_[ev.target].object->handle(ev, *this);
            ++processed_;
        }
        now_ = end;
    }

    tick_t next_time() const {
        return queue_.empty() ? std::numeric_limits<tick_t>::max() : queue_.top().time;
    }

    std::vector<unit_id> members_;
    std::priority_queue<event, std::vector<event>, event_later> queue_;
    std::vector<event> outbox_;
    std::int64_t processed_ = 0;

private:
    event_engine& owner_;
    int index_;
    tick_t now_ = 0, end_ = 0;
};

event_engine::event_engine(int shards) : lookahead_cap_(std::numeric_limits<tick_t>::max()) {
    if (shards < 1) throw user_error(fmt::format("the number of shards must be >= 1, got {}", shards), {});
    for (int s = 0; s < shards; ++s) shards_.push_back(std::make_unique<shard>(*this, s));
}

event_engine::~event_engine() = default;

unit_id event_engine::add_unit(std::unique_ptr<unit> u, int shard_index) {
    if (shard_index < 0 || shard_index >= shards()) {
        throw internal_error(fmt::format("shard {} does not exist", shard_index));
    }
    const auto id = static_cast<unit_id>(units_.size());
    u->assign_id(id);
    units_.push_back(unit_slot{std::move(u), shard_index});
    shards_[shard_index]->members_.push_back(id);
    return id;
}

std::uint32_t event_engine::add_link(const link& l) {
    if (l.source >= units_.size() || l.target >= units_.size()) {
        throw internal_error("link between units that do not exist");
    }
    if (l.latency <= 0) {
        throw user_error(fmt::format("a link needs a latency of at least one tick, got {}", l.latency), {});
    }
    links_.push_back(l);
    return static_cast<std::uint32_t>(links_.size() - 1);
}

void event_engine::limit_lookahead(tick_t ticks) {
    if (ticks <= 0) throw internal_error("lookahead must be positive");
    lookahead_cap_ = std::min(lookahead_cap_, ticks);
}

tick_t event_engine::lookahead() const {
    // Every link counts, crossing shards or not, so that windows (and with them the order in
    // which deliveries are summed) are the same for any number of threads.
    tick_t la = lookahead_cap_;
    for (const auto& l : links_) la = std::min(la, l.latency);
    return la;
}

std::int64_t event_engine::events_processed() const {
    std::int64_t n = 0;
    for (const auto& s : shards_) n += s->processed_;
    return n;
}

tick_t event_engine::run(tick_t t_end, int threads, const std::function<bool(tick_t)>& window_done) {
    if (started_) throw user_error("this simulation has already been run", {});
    started_ = true;
    for (auto& s : shards_) s->start_units();
    const tick_t la = lookahead();
    std::unique_ptr<shard_workers> workers;
    if (threads > 1 && shards_.size() > 1) {
        workers = std::make_unique<shard_workers>(
            shards_.size(), [this](std::size_t s, tick_t start, tick_t end) { shards_[s]->run_window(start, end); });
    }
    parallel_chooser chooser;
    tick_t t = 0;
    while (t < t_end) {
        tick_t next = std::numeric_limits<tick_t>::max();
        for (const auto& s : shards_) next = std::min(next, s->next_time());
        if (next >= t_end) {  // nothing left to do before the end
            t = t_end;
            window_done(t);
            break;
        }
        const tick_t start = std::max(t, next);
        const tick_t end = (t_end - start > la) ? start + la : t_end;
        const auto t0 = std::chrono::steady_clock::now();
        if (workers && chooser.parallel()) {
            workers->run(start, end);
        } else {
            for (auto& s : shards_) s->run_window(start, end);
        }
        if (workers) chooser.record(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
        for (auto& s : shards_) {
            for (const event& ev : s->outbox_) shards_[units_[ev.target].shard]->queue_.push(ev);
            s->outbox_.clear();
        }
        ++windows_;
        t = end;
        if (!window_done(t)) break;
    }
    parallel_windows_ = chooser.parallel_windows();
    return t;
}

}  // namespace fluxon
