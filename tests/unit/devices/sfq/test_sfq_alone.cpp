// An SFQ circuit with its own input trains and no network runs through the one pipeline
// (`fluxon run` of a config holding only [run] and [sfq]) and gives exactly the pulses of the
// pulse simulator run on its own (sfq::simulate), here on the 4-bit adder of
// examples/sfq/adder4.toml. Without a duration the run lasts until the circuit's last pulse.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "devices/sfq/plugin/sfq_circuit.hpp"
#include "devices/sfq/pulse_sim.hpp"
#include "tests/unit/common/sfq_run.hpp"

using namespace fluxon;
using namespace fluxon::test;

namespace {

const std::string adder = std::string(FLUXON_SOURCE_DIR) + "/examples/sfq/adder4.toml";

sfq::sim_result simulate_alone(const sfq_circuit& c) {
    sfq::sim_options o;
    o.seed = c.seed;
    o.jitter = c.jitter;
    o.stop = c.stop;
    return sfq::simulate(c.net, c.library.params, o);
}

}  // namespace

TEST_CASE("sfq family: a circuit alone runs in the one pipeline with the simulator's own pulses") {
    const auto spec = io::parse_config_text("[run]\ntime_base = \"fs\"\ndt = \"1 ps\"\nduration = \"20 ns\"\n"
                                            "[sfq]\ncircuit = \"" + adder + "\"\ninputs = {}\n",
                                            "alone.toml");
    CHECK(spec.network.populations.empty());
    simulation sim = simulate(spec);
    const run_result r = sim.run();
    CHECK(r.time_reached == 20e-9);

    const sfq_circuit circuit = load_sfq_circuit(adder);
    const sfq::sim_result expected = simulate_alone(circuit);
    const auto pins = column<std::string>(r, "sfq", "outputs", "pin");
    const auto times = column<std::int64_t>(r, "sfq", "outputs", "time_fs");
    std::map<std::string, std::vector<std::int64_t>> got;
    for (std::size_t i = 0; i < pins.size(); ++i) got[pins[i]].push_back(times[i]);
    REQUIRE(circuit.net.outputs.size() == 5);  // s0..s3 and cout
    for (std::size_t k = 0; k < circuit.net.outputs.size(); ++k) {
        const std::string& name = circuit.net.outputs[k].name;
        CAPTURE(name);
        std::vector<std::int64_t> want(expected.outputs[k].begin(), expected.outputs[k].end());
        std::sort(got[name].begin(), got[name].end());
        CHECK(got[name] == want);
    }
    // 128 sums on each bit; the carry is set in 120 of the 256 additions; the first sum bit
    // at (0 + 0 + 2) x 50 ps + 28 ps = 128 ps would be for v = 0, which adds nothing: the
    // first pulse of s0 is vector 1's, at (1 + 2) x 50 ps + 28 ps = 178 ps.
    CHECK(got["s0"].size() == 128);
    CHECK(got["cout"].size() == 120);
    CHECK(got["s0"].front() == 178000);
    CHECK(count(r, "sfq", "events") == static_cast<std::int64_t>(expected.events));
    std::uint64_t firings = 0;
    for (const std::uint64_t f : expected.firings) firings += f;
    CHECK(count(r, "sfq", "firings") == static_cast<std::int64_t>(firings));
}

TEST_CASE("sfq family: without a duration a circuit alone runs to its last pulse, biased until then") {
    const sfq_outcome o = run_sfq_file(adder);
    const sfq::sim_result expected = simulate_alone(load_sfq_circuit(adder));
    CHECK(o.end == expected.end);
    // The last carry, vector 255's at (255 + 12) x 50 ps + 29.5 ps, is not the last pulse: the
    // clock tree still delivers pulses after it.
    REQUIRE(o.outputs.size() == 5);
    CHECK(o.outputs[4].name == "cout");
    CHECK(o.outputs[4].times.back() == 267 * 50'000 + 29'500);
    CHECK(expected.end > o.outputs[4].times.back());
    // The run lasts exactly until the last pulse (dt = 1 fs): the bias is charged over it.
    simulation sim = simulate(io::parse_config_text(sfq_alone_config("circuit = \"" + adder + "\""), "alone.toml"));
    CHECK(sim.duration() == static_cast<double>(expected.end) * 1e-15);
}

TEST_CASE("sfq family: a circuit fed by the network does not run ahead without a duration") {
    // With populations the run keeps its duration (1 s by default): run_alone is not asked.
    const auto spec = io::parse_config_text(
            "[run]\ntime_base = \"fs\"\ndt = \"1 ps\"\n"
            "[populations.src]\nsize = 1\nmodel = \"spike_times\"\ntimes = [\"5 ps\"]\nids = [0]\n"
            "[sfq]\ncircuit = \"" + adder + "\"\ninputs = {}\n",
            "fed.toml");
    simulation sim = simulate(spec);
    CHECK(sim.duration() == 1.0);
}
