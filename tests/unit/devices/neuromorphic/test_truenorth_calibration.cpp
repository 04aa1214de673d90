// The truenorth preset against TrueNorth's published energy: the power-versus-rate sweep it is
// fitted to (68, 71, 94 mW at 11.58, 20.07, 95.93 Hz, 0.8 V, as quoted by a third-party audit
// of Merolla 2014 / Akopyan 2015), and Merolla 2014's 26 pJ per synaptic event at its operating
// point (20 Hz, 128 active synapses per neuron, spikes routed 21.3 hops on average, 0.775 V),
// reproduced by running a network at that operating point on the preset.
#include <doctest/doctest.h>

#include <string>

#include "tests/unit/common/relative.hpp"
#include "tests/unit/common/devices.hpp"
#include "devices/neuromorphic/chip_preset.hpp"
#include "io/config.hpp"

using namespace fluxon;
using namespace fluxon::test;

namespace {

constexpr double neurons = 4096.0 * 256;          // the whole chip
constexpr double synapses_per_spike = 128;        // the operating point's active synapses
constexpr double hops_per_spike = 21.3;           // Merolla 2014's operating point

// Whole-chip power at firing rate `rate` (Hz) by the preset's model, with the operating
// point's routing distance.
double chip_power(const chip_params& chip, double rate) {
    const double per_event = chip.synapse_op.energy + chip.noc.hop_east_west.energy * hops_per_spike / synapses_per_spike;
    return chip.cores() * chip.core_static_power + per_event * neurons * synapses_per_spike * rate;
}

// Two cores of 256 non-leaky integrate-and-fire neurons exciting each other with a 25 ms delay:
// b starts above threshold and spikes at step 0, every c neuron crosses threshold when b's
// volley arrives (at least 16 of its ~128 inputs of 1 mV lift it the 15 mV from reset) and
// spikes at 25 ms, b again at 50 ms, and so on: every neuron of both cores fires at exactly
// 20 Hz, each spike onto 128 synapses of the other core, one hop away.
const char* ring = R"(
[run]
dt = "1 ms"
duration = "1 s"
seed = 3
threads = 1

[populations.b]
size = 256
model = "if"
params = { v_th = "-50 mV", v_reset = "-65 mV", t_ref = "2 ms" }
initial = { v = "-40 mV" }

[populations.c]
size = 256
model = "if"
params = { v_th = "-50 mV", v_reset = "-65 mV", t_ref = "2 ms" }

[projections.b_c]
pre = "b"
post = "c"
receptor = "in"
connector = { type = "fixed_outdegree", n = 128, multapses = false }
weight = "1 mV"
delay = "25 ms"

[projections.c_b]
pre = "c"
post = "b"
receptor = "in"
connector = { type = "fixed_outdegree", n = 128, multapses = false }
weight = "1 mV"
delay = "25 ms"

[hardware]
preset = "truenorth"
mapper = "sequential"
step_period = "1 ms"
)";

}  // namespace

TEST_CASE("truenorth: the preset reproduces the power-versus-rate sweep it is fitted to") {
    const chip_params chip = load_chip_preset("truenorth", {}).params;
    // The outer points define the line (to the rounding of the preset's 4-digit numbers)...
    CHECK(chip_power(chip, 11.58) == relative(68e-3, 1e-4));
    CHECK(chip_power(chip, 95.93) == relative(94e-3, 1e-4));
    // ...and the held-out middle point is predicted within 0.6 % (70.62 mW against 71 mW).
    CHECK(chip_power(chip, 20.07) == relative(71e-3, 0.006));
    CHECK(chip_power(chip, 20.07) < 71e-3);
    // The zero-rate power is the sweep's intercept, 64.43 mW, not the chip's 42 mW minimum
    // over its supply range (the preset's earlier, wrong reading).
    CHECK(chip.cores() * chip.core_static_power == relative(64.43e-3, 1e-3));
}

TEST_CASE("truenorth: a network at Merolla 2014's operating point costs the published 26 pJ per synaptic event") {
    const net::experiment_spec spec = io::parse_config_text(ring, "truenorth_ring.toml", {}, &test_families());
    simulation sim = simulate(spec);
    const run_result r = sim.run();
    const chip_params chip = load_chip_preset("truenorth", {}).params;

    // Every neuron fires 20 times; the chip counts a spike's synaptic events when it is sent.
    CHECK(r.spikes == 2 * 256 * 20);
    const double events = static_cast<double>(count(r, "chip", "synaptic_events"));
    CHECK(events == 2 * 256 * 20 * 128);
    CHECK(count(r, "chip", "cores") == 2);
    const double hops = static_cast<double>(count(r, "chip", "hops"));
    CHECK(hops == 2 * 256 * 20);  // one message per spike, to the neighbouring core

    // The ledger, by hand: 2 cores x 15.73 uW x 1 s + 1.914 pJ per event + 2.3 pJ per hop.
    const double energy = total_energy(r, "chip");
    CHECK(energy == relative(2 * 15.73e-6 * 1.0 + 1.914e-12 * events + 2.3e-12 * hops, 1e-9));

    // All of the chip's energy per synaptic event, with the spikes routed as far as at the
    // operating point (21.3 hops instead of this mapping's 1): 26.30 pJ. Published: 26 pJ.
    // Tolerance 3 %: the figure is given to two digits (25.5 to 26.5 pJ, +-2 %), and the preset
    // sits at the sweep's 0.8 V, where the 20 Hz point draws 71 mW, 1.7 % above the 69.8 mW
    // that 26 pJ makes at 0.775 V (no supply voltage is modelled).
    const double routed = chip.noc.hop_east_west.energy * (hops_per_spike - hops / (2 * 256 * 20)) * hops / events;
    const double per_event = energy / events + routed;
    CHECK(per_event == relative(26.30e-12, 1e-3));
    CHECK(per_event == relative(26e-12, 0.03));
    // The earlier preset (42 mW static, 2.3 pJ per event) gave 18.33 pJ here: 30 % low.
    const double earlier = 42e-3 / 4096 * 2 / events + 2.3e-12 + 2.3e-12 * hops_per_spike / 128;
    CHECK(earlier == relative(18.33e-12, 1e-3));
    CHECK_FALSE(earlier == relative(26e-12, 0.03));
}
