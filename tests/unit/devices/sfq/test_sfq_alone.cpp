// An SFQ circuit with its own input trains and no network runs through the one pipeline
// (`fluxon run` of a config holding only [run] and [sfq]) and gives exactly the pulses of the
// stand-alone circuit run (`fluxon sfq`), here on the 4-bit adder of examples/sfq/adder4.toml.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "engine/simulation.hpp"
#include "io/config.hpp"
#include "io/sfq_run.hpp"
#include "tests/unit/common/devices.hpp"

using namespace fluxon;
using namespace fluxon::test;

TEST_CASE("sfq family: a circuit alone runs in the one pipeline with the stand-alone run's pulses") {
    const std::string circuit = std::string(FLUXON_SOURCE_DIR) + "/examples/sfq/adder4.toml";
    const auto spec = io::parse_config_text("[run]\ntime_base = \"fs\"\ndt = \"1 ps\"\nduration = \"20 ns\"\n"
                                            "[sfq]\ncircuit = \"" + circuit + "\"\ninputs = {}\n",
                                            "alone.toml");
    CHECK(spec.network.populations.empty());
    simulation sim = simulate(spec);
    const run_result r = sim.run();

    sfq_run_options alone;
    alone.circuit = circuit;
    const sfq_run_result expected = run_sfq_circuit(alone);

    const auto pins = column<std::string>(r, "sfq", "outputs", "pin");
    const auto times = column<std::int64_t>(r, "sfq", "outputs", "time_fs");
    std::map<std::string, std::vector<std::int64_t>> got;
    for (std::size_t i = 0; i < pins.size(); ++i) got[pins[i]].push_back(times[i]);
    REQUIRE(expected.outputs.size() == 5);  // s0..s3 and cout
    for (const sfq_trace& t : expected.outputs) {
        CAPTURE(t.name);
        std::vector<std::int64_t> want(t.times.begin(), t.times.end());
        std::sort(got[t.name].begin(), got[t.name].end());
        CHECK(got[t.name] == want);
    }
    // 128 sums on each bit; the carry is set in 120 of the 256 additions; the first sum bit
    // at (0 + 0 + 2) x 50 ps + 28 ps = 128 ps would be for v = 0, which adds nothing: the
    // first pulse of s0 is vector 1's, at (1 + 2) x 50 ps + 28 ps = 178 ps.
    CHECK(got["s0"].size() == 128);
    CHECK(got["cout"].size() == 120);
    CHECK(got["s0"].front() == 178000);
    CHECK(count(r, "sfq", "events") == static_cast<std::int64_t>(expected.events));
    CHECK(count(r, "sfq", "firings") == static_cast<std::int64_t>(expected.firings));
}
