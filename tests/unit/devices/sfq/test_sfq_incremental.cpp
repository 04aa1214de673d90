// The pulse simulator driven step by step (sfq::pulse_simulator), as the [sfq] family drives
// it window by window: advancing in many steps, or injecting a circuit's input train pulse by
// pulse, gives the pulses of one run to completion.
#include <doctest/doctest.h>

#include <algorithm>
#include <limits>
#include <tuple>
#include <vector>

#include "devices/sfq/plugin/sfq_circuit.hpp"
#include "devices/sfq/pulse_sim.hpp"

namespace {

using namespace fluxon;

constexpr tick_t forever = std::numeric_limits<tick_t>::max();

void check_same(const sfq::sim_result& a, const sfq::sim_result& b) {
    CHECK(a.outputs == b.outputs);
    CHECK(a.recorded == b.recorded);
    CHECK(a.firings == b.firings);
    CHECK(a.events == b.events);
    CHECK(a.end == b.end);
    CHECK(a.violations.size() == b.violations.size());
}

TEST_CASE("sfq incremental: the adder advanced in 7 ps steps gives the pulses of one run") {
    const sfq_circuit c = load_sfq_circuit(FLUXON_SOURCE_DIR "/examples/sfq/adder4.toml");
    sfq::sim_options o;
    o.stop_on_violation = true;
    const sfq::sim_result whole = sfq::simulate(c.net, c.library.params, o);
    sfq::pulse_simulator stepped(c.net, c.library.params, o);
    for (tick_t t = 0; t < whole.end + 7000; t += 7000) {
        stepped.advance_to(t);
        CHECK(stepped.now() == t);
    }
    stepped.advance_to(forever);
    CHECK(whole.events == 21084);
    check_same(stepped.take(), whole);
}

TEST_CASE("sfq incremental: injected pulses equal the circuit's own input trains") {
    // The adder with its input trains, against the same netlist without them and every train
    // pulse injected just before it is due.
    const sfq_circuit c = load_sfq_circuit(FLUXON_SOURCE_DIR "/examples/sfq/adder4.toml");
    sfq::sim_options o;
    const sfq::sim_result whole = sfq::simulate(c.net, c.library.params, o);
    sfq::netlist bare = c.net;
    bare.inputs.clear();
    sfq::pulse_simulator sim(bare, c.library.params, o);
    std::vector<std::tuple<tick_t, std::uint32_t, std::uint8_t>> pulses;
    for (const sfq::input_train& in : c.net.inputs) {
        for (const tick_t t : in.times) pulses.emplace_back(t, in.to.instance, in.to.port);
    }
    std::sort(pulses.begin(), pulses.end());
    for (const auto& [t, instance, port] : pulses) {
        sim.advance_to(t);
        sim.inject(t, instance, port);
    }
    sim.advance_to(forever);
    check_same(sim.take(), whole);
}

TEST_CASE("sfq incremental: a pulse before the time advanced to is an internal error") {
    const sfq_circuit c = load_sfq_circuit(FLUXON_SOURCE_DIR "/examples/sfq/adder4.toml");
    sfq::pulse_simulator sim(c.net, c.library.params, {});
    sim.advance_to(1000);
    CHECK_NOTHROW(sim.inject(1000, 0, 0));
    CHECK_THROWS_AS(sim.inject(999, 0, 0), internal_error);
    CHECK_THROWS_AS(sim.inject(2000, 0, 200), internal_error);
}

}  // namespace
