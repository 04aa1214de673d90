#include "engine/poisson_drive.hpp"

#include <cmath>

namespace fluxon {

std::vector<double> binomial_cdf(std::uint64_t n, double p) {
    if (p <= 0) return {1.0};
    if (p >= 1) {
        std::vector<double> all(n + 1, 0.0);
        all.back() = 1.0;
        return all;
    }
    // pmf(k + 1) = pmf(k) (n - k) / (k + 1) p / (1 - p), from pmf(0) = (1 - p)^n.
    const double odds = p / (1.0 - p);
    double term = std::exp(static_cast<double>(n) * std::log1p(-p)), sum = term;
    std::vector<double> cdf{sum};
    const double mean = static_cast<double>(n) * p;
    // Past the mean the terms only fall: stop when they no longer change the sum's last bits.
    for (std::uint64_t k = 0; k < n && !(static_cast<double>(k) > mean && term < 1e-17); ++k) {
        term *= static_cast<double>(n - k) / static_cast<double>(k + 1) * odds;
        sum += term;
        cdf.push_back(sum);
    }
    return cdf;
}

binomial_counts::binomial_counts(std::uint64_t n, double p)
    : cdf_(binomial_cdf(n, p)), lowest_(buckets), highest_(buckets) {
    // Counts only grow with u: a bucket [b/B, (b+1)/B) gives from the count at its start to
    // the count just below its end (the CDF values strictly below (b+1)/B).
    std::uint32_t at_start = 0, below_end = 0;
    for (std::size_t b = 0; b < buckets; ++b) {
        const double start = static_cast<double>(b) / buckets, end = static_cast<double>(b + 1) / buckets;
        while (at_start < cdf_.size() && cdf_[at_start] <= start) ++at_start;
        while (below_end < cdf_.size() && cdf_[below_end] < end) ++below_end;
        lowest_[b] = at_start;
        highest_[b] = below_end;
    }
}

}  // namespace fluxon
