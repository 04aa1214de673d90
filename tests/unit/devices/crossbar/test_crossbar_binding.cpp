// Networks whose projections run through crossbar arrays: an ideal crossbar delivers what the
// synapses would, the ledger counts follow the spikes by hand, noisy devices give the same
// spikes on any number of threads, device-random weights have the configured spread, and
// projections that cannot be mapped are refused by name.
#include <doctest/doctest.h>

#include "tests/unit/common/relative.hpp"

#include <cmath>
#include <map>

#include "tests/unit/common/devices.hpp"
#include "tests/unit/common/specs.hpp"
#include "tests/unit/common/unit_crossbar.hpp"
#include "devices/crossbar/plugin/crossbar_system.hpp"
#include "engine/base/errors.hpp"
#include "engine/simulation.hpp"
#include "io/config.hpp"

using namespace fluxon;
using namespace fluxon::test;

namespace {

const param_inputs quiet{{"tau_m", q("20 ms")},    {"v_rest", q("-70 mV")}, {"v_th", q("-50 mV")},
                         {"v_reset", q("-60 mV")}, {"t_ref", q("5 ms")},    {"tau_syn_exc", q("5 ms")},
                         {"tau_syn_inh", q("10 ms")}};

// Three inputs spiking at known steps onto four LIF neurons that never fire, with four
// different weights per input, through the crossbar `preset` ("": no crossbar); `crossbar` adds
// keys to its [crossbar] section.
net::experiment_spec fan_in(const std::string& preset, const std::string& crossbar = "") {
    auto e = experiment("0.1 ms", "1 ms");
    e.network.populations.push_back(spike_source("inp", 3, {0.1e-3, 0.1e-3, 0.4e-3, 0.6e-3}, {0, 2, 1, 2}));
    e.network.populations.push_back(population("out", 4, "lif", quiet));
    auto p = projection("inp_out", "inp", "out", "exc", net::connector_spec::kind::all_to_all, "0");
    p.weight.k = net::value_spec::kind::uniform;
    p.weight.a = q("-1 mV");
    p.weight.b = q("2 mV");
    e.network.projections.push_back(p);
    e.probes.push_back(probe("out", "v"));
    if (!preset.empty()) add_device(e, "[crossbar]\npreset = \"" + preset + "\"\n" + crossbar);
    return e;
}

std::map<std::string, std::int64_t> counts_by_action(const ledger_columns& l) {
    std::map<std::string, std::int64_t> out;
    for (std::size_t i = 0; i < l.action.size(); ++i) out[l.action[i]] += l.count[i];
    return out;
}

}  // namespace

TEST_CASE("crossbar: an ideal device delivers what the synapses deliver") {
    auto plain = fan_in("");
    simulation a = simulate(plain);
    a.run();
    simulation b = simulate(fan_in("ideal"));
    const run_result r = b.run();
    const auto& va = a.probe("out", "v").values;
    const auto& vb = b.probe("out", "v").values;
    REQUIRE(va.size() == vb.size());
    double moved = 0;
    for (std::size_t i = 0; i < va.size(); ++i) {
        CHECK(vb[i] == fluxon::test::approx(va[i]).epsilon(1e-12));
        moved = std::max(moved, std::abs(va[i] + 70e-3));
    }
    CHECK(moved > 1e-5);  // the inputs did move the membranes
    REQUIRE(has_device(r, "crossbar"));
    CHECK(count(r, "crossbar", "arrays") == 1);
    // Steps 1, 4, 6 carry spikes: 2, 1 and 1 rows. One read each; 4 weights x 2 columns.
    const auto n = counts_by_action(b.ledger());
    CHECK(n.at("read") == 3);
    CHECK(n.at("row_drive") == 4);
    CHECK(n.at("cell_read") == 4 * 8);
    CHECK(n.at("adc") == 3 * 4);
    CHECK(n.at("program") == 3 * 8);
    CHECK(r.synaptic_events == 4 * 4);
}

TEST_CASE("crossbar: quantised, converted inputs differ from the exact ones") {
    simulation a = simulate(fan_in("ideal"));
    a.run();
    simulation b = simulate(fan_in("ideal", "weight_bits = 2\n"));
    b.run();
    const auto& va = a.probe("out", "v").values;
    const auto& vb = b.probe("out", "v").values;
    double differ = 0;
    for (std::size_t i = 0; i < va.size(); ++i) differ = std::max(differ, std::abs(va[i] - vb[i]));
    CHECK(differ > 1e-6);
}

TEST_CASE("crossbar: noisy devices give the same spikes on one and two threads") {
    auto one = cuba(400, "0.3 s", 1, 3);
    add_device(one, "[crossbar]\npreset = \"reram_neurosim\"\nread_sigma = 0.05\n");
    auto two = one;
    two.run.threads = 2;
    simulation a = simulate(one), b = simulate(two);
    const run_result ra = a.run(), rb = b.run();
    CHECK(ra.spikes > 100);
    for (const char* pop : {"exc", "inh"}) {
        CHECK(a.spikes(pop).times == b.spikes(pop).times);
        CHECK(a.spikes(pop).ids == b.spikes(pop).ids);
    }
    CHECK(a.ledger().count == b.ledger().count);
    REQUIRE(has_device(ra, "crossbar"));
    CHECK(dynamic_energy(ra, "crossbar") == dynamic_energy(rb, "crossbar"));
    CHECK(count(ra, "crossbar", "reads") > 0);
}

TEST_CASE("crossbar: device-random weights have the configured spread") {
    // One input row onto 4000 outputs, all pairs programmed to the same level: the delivered
    // weights are the pairs' mismatch, scaled to a spread of 1 (the matrix's magnitude).
    crossbar_params p = unit_crossbar();
    p.geometry = {8, 512, 8};
    p.variation.d2d_sigma = 0.1;
    p.variation.programming_sigma = 0.01;
    crossbar_weights w;
    w.name = "reservoir";
    w.rows = 1;
    w.columns = 4000;
    w.values.assign(4000, 1.0);
    w.random = true;
    w.seed = 17;
    crossbar_system system(p, {w}, 1, 0);
    crossbar_reader reader(system, 0, 0, 4000);
    std::vector<double> y(4000, 0.0);
    const std::uint32_t row = 0;
    reader.read(0, std::span<const std::uint32_t>(&row, 1), {}, 1.0, y.data());
    double sum = 0, sum2 = 0;
    for (double v : y) {
        sum += v;
        sum2 += v * v;
    }
    const double mean = sum / 4000, sd = std::sqrt(sum2 / 4000 - mean * mean);
    CHECK(std::abs(mean) < 0.06);
    CHECK(sd == fluxon::test::approx(1.0).epsilon(0.05));

    p.variation.d2d_sigma = 0;
    p.variation.programming_sigma = 0;
    CHECK_THROWS_AS(crossbar_system(p, {w}, 1, 0), config_error);
}

TEST_CASE("crossbar: projections that cannot be mapped are refused by name") {
    auto unknown = fan_in("ideal", "projections = [\"nope\"]\n");
    try {
        simulation s = simulate(unknown);
        FAIL("expected a config_error");
    } catch (const config_error& e) {
        CHECK(e.site().node == "nope");
    }

    auto delays = fan_in("ideal");
    delays.network.projections[0].delay.k = net::value_spec::kind::uniform;
    delays.network.projections[0].delay.a = q("0.1 ms");
    delays.network.projections[0].delay.b = q("0.5 ms");
    delays.network.projections[0].delay_given = true;
    try {
        simulation s = simulate(delays);
        FAIL("expected a config_error");
    } catch (const config_error& e) {
        CHECK(e.site().node == "inp_out");
        CHECK(std::string(e.what()).find("one delay") != std::string::npos);
    }

    auto random_ideal = fan_in("ideal", "random_weights = [\"inp_out\"]\n");
    CHECK_THROWS_AS(simulate(random_ideal), config_error);

    // A differential column is signed: refused when the family reads the section.
    try {
        fan_in("reram_neurosim", "adc_bits = 1\n");
        FAIL("expected a config_error");
    } catch (const config_error& e) {
        CHECK(std::string(e.what()).find("signed") != std::string::npos);
    }
}

// Devices attach in registry order (devices/builtin_families.cpp): a family that computes
// projections (the crossbar) before one that hosts neurons (the chip), which then maps only the
// synapses left to it. The messages between the chip's cores and the arrays go through the
// chip's network-on-chip (counted by hand in tests/unit/devices/test_mixed_system.cpp).
TEST_CASE("crossbar: beside a chip, the arrays compute their projections and the chip hosts the neurons") {
    simulation alone = simulate(fan_in("ideal"));
    const run_result ra = alone.run();
    auto both = fan_in("ideal");
    add_device(both, "[hardware]\npreset = \"loihi\"\n");
    simulation sim = simulate(both);
    const run_result r = sim.run();
    CHECK(r.synaptic_events == ra.synaptic_events);
    CHECK(count(r, "crossbar", "reads") == count(ra, "crossbar", "reads"));
    CHECK(count(r, "crossbar", "conversions") == count(ra, "crossbar", "conversions"));
    CHECK(count(r, "chip", "synaptic_events") == 0);  // every synapse sits in the arrays
    // The chip's neurons still see the arrays' input: 3 spiking steps reach all 4 neurons.
    const ledger_columns& book = device(r, "chip").ledger;
    std::int64_t active = 0;
    for (std::size_t i = 0; i < book.action.size(); ++i) {
        if (book.action[i] == "update_active") active += book.count[i];
    }
    CHECK(active == 12);
    CHECK(count(r, "chip", "steps") == 10);           // 1 ms of 0.1 ms steps
    CHECK(sim.probe("out", "v").values == alone.probe("out", "v").values);
    CHECK(r.total_energy() == fluxon::test::approx(total_energy(r, "crossbar") + total_energy(r, "chip")).epsilon(1e-12));

    const auto spec = io::parse_config_text("[populations.a]\nsize = 1\nmodel = \"lif\"\n[hardware]\npreset = "
                                            "\"loihi\"\n[crossbar]\npreset = \"ideal\"\n",
                                            "both.toml");
    REQUIRE(spec.devices.size() == 2);
    CHECK(spec.devices[0].family == "crossbar");
    CHECK(spec.devices[1].family == "neuromorphic");
}
