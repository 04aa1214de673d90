// Poisson drives ([drives.NAME], Brian2's PoissonInput): the binomial CDF they invert, the law of
// the counts a neuron receives (mean, variance and empty steps of Binomial(1000, 0.002)),
// results that do not depend on threads, and named errors.
#include <doctest/doctest.h>

#include "tests/unit/common/relative.hpp"

#include <cmath>
#include <random>
#include <string>

#include "engine/base/errors.hpp"
#include "engine/poisson_drive.hpp"
#include "engine/simulation.hpp"
#include "tests/unit/common/specs.hpp"

using namespace fluxon;
using namespace fluxon::test;

namespace {

net::drive_spec drive(const std::string& target, const std::string& receptor, const std::string& rate,
                      std::uint64_t inputs, const std::string& weight) {
    net::drive_spec d;
    d.name = "ext";
    d.target = target;
    d.receptor = receptor;
    d.rate = q(rate);
    d.inputs = inputs;
    d.weight = q(weight);
    return d;
}

}  // namespace

TEST_CASE("poisson drive: the binomial CDF by hand") {
    const auto cdf = binomial_cdf(1000, 0.002);
    const double p0 = std::pow(0.998, 1000);
    CHECK(cdf[0] == fluxon::test::approx(p0).epsilon(1e-13));
    CHECK(cdf[1] == fluxon::test::approx(p0 + 1000 * 0.002 * std::pow(0.998, 999)).epsilon(1e-13));
    CHECK(cdf.back() == fluxon::test::approx(1.0).epsilon(1e-15));
    CHECK(cdf.size() < 40);  // stops once the terms past the mean are negligible
    CHECK(binomial_cdf(5, 0.0) == std::vector<double>{1.0});
    CHECK(binomial_cdf(3, 1.0) == std::vector<double>{0, 0, 0, 1});
}

TEST_CASE("poisson drive: the guide table gives the count the CDF search gives") {
    // The count of u is the number of CDF values at or below it; checked at random u, at every
    // CDF value, its neighbours, and the bucket edges, for a small and a large mean.
    for (const auto& [n, p] : {std::pair<std::uint64_t, double>{1000, 0.002}, {400, 0.05}, {3, 1.0}}) {
        const binomial_counts counts(n, p);
        const auto& cdf = counts.cdf();
        const auto search = [&](double u) {
            std::uint32_t c = 0;
            while (c < cdf.size() && u >= cdf[c]) ++c;
            return c;
        };
        std::vector<double> us;
        std::mt19937_64 rng(1);
        std::uniform_real_distribution<double> uniform(0.0, 1.0);
        for (int k = 0; k < 200000; ++k) us.push_back(uniform(rng));
        for (const double c : cdf) {
            for (const double u : {c, std::nextafter(c, 0.0), std::nextafter(c, 1.0)}) {
                if (u >= 0 && u < 1) us.push_back(u);
            }
        }
        for (std::size_t b = 0; b < binomial_counts::buckets; ++b) {
            us.push_back(static_cast<double>(b) / binomial_counts::buckets);
            us.push_back(std::nextafter(static_cast<double>(b + 1) / binomial_counts::buckets, 0.0));
        }
        std::size_t wrong = 0;
        for (const double u : us) wrong += counts.count(u) != search(u);
        CHECK(wrong == 0);
    }
}

TEST_CASE("poisson drive: each neuron gets Binomial(inputs, rate dt) input spikes per step") {
    // Integrators without leak that never fire (4 V in 2000 steps, threshold 100 V): a step's
    // change of v is weight x count.
    auto e = experiment("0.1 ms", "200 ms");
    e.network.populations.push_back(population("n", 50, "if", {{"v_th", q("100 V")}, {"v_reset", q("0 mV")}}));
    e.network.drives.push_back(drive("n", "in", "20 Hz", 1000, "1 mV"));
    e.probes.push_back(probe("n", "v"));
    simulation sim(e);
    sim.run();
    const auto& v = sim.probe("n", "v");
    REQUIRE(v.times.size() == 2000);
    const double w = static_cast<float>(1e-3);
    double sum = 0, sum2 = 0, zeros = 0, samples = 0;
    for (std::size_t m = 0; m < v.times.size(); ++m) {
        for (std::size_t i = 0; i < 50; ++i) {
            const double before = m == 0 ? 0.0 : v.values[(m - 1) * 50 + i];
            const double count = std::round((v.values[m * 50 + i] - before) / w);
            sum += count;
            sum2 += count * count;
            zeros += count == 0;
            ++samples;
        }
    }
    const double mean = sum / samples, variance = sum2 / samples - mean * mean;
    // Binomial(1000, 0.002): mean 2, variance 1.996, P(0) = 0.998^1000 = 0.13506; 10^5 samples.
    CHECK(mean == fluxon::test::approx(2.0).epsilon(0.015));
    CHECK(variance == fluxon::test::approx(1.996).epsilon(0.03));
    CHECK(zeros / samples == fluxon::test::approx(0.13506).epsilon(0.05));
}

TEST_CASE("poisson drive: CUBA with a drive is bit-identical on 1 and 2 threads, and the drive acts") {
    const auto run = [](int threads, bool with_drive) {
        auto e = cuba(2000, "300 ms", threads, 2);
        if (with_drive) e.network.drives.push_back(drive("exc", "exc", "10 Hz", 100, "0.2 mV"));
        simulation sim(e);
        sim.run();
        return sim.spikes("exc");
    };
    const auto one = run(1, true), two = run(2, true);
    CHECK(one.ids == two.ids);
    CHECK(one.times == two.times);
    CHECK(run(1, false).ids.size() < one.ids.size());  // 100 mV/s more drive: more spikes
}

TEST_CASE("poisson drive: bad drives are named errors") {
    const auto refused = [](net::drive_spec d) {
        auto e = cuba(200, "10 ms", 1, 1);
        e.network.drives.push_back(std::move(d));
        try {
            simulation sim(e);
        } catch (const user_error& err) {
            return std::string(err.what());
        }
        return std::string("no error");
    };
    CHECK(refused(drive("exc", "ampa", "1 Hz", 1, "1 mV")).find("has no receptor 'ampa'; it has: exc, inh") !=
          std::string::npos);
    CHECK(refused(drive("inh", "inh", "1 Hz", 1, "1 mV")).find("positive and would excite") != std::string::npos);
    CHECK(refused(drive("exc", "exc", "20 kHz", 1, "1 mV")).find("rate x dt <= 1") != std::string::npos);
    CHECK(refused(drive("exc", "exc", "5 kHz", 100, "1 mV")).find("above 20") != std::string::npos);
    CHECK(refused(drive("nobody", "exc", "1 Hz", 1, "1 mV")).find("nobody") != std::string::npos);
}
