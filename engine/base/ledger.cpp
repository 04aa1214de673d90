#include "engine/base/ledger.hpp"

namespace fluxon {

void ledger_columns::append(const ledger_columns& other) {
    const auto extend = [](auto& to, const auto& from) { to.insert(to.end(), from.begin(), from.end()); };
    extend(component, other.component);
    extend(action, other.action);
    extend(source, other.source);
    extend(count, other.count);
    extend(energy, other.energy);
    extend(latency, other.latency);
}

ledger::counter ledger::add_action(const std::string& component, const std::string& action, action_cost cost) {
    actions_.push_back({component, action, std::move(cost)});
    counts_.push_back(0);
    return static_cast<counter>(actions_.size() - 1);
}

void ledger::add_static(const std::string& component, double power, std::string source) {
    statics_.push_back({component, power, std::move(source)});
}

std::vector<ledger_row> ledger::rows() const {
    std::vector<ledger_row> out;
    for (std::size_t i = 0; i < actions_.size(); ++i) {
        if (counts_[i] == 0) continue;
        const auto& a = actions_[i];
        const auto n = static_cast<double>(counts_[i]);
        out.push_back({a.component, a.action, counts_[i], n * a.cost.energy, n * a.cost.latency, a.cost.source});
    }
    for (const auto& s : statics_) {
        out.push_back({s.component, "static", 1, s.power * run_time_, run_time_, s.source});
    }
    return out;
}

ledger_columns ledger::columns() const {
    ledger_columns c;
    for (const ledger_row& r : rows()) {
        c.component.push_back(r.component);
        c.action.push_back(r.action);
        c.source.push_back(r.source);
        c.count.push_back(static_cast<std::int64_t>(r.count));
        c.energy.push_back(r.energy);
        c.latency.push_back(r.latency);
    }
    return c;
}

double ledger::dynamic_energy() const {
    double e = 0;
    for (std::size_t i = 0; i < actions_.size(); ++i) {
        if (actions_[i].action != static_action) e += static_cast<double>(counts_[i]) * actions_[i].cost.energy;
    }
    return e;
}

double ledger::static_energy() const {
    double e = 0;
    for (std::size_t i = 0; i < actions_.size(); ++i) {
        if (actions_[i].action == static_action) e += static_cast<double>(counts_[i]) * actions_[i].cost.energy;
    }
    for (const auto& s : statics_) e += s.power * run_time_;
    return e;
}

}  // namespace fluxon
