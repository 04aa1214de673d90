#include "devices/dram/plugin/dram_family.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "devices/dram/dram_controller.hpp"
#include "devices/dram/dram_energy.hpp"
#include "devices/dram/dram_preset.hpp"
#include "engine/base/config_scalars.hpp"
#include "engine/base/preset_values.hpp"
#include "engine/network_builder.hpp"

namespace fluxon {
namespace {

struct dram_settings final : device_settings {
    dram_preset preset;
    std::vector<std::string> projections;  // empty: every projection
    std::vector<error_site> projection_sites;
    std::uint32_t bytes_per_synapse = 4;
    error_site site;
};

// Where one projection's rows sit: row j (presynaptic neuron j) is `bursts[j]` bursts from
// `first[j]`.
struct projection_rows {
    std::size_t projection = 0;
    std::size_t pre_population = 0;
    std::vector<std::uint64_t> first, bursts;
    std::uint64_t bytes = 0;
};

// Synapses of each presynaptic neuron of projection `e`, over every target slice (and over
// the step projections a crossbar took, whose tables keep the rows).
std::vector<std::uint64_t> synapses_per_row(const built_network& net, std::size_t e) {
    const built_projection& p = net.projections[e];
    std::vector<std::uint64_t> n(net.populations[p.pre_index].size, 0);
    const auto add = [&](const synapse_table& t) {
        if (t.projection != e) return;
        for (std::size_t j = 0; j + 1 < t.row_start.size(); ++j) n[j] += t.row_start[j + 1] - t.row_start[j];
    };
    for (const population_slice* slice : net.populations[p.post_index].slices) {
        for (const synapse_table& t : slice->incoming()) add(t);
        for (const auto& s : slice->step_projections()) add(s->table());
    }
    return n;
}

class dram_device final : public attached_device {
public:
    dram_device(const dram_settings& s, std::string instance, const built_network& net)
        : settings_(s), instance_(std::move(instance)), net_(net), memory_(s.preset.params) {
        const dram_params& p = s.preset.params;
        for (std::size_t k = 0; k < s.projections.size(); ++k) {
            const auto it = std::find_if(net.projections.begin(), net.projections.end(),
                                         [&](const built_projection& b) { return b.name == s.projections[k]; });
            if (it == net.projections.end()) {
                throw config_error(fmt::format("no projection is called '{}'", s.projections[k]), s.projection_sites[k]);
            }
        }
        // Rows are laid out projection by projection, neuron by neuron, each in whole bursts.
        std::uint64_t next = 0;
        for (std::size_t e = 0; e < net.projections.size(); ++e) {
            const auto& listed = s.projections;
            if (!listed.empty() && std::find(listed.begin(), listed.end(), net.projections[e].name) == listed.end()) {
                continue;
            }
            projection_rows rows;
            rows.projection = e;
            rows.pre_population = net.projections[e].pre_index;
            for (const std::uint64_t n : synapses_per_row(net, e)) {
                const std::uint64_t bytes = n * s.bytes_per_synapse;
                const std::uint64_t bursts = (bytes + p.org.burst_bytes - 1) / p.org.burst_bytes;
                rows.first.push_back(next);
                rows.bursts.push_back(bursts);
                rows.bytes += bytes;
                next += bursts * p.org.burst_bytes;
            }
            if (next > p.org.capacity_bytes()) {
                throw network_error(fmt::format("the synaptic rows up to projection '{}' take {} bytes, more than the "
                                                "{} bytes of DRAM preset '{}'",
                                                net.projections[e].name, next, p.org.capacity_bytes(), p.name),
                                    {.key = s.site.key, .node = net.projections[e].name, .resource = "dram capacity"});
            }
            rows_.push_back(std::move(rows));
        }
        step_clocks_ = net.dt / p.timing.tck;
    }

    // The window's spikes become row reads arriving at the start of their step; the memory
    // serves them before the next window (its commands do not depend on later spikes).
    void after_window() override {
        const spike_window& any = net_.populations.front().slices.front()->log().latest();
        batch_.clear();
        due_.clear();
        for (std::size_t q = 0; q < any.steps.size(); ++q) {
            const std::int64_t step = any.steps[q];
            const auto arrival = static_cast<dram_clock>(std::ceil(static_cast<double>(step) * step_clocks_));
            const auto next_step = static_cast<dram_clock>(std::ceil(static_cast<double>(step + 1) * step_clocks_));
            for (const projection_rows& rows : rows_) {
                for (const population_slice* slice : net_.populations[rows.pre_population].slices) {
                    const spike_window& w = slice->log().latest();
                    for (std::uint32_t k = w.begin_of(q); k < w.step_end[q]; ++k) {
                        const std::uint32_t j = w.ids[k];
                        if (rows.bursts[j] == 0) continue;
                        for (std::uint64_t b = 0; b < rows.bursts[j]; ++b) {
                            batch_.push_back({rows.first[j] + b * settings_.preset.params.org.burst_bytes, false, arrival});
                        }
                        due_.push_back({batch_.size() - rows.bursts[j], batch_.size(), next_step});
                        bytes_read_ += rows.bursts[j] * settings_.preset.params.org.burst_bytes;
                        ++rows_read_;
                    }
                }
            }
        }
        if (batch_.empty()) return;
        const std::vector<dram_clock> done = memory_.serve(batch_);
        for (std::size_t i = 0; i < batch_.size(); ++i) {
            const dram_clock latency = done[i] - batch_[i].arrival;
            latency_sum_ += latency;
            max_latency_ = std::max(max_latency_, latency);
        }
        // A row is late when its last burst arrives after the step its synapses are due in.
        for (const row_due& d : due_) {
            const dram_clock ready = *std::max_element(done.begin() + static_cast<std::ptrdiff_t>(d.first_burst),
                                                       done.begin() + static_cast<std::ptrdiff_t>(d.end_burst));
            if (ready > d.due) ++late_rows_;
        }
    }

    void finish() override { charge_dram(book_, settings_.preset.params, memory_.stats()); }
    const ledger* book() const override { return &book_; }

    device_report describe() const override {
        device_report r;
        r.family = "dram";
        r.instance = instance_;
        r.preset = settings_.preset.params.name;
        r.preset_origin = settings_.preset.origin;
        r.preset_text = settings_.preset.text;
        r.stats.add("", "bytes_per_synapse", std::int64_t{settings_.bytes_per_synapse});
        r.stats.add("", "tck", settings_.preset.params.timing.tck, "s");
        data_table projections{"projections"};
        std::vector<std::string> name;
        std::vector<std::int64_t> rows, first_address, bytes;
        for (const projection_rows& p : rows_) {
            name.push_back(net_.projections[p.projection].name);
            rows.push_back(static_cast<std::int64_t>(p.first.size()));
            first_address.push_back(p.first.empty() ? 0 : static_cast<std::int64_t>(p.first.front()));
            bytes.push_back(static_cast<std::int64_t>(p.bytes));
        }
        projections.add("name", std::move(name)).add("rows", std::move(rows));
        projections.add("first_address", std::move(first_address)).add("bytes", std::move(bytes), "B");
        r.tables.push_back(std::move(projections));
        return r;
    }

    device_report report() const override {
        device_report r = describe();
        const dram_stats& s = memory_.stats();
        const double tck = settings_.preset.params.timing.tck;
        r.stats.add("", "rows_read", rows_read_);
        r.stats.add("", "reads", s.reads);
        r.stats.add("", "bytes_read", bytes_read_, "B");
        r.stats.add("", "row_hits", s.outcomes[static_cast<std::size_t>(dram_row_outcome::hit)]);
        r.stats.add("", "row_misses", s.outcomes[static_cast<std::size_t>(dram_row_outcome::miss)]);
        r.stats.add("", "row_conflicts", s.outcomes[static_cast<std::size_t>(dram_row_outcome::conflict)]);
        r.stats.add("", "mean_latency", s.reads > 0 ? static_cast<double>(latency_sum_) / s.reads * tck : 0.0, "s");
        r.stats.add("", "max_latency", static_cast<double>(max_latency_) * tck, "s");
        r.stats.add("", "late_rows", late_rows_);
        r.stats.add("", "busy_until", static_cast<double>(s.end) * tck, "s");
        data_table commands{"commands"};
        std::vector<std::string> name;
        std::vector<std::int64_t> count;
        for (std::size_t c = 0; c < dram_command_count; ++c) {
            name.emplace_back(dram_command_name(static_cast<dram_command>(c)));
            count.push_back(static_cast<std::int64_t>(s.commands[c]));
        }
        commands.add("command", std::move(name)).add("count", std::move(count));
        r.tables.push_back(std::move(commands));
        r.set_ledger(book_);
        return r;
    }

private:
    struct row_due {
        std::size_t first_burst = 0, end_burst = 0;  // in the batch
        dram_clock due = 0;                          // the start of the step after the spike's
    };

    const dram_settings& settings_;
    std::string instance_;
    const built_network& net_;
    dram_system memory_;
    ledger book_;
    std::vector<projection_rows> rows_;
    double step_clocks_ = 0;  // DRAM clocks per simulation step
    std::vector<dram_request> batch_;
    std::vector<row_due> due_;
    std::uint64_t rows_read_ = 0, bytes_read_ = 0, late_rows_ = 0;
    dram_clock latency_sum_ = 0, max_latency_ = 0;
};

class dram_family final : public device_family {
public:
    std::string_view name() const override { return "dram"; }
    std::string_view description() const override {
        return "synaptic rows of chosen projections in a modelled DRAM (DDR4, LPDDR4, HBM2), read at every "
               "presynaptic spike";
    }
    std::string_view section() const override { return "dram"; }
    std::string_view default_instance() const override { return "dram"; }
    std::vector<std::string_view> keys() const override { return {"preset", "projections", "bytes_per_synapse"}; }

    std::shared_ptr<const device_settings> read(const config_node& section) const override {
        auto s = std::make_shared<dram_settings>();
        s->site = section.site();
        const config_node preset = section.require("preset", "a DRAM preset name (such as \"ddr4_3200\") or a file path");
        s->preset = load_dram_preset(preset::read_name_or_path(preset, "DRAM preset"), preset.site());
        if (const config_node list = section.child("projections"); list.present()) {
            for (const config_node& item : list.items("a list of projection names")) {
                s->projections.push_back(read_string(item, "a projection name"));
                s->projection_sites.push_back(item.site());
            }
        }
        if (const config_node bytes = section.child("bytes_per_synapse"); bytes.present()) {
            const std::int64_t value = read_integer(bytes, "a number of bytes >= 1");
            if (value < 1 || value > (1 << 20)) {
                bytes.fail(fmt::format("bytes_per_synapse must be from 1 to 1048576, got {}", value));
            }
            s->bytes_per_synapse = static_cast<std::uint32_t>(value);
        }
        return s;
    }

    std::unique_ptr<attached_device> attach(const device_settings& settings, attach_context& ctx) const override {
        return std::make_unique<dram_device>(static_cast<const dram_settings&>(settings), ctx.request.instance,
                                             ctx.net);
    }

    std::vector<std::string> preset_names() const override { return dram_preset_names(); }
    std::string preset_text(const std::string& name) const override { return load_dram_preset(name, {}).text; }
    std::string preset_summary(const std::string& name) const override {
        const dram_params& d = load_dram_preset(name, {}).params;
        return fmt::format("{} GiB, {:.4g} GB/s peak; {}", static_cast<double>(d.org.capacity_bytes()) / (1u << 30),
                           d.org.burst_bytes * d.org.channels / (d.timing.burst * d.timing.tck) / 1e9, d.description);
    }
};

}  // namespace

std::unique_ptr<device_family> make_dram_family() { return std::make_unique<dram_family>(); }

}  // namespace fluxon
