#pragma once
// The Legendre Memory Unit's linear memory (Voelker, Kajic & Eliasmith, NeurIPS 2019;
// workloads.md §2): the continuous system theta m'(t) = A m(t) + B u(t) of order d, whose state
// holds the window [t - theta, t] of u in shifted Legendre polynomials, and its zero-order-hold
// discretisation over one step (as keras-lmu, LMUFormer and L2MU compute it).
#include <cstdint>
#include <vector>

namespace fluxon {

struct lmu_system {
    std::uint32_t order = 0;
    std::vector<double> a;  // [order, order], row-major
    std::vector<double> b;  // [order]
};

// A_ij = (2i+1)/theta * (-1 if i < j else (-1)^(i-j+1)); B_i = (2i+1)/theta * (-1)^i.
lmu_system lmu_continuous(std::uint32_t order, double theta);
// A_d = e^(A dt), B_d = A^-1 (e^(A dt) - I) B, both from one exponential of [[A, B], [0, 0]] dt.
lmu_system zero_order_hold(const lmu_system& continuous, double dt);

}  // namespace fluxon
