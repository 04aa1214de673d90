#include "networks/values.hpp"

#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>
#include <fmt/format.h>

namespace fluxon::net {

bool is_constant(const value_spec& spec) { return spec.k == value_spec::kind::constant; }

std::vector<double> draw_values(const value_spec& spec, std::size_t n, dimension dim,
                                sequential_rng& rng, const std::string& what) {
    switch (spec.k) {
        case value_spec::kind::constant:
            return std::vector<double>(n, resolve_quantity(spec.a, dim, what));
        case value_spec::kind::uniform: {
            const double lo = resolve_quantity(spec.a, dim, what + " (low)");
            const double hi = resolve_quantity(spec.b, dim, what + " (high)");
            if (!(lo <= hi)) {
                throw config_error(fmt::format("{}: uniform needs low <= high, got [{}, {}]", what, lo, hi),
                                   spec.site);
            }
            boost::random::uniform_real_distribution<double> dist(lo, hi);
            std::vector<double> out(n);
            for (auto& v : out) v = lo == hi ? lo : dist(rng);
            return out;
        }
        case value_spec::kind::normal: {
            const double mean = resolve_quantity(spec.a, dim, what + " (mean)");
            const double sd = resolve_quantity(spec.b, dim, what + " (standard deviation)");
            if (!(sd >= 0)) {
                throw config_error(fmt::format("{}: normal needs a standard deviation >= 0, got {}", what, sd),
                                   spec.site);
            }
            boost::random::normal_distribution<double> dist(mean, sd > 0 ? sd : 1.0);
            std::vector<double> out(n);
            for (auto& v : out) v = sd > 0 ? dist(rng) : mean;
            return out;
        }
        case value_spec::kind::array:
            if (spec.values.size() != n) {
                throw network_error(fmt::format("{}: the array has {} values, expected {}", what,
                                                spec.values.size(), n),
                                    spec.site);
            }
            return spec.values;
    }
    throw internal_error("unknown value kind");
}

}  // namespace fluxon::net
