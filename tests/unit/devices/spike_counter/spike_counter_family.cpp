#include "tests/unit/devices/spike_counter/spike_counter_family.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "engine/base/config_scalars.hpp"
#include "engine/network_builder.hpp"

namespace fluxon::test {
namespace {

struct counter_settings final : device_settings {
    double energy_per_spike = 0;  // J
    std::vector<std::string> populations;  // empty: every population
    std::vector<error_site> population_sites;
};

class spike_counter final : public attached_device {
public:
    spike_counter(const counter_settings& s, const built_network& net, const std::string& instance)
        : net_(net), instance_(instance) {
        for (std::size_t k = 0; k < s.populations.size(); ++k) {
            const auto it = std::find_if(net.populations.begin(), net.populations.end(),
                                         [&](const built_population& p) { return p.name == s.populations[k]; });
            if (it == net.populations.end()) {
                throw config_error(fmt::format("no population is called '{}'", s.populations[k]), s.population_sites[k]);
            }
            watched_.push_back(static_cast<std::size_t>(it - net.populations.begin()));
        }
        if (s.populations.empty()) {
            for (std::size_t p = 0; p < net.populations.size(); ++p) watched_.push_back(p);
        }
        for (std::size_t p : watched_) {
            counters_.push_back(book_.add_action(instance + "/" + net.populations[p].name, "spike",
                                                 {s.energy_per_spike, 0, "test: energy_per_spike"}));
        }
    }

    void after_window(tick_t) override {
        for (std::size_t k = 0; k < watched_.size(); ++k) {
            for (const population_slice* slice : net_.populations[watched_[k]].slices) {
                book_.charge(counters_[k], slice->log().latest().ids.size());
            }
        }
    }

    const ledger* book() const override { return &book_; }

    device_report describe() const override {
        device_report r;
        r.family = "spike_counter";
        r.instance = instance_;
        data_table watched{"watched"};
        std::vector<std::string> names;
        for (std::size_t p : watched_) names.push_back(net_.populations[p].name);
        watched.add("population", std::move(names));
        r.tables.push_back(std::move(watched));
        return r;
    }

    device_report report() const override {
        device_report r = describe();
        std::uint64_t spikes = 0;
        for (const ledger::counter c : counters_) spikes += book_.count(c);
        r.stats.add("", "spikes", spikes);
        r.set_ledger(book_);
        return r;
    }

private:
    const built_network& net_;
    std::string instance_;
    std::vector<std::size_t> watched_;
    ledger book_;
    std::vector<ledger::counter> counters_;
};

class spike_counter_family final : public device_family {
public:
    std::string_view name() const override { return "spike_counter"; }
    std::string_view description() const override { return "charges a fixed energy per spike (a test family)"; }
    std::string_view section() const override { return "spike_counter"; }
    std::string_view default_instance() const override { return "counter"; }
    std::vector<std::string_view> keys() const override { return {"energy_per_spike", "populations"}; }

    std::shared_ptr<const device_settings> read(const config_node& section) const override {
        auto s = std::make_shared<counter_settings>();
        const config_node energy = section.require("energy_per_spike", "an energy such as \"2 pJ\"");
        s->energy_per_spike = resolve_quantity(read_quantity(energy, dimension::energy), dimension::energy,
                                               "energy_per_spike");
        if (!(s->energy_per_spike >= 0)) energy.fail("energy_per_spike must not be negative");
        if (const config_node list = section.child("populations"); list.present()) {
            for (const config_node& item : list.items("a list of population names")) {
                s->populations.push_back(read_string(item, "a population name"));
                s->population_sites.push_back(item.site());
            }
        }
        return s;
    }

    std::unique_ptr<attached_device> attach(const device_settings& settings, attach_context& ctx) const override {
        return std::make_unique<spike_counter>(static_cast<const counter_settings&>(settings), ctx.net,
                                               ctx.request.instance);
    }
};

}  // namespace

std::unique_ptr<device_family> make_spike_counter_family() { return std::make_unique<spike_counter_family>(); }

}  // namespace fluxon::test
