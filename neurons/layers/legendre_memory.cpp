#include "neurons/layers/legendre_memory.hpp"

#include <Eigen/Dense>
#include <unsupported/Eigen/MatrixFunctions>

namespace fluxon {

lmu_system lmu_continuous(std::uint32_t order, double theta) {
    lmu_system s;
    s.order = order;
    s.a.resize(std::size_t{order} * order);
    s.b.resize(order);
    for (std::uint32_t i = 0; i < order; ++i) {
        const double r = (2.0 * i + 1.0) / theta;
        for (std::uint32_t j = 0; j < order; ++j) {
            const double sign = i < j ? -1.0 : ((i - j + 1) % 2 == 0 ? 1.0 : -1.0);
            s.a[std::size_t{i} * order + j] = r * sign;
        }
        s.b[i] = r * (i % 2 == 0 ? 1.0 : -1.0);
    }
    return s;
}

lmu_system zero_order_hold(const lmu_system& c, double dt) {
    const auto d = static_cast<Eigen::Index>(c.order);
    Eigen::MatrixXd m = Eigen::MatrixXd::Zero(d + 1, d + 1);
    for (Eigen::Index i = 0; i < d; ++i) {
        for (Eigen::Index j = 0; j < d; ++j) m(i, j) = c.a[static_cast<std::size_t>(i * d + j)] * dt;
        m(i, d) = c.b[static_cast<std::size_t>(i)] * dt;
    }
    const Eigen::MatrixXd e = m.exp();
    lmu_system s;
    s.order = c.order;
    s.a.resize(c.a.size());
    s.b.resize(c.b.size());
    for (Eigen::Index i = 0; i < d; ++i) {
        for (Eigen::Index j = 0; j < d; ++j) s.a[static_cast<std::size_t>(i * d + j)] = e(i, j);
        s.b[static_cast<std::size_t>(i)] = e(i, d);
    }
    return s;
}

}  // namespace fluxon
