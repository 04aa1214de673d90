#include "networks/values.hpp"

#include <fmt/format.h>

namespace fluxon::net {

value_stream::value_stream(const value_spec& spec, std::size_t n, dimension dim, sequential_rng& rng,
                           const std::string& what)
    : spec_(spec), rng_(rng) {
    switch (spec.k) {
        case value_spec::kind::constant:
            a_ = resolve_quantity(spec.a, dim, what);
            break;
        case value_spec::kind::uniform:
            a_ = resolve_quantity(spec.a, dim, what + " (low)");
            b_ = resolve_quantity(spec.b, dim, what + " (high)");
            if (!(a_ <= b_)) {
                throw config_error(fmt::format("{}: uniform needs low <= high, got [{}, {}]", what, a_, b_), spec.site);
            }
            uniform_ = boost::random::uniform_real_distribution<double>(a_, b_);
            break;
        case value_spec::kind::normal:
            a_ = resolve_quantity(spec.a, dim, what + " (mean)");
            b_ = resolve_quantity(spec.b, dim, what + " (standard deviation)");
            if (!(b_ >= 0)) {
                throw config_error(fmt::format("{}: normal needs a standard deviation >= 0, got {}", what, b_),
                                   spec.site);
            }
            normal_ = boost::random::normal_distribution<double>(a_, b_ > 0 ? b_ : 1.0);
            break;
        case value_spec::kind::array:
            if (spec.values.size() != n) {
                throw network_error(fmt::format("{}: the array has {} values, expected {}", what, spec.values.size(), n),
                                    spec.site);
            }
            break;
    }
}

double value_stream::next() {
    switch (spec_.k) {
        case value_spec::kind::constant: return a_;
        case value_spec::kind::uniform: return a_ == b_ ? a_ : uniform_(rng_);
        case value_spec::kind::normal: return b_ > 0 ? normal_(rng_) : a_;
        case value_spec::kind::array: return spec_.values[index_++];
    }
    throw internal_error("unknown value kind");
}

std::vector<double> draw_values(const value_spec& spec, std::size_t n, dimension dim, sequential_rng& rng,
                                const std::string& what) {
    value_stream values(spec, n, dim, rng, what);
    std::vector<double> out(n);
    for (auto& v : out) v = values.next();
    return out;
}

}  // namespace fluxon::net
