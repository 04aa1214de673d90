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

}  // namespace fluxon
