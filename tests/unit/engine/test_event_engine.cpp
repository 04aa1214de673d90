#include <doctest/doctest.h>

#include <memory>

#include "tests/unit/common/pulse_relay.hpp"
#include "engine/base/errors.hpp"
#include "engine/event_engine.hpp"

using namespace fluxon;

namespace {

struct chain {
    event_engine engine;
    pulse_sink* sink = nullptr;
    pulse_relay* first = nullptr;

    // source -(3 ps)-> relay -(5 ps)-> relay -(2 ps)-> sink, with each unit on a shard in turn.
    explicit chain(int shards, std::vector<tick_t> times) : engine(shards) {
        auto src = std::make_unique<pulse_source>(std::move(times));
        auto r1 = std::make_unique<pulse_relay>();
        auto r2 = std::make_unique<pulse_relay>();
        auto snk = std::make_unique<pulse_sink>();
        auto* s = src.get();
        first = r1.get();
        auto* second = r2.get();
        sink = snk.get();
        const unit_id a = engine.add_unit(std::move(src), 0);
        const unit_id b = engine.add_unit(std::move(r1), 1 % shards);
        const unit_id c = engine.add_unit(std::move(r2), 0);
        const unit_id d = engine.add_unit(std::move(snk), 1 % shards);
        s->add_output(engine.add_link({a, b, 0, 3}));
        first->add_output(engine.add_link({b, c, 0, 5}));
        second->add_output(engine.add_link({c, d, 0, 2}));
    }
};

}  // namespace

TEST_CASE("pulse relay: pulses cross a chain of links at picosecond resolution") {
    for (int shards : {1, 2}) {
        chain c(shards, {0, 1, 7, 1000, 1000});
        CHECK(c.engine.lookahead() == 2);
        const tick_t reached = c.engine.run(2000, shards, [](tick_t) { return true; });
        CHECK(reached == 2000);
        const auto& a = c.sink->arrivals();
        REQUIRE(a.size() == 5);
        const tick_t expected[] = {10, 11, 17, 1010, 1010};
        for (std::size_t k = 0; k < 5; ++k) CHECK(a[k].time == expected[k]);
        CHECK(c.first->pulses() == 5);
    }
}

TEST_CASE("pulse relay: a pulse due exactly at the end is not processed") {
    chain c(2, {0, 90});
    c.engine.run(100, 2, [](tick_t) { return true; });
    REQUIRE(c.sink->arrivals().size() == 1);  // the second would arrive at 100
    CHECK(c.sink->arrivals()[0].time == 10);
}

TEST_CASE("engine: events at the same tick are ordered by source, not by insertion") {
    event_engine engine(2);
    auto sink = std::make_unique<pulse_sink>();
    auto* snk = sink.get();
    // Two sources on different shards fire at the same tick; the sink sees them by source id.
    auto s0 = std::make_unique<pulse_source>(std::vector<tick_t>{5}, std::vector<double>{1.0});
    auto s1 = std::make_unique<pulse_source>(std::vector<tick_t>{5}, std::vector<double>{2.0});
    auto* p0 = s0.get();
    auto* p1 = s1.get();
    const unit_id d = engine.add_unit(std::move(sink), 0);
    const unit_id b = engine.add_unit(std::move(s1), 1);  // lower id than the other source
    const unit_id a = engine.add_unit(std::move(s0), 0);
    p0->add_output(engine.add_link({a, d, 0, 4}));
    p1->add_output(engine.add_link({b, d, 1, 4}));
    engine.run(100, 2, [](tick_t) { return true; });
    REQUIRE(snk->arrivals().size() == 2);
    CHECK(snk->arrivals()[0].from == b);
    CHECK(snk->arrivals()[0].value == 2.0);
    CHECK(snk->arrivals()[1].from == a);
}

TEST_CASE("engine: a link without latency is refused") {
    event_engine engine(1);
    const unit_id a = engine.add_unit(std::make_unique<pulse_relay>(), 0);
    CHECK_THROWS_AS(engine.add_link({a, a, 0, 0}), user_error);
}
