// Runs mapped onto a chip, checked against totals computed by hand from a preset of round
// numbers: the ledger is counts × the preset's table, exactly; hardware time follows the step
// pipeline; fixed-point weights scale the response exactly; timed fidelity moves late inputs.
#include <doctest/doctest.h>

#include "tests/unit/common/relative.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <unistd.h>

#include "tests/unit/common/devices.hpp"
#include "tests/unit/common/specs.hpp"
#include "tests/unit/common/unit_chip.hpp"
#include "engine/base/errors.hpp"
#include "engine/simulation.hpp"
#include "io/config.hpp"

using namespace fluxon;
using namespace fluxon::test;

namespace {

struct preset_file : temp_file {
    preset_file() : temp_file("unitchip", unit_chip_text()) {}
};

// One input neuron spiking at steps 1 and 3 onto two LIF neurons that never fire: with two
// neurons per core, the sequential mapper puts {inp0, out0} on core 0 and out1 on core 1.
// `hardware` adds keys to its [hardware] section.
net::experiment_spec two_core_run(const std::string& preset, const std::string& weight = "0.3 mV",
                                  const std::string& hardware = "") {
    auto e = experiment("0.1 ms", "0.5 ms");
    e.network.populations.push_back(spike_source("inp", 1, {0.1e-3, 0.3e-3}, {0, 0}));
    const param_inputs quiet{{"tau_m", q("20 ms")},    {"v_rest", q("-70 mV")}, {"v_th", q("-50 mV")},
                             {"v_reset", q("-60 mV")}, {"t_ref", q("5 ms")},    {"tau_syn_exc", q("5 ms")},
                             {"tau_syn_inh", q("10 ms")}};
    e.network.populations.push_back(population("out", 2, "lif", quiet));
    e.network.projections.push_back(
        projection("inp_out", "inp", "out", "exc", net::connector_spec::kind::all_to_all, weight));
    e.probes.push_back(probe("out", "v"));
    add_device(e, "[hardware]\npreset = \"" + preset + "\"\nmapper = \"sequential\"\n" + hardware);
    return e;
}

std::map<std::pair<std::string, std::string>, std::pair<std::int64_t, double>> rows_of(const ledger_columns& t) {
    std::map<std::pair<std::string, std::string>, std::pair<std::int64_t, double>> out;
    for (std::size_t i = 0; i < t.component.size(); ++i) out[{t.component[i], t.action[i]}] = {t.count[i], t.energy[i]};
    return out;
}

}  // namespace

TEST_CASE("chip: the ledger is the hand-counted actions times the preset's table") {
    preset_file file;
    simulation sim = simulate(two_core_run(file.path.string()));
    const run_result r = sim.run();
    REQUIRE(has_device(r, "chip"));

    const device_report m = describe(sim, "chip");
    CHECK(column<std::string>(m, "chunks", "population") == std::vector<std::string>{"inp", "out", "out"});
    CHECK(column<std::int64_t>(m, "chunks", "core") == std::vector<std::int64_t>{0, 0, 1});
    CHECK(column<std::string>(m, "cores", "tile") == std::vector<std::string>{"tile(0,0)", "tile(1,0)"});

    // Two spikes, each one message to core 0 and one to core 1 (one east-west hop), one
    // synapse at each. Five steps of three neuron updates; out0 and out1 get input at steps 2
    // and 4 (one-step delay): 4 active, 11 inactive updates.
    const auto rows = rows_of(sim.ledger());
    const auto row = [&](const std::string& c, const std::string& a) { return rows.at({c, a}); };
    CHECK(row("chip/core[0]/axon_out", "message") == std::pair<std::int64_t, double>{4, 4 * 2e-12});
    CHECK(row("chip/core[0]/axon_in", "message") == std::pair<std::int64_t, double>{2, 2 * 3e-12});
    CHECK(row("chip/core[1]/axon_in", "message") == std::pair<std::int64_t, double>{2, 2 * 3e-12});
    CHECK(row("chip/core[0]/synapse", "spike_op") == std::pair<std::int64_t, double>{2, 2 * 1e-12});
    CHECK(row("chip/core[1]/synapse", "spike_op") == std::pair<std::int64_t, double>{2, 2 * 1e-12});
    CHECK(row("chip/core[0]/soma", "update_active") == std::pair<std::int64_t, double>{2, 2 * 10e-12});
    CHECK(row("chip/core[1]/soma", "update_active") == std::pair<std::int64_t, double>{2, 2 * 10e-12});
    CHECK(row("chip/core[0]/soma", "update_inactive") == std::pair<std::int64_t, double>{8, 8 * 4e-12});
    CHECK(row("chip/core[1]/soma", "update_inactive") == std::pair<std::int64_t, double>{3, 3 * 4e-12});
    CHECK(row("chip/noc/link[tile(0,0)->tile(1,0)]", "hop") == std::pair<std::int64_t, double>{2, 2 * 5e-12});
    CHECK(rows.count({"chip/noc/link[tile(1,0)->tile(0,0)]", "hop"}) == 0);

    // Hardware time, as fast as possible, per step (barrier of 2 tiles: 7 ns):
    //   quiet step: core 0 updates 2 idle neurons, 2 ns → 9 ns;
    //   input step: core 0 one idle + one active, 3 ns → 10 ns;
    //   spike step: core 0 done at 2 ns, sends at 3 ns (to core 0) and 4 ns (to core 1); core 0
    //   takes its message at 3 ns + 1 (in) + 1 (synapse) = 5 ns; core 1's crosses one link
    //   (10 ns) to arrive at 14 ns, done at 16 ns → 23 ns.
    // Steps 0..4: quiet, spike, input, spike, input = 9 + 23 + 10 + 23 + 10 = 75 ns.
    CHECK(stat(r, "chip", "hardware_time") == fluxon::test::approx(75e-9).epsilon(1e-12));
    CHECK(stat(r, "chip", "max_step_time") == fluxon::test::approx(23e-9).epsilon(1e-12));
    const double dynamic = 4 * 2e-12 + 4 * 3e-12 + 4 * 1e-12 + 4 * 10e-12 + 11 * 4e-12 + 2 * 5e-12;
    CHECK(dynamic_energy(r, "chip") == fluxon::test::approx(dynamic).epsilon(1e-12));
    CHECK(static_energy(r, "chip") == fluxon::test::approx(2 * 1e-3 * 75e-9).epsilon(1e-12));
    CHECK(count(r, "chip", "synaptic_events") == 4);
    CHECK(count(r, "chip", "messages") == 4);
    CHECK(count(r, "chip", "hops") == 2);
    CHECK(count(r, "chip", "late_messages") == 0);
}

TEST_CASE("chip: fixed-point weights scale the response exactly as predicted") {
    preset_file file;
    auto exact_spec = two_core_run(file.path.string());
    exact_spec.devices.clear();
    simulation exact = simulate(exact_spec);
    exact.run();
    simulation fixed = simulate(two_core_run(file.path.string(), "0.3 mV", "weight_bits = 3\n"));
    fixed.run();

    // 3-bit signed mantissas reach 3: the scale is the smallest 2^e with 0.3 mV / 2^e <= 3,
    // e = -13; 0.3 mV / 2^-13 = 2.4576 rounds to 2, so the weight becomes 2 * 2^-13 V.
    std::vector<std::uint32_t> pre, post;
    std::vector<double> w, d;
    fixed.synapses("inp_out", pre, post, w, d);
    CHECK(w == std::vector<double>{std::ldexp(2.0, -13), std::ldexp(2.0, -13)});

    // The membrane is linear in its input: v - v_rest scales by the weight ratio.
    const double ratio = std::ldexp(2.0, -13) / 0.3e-3;
    const auto& a = exact.probe("out", "v").values;
    const auto& b = fixed.probe("out", "v").values;
    REQUIRE(a.size() == b.size());
    bool moved = false;
    for (std::size_t k = 0; k < a.size(); ++k) {
        // v is held around -70 mV: its rounding (a few ulp of 0.07 V over the steps) is what
        // limits the relative agreement of the small deviations.
        CHECK((b[k] + 70e-3) == fluxon::test::approx((a[k] + 70e-3) * ratio).epsilon(1e-7));
        moved = moved || std::fabs(a[k] + 70e-3) > 1e-6;
    }
    CHECK(moved);
}

TEST_CASE("chip: in timed fidelity a late message reaches its target a step later") {
    preset_file file;
    // With a 15 ns period, the spike step's message to core 1 is done 16 ns after the step
    // starts, 1 ns after the next step began: one step late. The message within core 0 is on time.
    simulation timed =
        simulate(two_core_run(file.path.string(), "0.3 mV", "fidelity = \"timed\"\nstep_period = \"15 ns\"\n"));
    const run_result r = timed.run();
    CHECK(count(r, "chip", "late_messages") == 2);
    CHECK(count(r, "chip", "overrun_steps") == 2);  // both spike steps take 23 ns
    CHECK(stat(r, "chip", "hardware_time") == fluxon::test::approx(5 * 15e-9).epsilon(1e-12));

    const auto& p = timed.probe("out", "v");  // values [step][neuron]
    REQUIRE(p.values.size() == 10);
    // out0 gets the first spike's input at step 2 (v changes over step 2, sampled at t = 3 dt);
    // out1 gets it a step later.
    CHECK(p.values[2 * 2 + 0] != -70e-3);
    CHECK(p.values[2 * 2 + 1] == fluxon::test::approx(-70e-3).epsilon(1e-15));
    CHECK(p.values[3 * 2 + 1] != -70e-3);

    // Annotated fidelity counts the same late messages but delivers on time.
    simulation annotated = simulate(
        two_core_run(file.path.string(), "0.3 mV", "fidelity = \"annotated\"\nstep_period = \"15 ns\"\n"));
    CHECK(count(annotated.run(), "chip", "late_messages") == 2);
    const auto& q2 = annotated.probe("out", "v");
    CHECK(q2.values[2 * 2 + 0] == q2.values[2 * 2 + 1]);
}

TEST_CASE("chip: timed fidelity needs a fixed step period") {
    // The family refuses it when it reads the section, before any simulation is built.
    preset_file file;
    CHECK_THROWS_WITH_AS(two_core_run(file.path.string(), "0.3 mV", "fidelity = \"timed\"\n"),
                         doctest::Contains("timed fidelity needs a fixed step_period"), config_error);
}

TEST_CASE("chip: a step period that is not a duration names its key") {
    // Refused when the config is read (the family reads its section), no longer when the
    // simulation is built.
    try {
        io::parse_config_text("[populations.a]\nsize = 2\nmodel = \"lif\"\n[hardware]\n"
                              "preset = \"loihi\"\nstep_period = \"fast\"\n",
                              "hw.toml");
        FAIL("a step period of 'fast' should be refused");
    } catch (const config_error& e) {
        CHECK(e.site().key == "hardware.step_period");
        CHECK(e.site().line == 6);
    }
}

TEST_CASE("chip: a network larger than the chip names the population and the limit") {
    preset_file file;
    auto spec = two_core_run(file.path.string());
    spec.network.populations[1].size = 4;  // 1 + 4 neurons on two cores of two
    try {
        simulation sim = simulate(spec);
        FAIL("the network should not fit");
    } catch (const network_error& e) {
        CHECK(e.site().node == "out");
        CHECK(e.site().resource == "cores");
    }
}

TEST_CASE("chip: the ledger does not depend on the number of threads") {
    auto one = cuba(2000, "0.2 s", 1, 5);
    add_device(one, "[hardware]\npreset = \"loihi\"\n");
    auto two = one;
    two.run.threads = 2;
    simulation a = simulate(one), b = simulate(two);
    const run_result ra = a.run(), rb = b.run();
    CHECK(ra.spikes == rb.spikes);
    const ledger_columns la = a.ledger(), lb = b.ledger();
    CHECK(la.component == lb.component);
    CHECK(la.action == lb.action);
    CHECK(la.count == lb.count);
    CHECK(la.energy == lb.energy);
    CHECK(stat(ra, "chip", "hardware_time") == stat(rb, "chip", "hardware_time"));
    CHECK(count(ra, "chip", "synaptic_events") == ra.synaptic_events);
}

TEST_CASE("chip: a fixed step period beyond the hardware clock's range is refused up front") {
    preset_file file;
    // 5 steps: 10000 s > 2^63 fs
    const auto too_long = two_core_run(file.path.string(), "0.3 mV", "step_period = \"2000 s\"\n");
    CHECK_THROWS_WITH_AS(simulate(too_long), doctest::Contains("femtoseconds"), config_error);
    // 5000 s fits
    const auto fits = two_core_run(file.path.string(), "0.3 mV", "step_period = \"1000 s\"\n");
    CHECK(stat(simulate(fits).run(), "chip", "hardware_time") == fluxon::test::approx(5000.0));
}
