// Randomness and energy of SFQ runs: seeded jitter and stochastic synapses are deterministic
// and within their stated bounds; the integrate-and-fire neuron counts; energy is N_JJ x I_c
// x Phi0 per firing plus RSFQ bias power, and the wall plug adds the cryocooler.
#include <doctest/doctest.h>

#include "tests/unit/common/relative.hpp"

#include <cmath>
#include <string>

#include <fmt/format.h>

#include "tests/unit/common/sfq_run.hpp"
#include "devices/sfq/sfq_library.hpp"
#include "devices/sfq/sfq_library_preset.hpp"

namespace {

using fluxon::tick_t;
using fluxon::test::output;
using fluxon::test::run_sfq;
using times = std::vector<tick_t>;

std::string jtl_train(std::uint64_t seed, bool jitter) {
    return fmt::format(R"(
[circuit]
seed = {}
jitter = {}
outputs = ["q"]
wires = ["a -> j.a", "j.q -> q"]
[circuit.instances]
j = "jtl"
[circuit.inputs.a]
period = "100 ps"
count = 2000
)",
                       seed, jitter);
}

TEST_CASE("sfq: jitter is seeded, Gaussian-like and clipped to +-20% of the delay") {
    const auto a = output(run_sfq(jtl_train(1, true)), "q");
    const auto b = output(run_sfq(jtl_train(1, true)), "q");
    const auto c = output(run_sfq(jtl_train(2, true)), "q");
    CHECK(a == b);
    CHECK(a != c);
    REQUIRE(a.size() == 2000);
    double sum = 0, sq = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const double d = static_cast<double>(a[i] - static_cast<tick_t>(i) * 100'000);
        CHECK(d >= 0.8 * 5'700);
        CHECK(d <= 1.2 * 5'700);
        sum += d;
        sq += d * d;
    }
    const double mean = sum / 2000, sd = std::sqrt(sq / 2000 - mean * mean);
    CHECK(mean == fluxon::test::approx(5'700).epsilon(0.01));
    CHECK(sd == fluxon::test::approx(0.2 * 5'700 / 3).epsilon(0.1));  // sigma = 0.2 d / 3
    CHECK(output(run_sfq(jtl_train(1, false)), "q")[7] == 705'700);
}

std::string synapse(const std::string& param, std::uint64_t seed) {
    return fmt::format(R"(
[circuit]
seed = {}
outputs = ["q"]
wires = ["a -> s.a", "s.q -> q"]
[circuit.instances]
s = {{ cell = "synapse", {} }}
[circuit.inputs.a]
period = "20 ps"
count = 10000
)",
                       seed, param);
}

TEST_CASE("sfq: a stochastic synapse passes fluxons with its bias-set probability, deterministically") {
    const auto p30 = output(run_sfq(synapse("p = 0.3", 7)), "q");
    CHECK(p30 == output(run_sfq(synapse("p = 0.3", 7)), "q"));
    CHECK(p30 != output(run_sfq(synapse("p = 0.3", 8)), "q"));
    // Binomial(10000, 0.3): sd 46, so 4.4 sd either way.
    CHECK(p30.size() > 2800);
    CHECK(p30.size() < 3200);
    for (const tick_t t : p30) CHECK((t - 5'700) % 20'000 == 0);  // passed pulses keep their timing
    // At i50 = 70 uA the synapse passes half; 2 widths above, Phi(2) = 97.7%.
    const auto lib = fluxon::load_sfq_library("sfq_default", {});
    CHECK(fluxon::sfq::synapse_pass_probability(lib.params.tech, 70e-6) == fluxon::test::approx(0.5));
    CHECK(fluxon::sfq::synapse_pass_probability(lib.params.tech, 74e-6) == fluxon::test::approx(0.97725).epsilon(1e-4));
    const auto half = output(run_sfq(synapse("bias = \"70 uA\"", 7)), "q");
    CHECK(half.size() > 4800);
    CHECK(half.size() < 5200);
    CHECK(output(run_sfq(synapse("p = 0", 7)), "q").empty());
    CHECK(output(run_sfq(synapse("p = 1", 7)), "q").size() == 10000);
}

TEST_CASE("sfq: the integrate-and-fire neuron fires at threshold and inhibition counts down") {
    const auto r = run_sfq(R"(
[circuit]
outputs = ["q"]
wires = ["e -> n.exc", "i -> n.inh", "n.q -> q"]
[circuit.instances]
n = { cell = "neuron", threshold = 3, inh_weight = 2 }
[circuit.inputs.e]
times = ["10 ps", "20 ps", "30 ps", "40 ps", "50 ps", "70 ps", "80 ps", "90 ps"]
[circuit.inputs.i]
times = ["55 ps"]
)");
    // 3rd pulse at 30 fires (+8 ps); 40, 50 count to 2; inh at 55 drops to 0; 70 80 90 fire.
    CHECK(output(r, "q") == times{38'000, 98'000});
}

TEST_CASE("sfq: energy per firing, RSFQ bias, ERSFQ and the cryocooler") {
    const std::string text = R"(
[circuit]
technology = "%"
outputs = ["q"]
wires = ["a -> j1.a", "j1.q -> j2.a", "j2.q -> q"]
[circuit.instances]
j1 = "jtl"
j2 = "jtl"
[circuit.inputs.a]
times = ["10 ps", "30 ps"]
)";
    auto with = [&](const char* tech) {
        std::string t = text;
        return run_sfq(t.replace(t.find('%'), 1, tech));
    };
    const double phi0 = 2.067833848e-15, ic = 100e-6;
    const auto rsfq = with("rsfq");
    CHECK(rsfq.end == 41'400);
    CHECK(rsfq.junctions == 4);
    CHECK(rsfq.dynamic_energy == fluxon::test::approx(4 * 2 * ic * phi0));          // 4 firings of 2 JJs
    CHECK(rsfq.bias_energy == fluxon::test::approx(4 * 0.7 * ic * 2.5e-3 * 41.4e-12));  // 4 JJs biased for 41.4 ps
    CHECK(rsfq.chip_energy == fluxon::test::approx(rsfq.dynamic_energy + rsfq.bias_energy));
    CHECK(rsfq.wall_plug_energy == fluxon::test::approx(501 * rsfq.chip_energy));
    const auto ersfq = with("ersfq");
    CHECK(ersfq.dynamic_energy == fluxon::test::approx(2 * rsfq.dynamic_energy));
    CHECK(ersfq.bias_energy == 0);
    CHECK(ersfq.wall_plug_energy == fluxon::test::approx(501 * ersfq.dynamic_energy));
    // The ledger: one fire row for the JTLs, the bias, the cryocooler; every row has a source.
    const auto& l = rsfq.ledger;
    REQUIRE(l.component.size() == 3);
    CHECK(l.component[0] == "sfq/jtl");
    CHECK(l.count[0] == 4);
    CHECK(l.component[1] == "sfq/cryocooler");
    CHECK(l.energy[1] == fluxon::test::approx(500 * rsfq.chip_energy));
    CHECK(l.component[2] == "sfq/bias");
    for (const auto& s : l.source) CHECK(!s.empty());
}

}  // namespace
