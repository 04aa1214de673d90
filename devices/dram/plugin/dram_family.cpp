#include "devices/dram/plugin/dram_family.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <numeric>
#include <optional>

#include <fmt/format.h>

#include "devices/dram/dram_controller.hpp"
#include "devices/dram/dram_energy.hpp"
#include "devices/dram/dram_preset.hpp"
#include "devices/dram/dram_trace.hpp"
#include "engine/base/config_scalars.hpp"
#include "engine/base/preset_values.hpp"
#include "engine/network_builder.hpp"

namespace fluxon {
namespace {

struct dram_settings final : device_settings {
    dram_preset preset;
    std::string trace;                  // DRAMSim3-format address trace; empty: none
    std::vector<dram_request> requests; // its requests, arrival in DRAM clocks
    std::vector<std::string> projections;  // absent: every projection (and `projections = []` none)
    bool every_projection = true;
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

// The smallest value with at least a share q of `values` at or below it (0 for none).
double quantile(std::vector<double> values, double q) {
    if (values.empty()) return 0;
    const auto k = static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size())));
    const std::size_t at = std::min(values.size() - 1, k == 0 ? 0 : k - 1);
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(at), values.end());
    return values[at];
}

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
            if (!s.every_projection && std::find(listed.begin(), listed.end(), net.projections[e].name) == listed.end()) {
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
        seconds_per_tick_ = net.base.to_seconds(1);
    }

    // A trace without synaptic rows is served at once, as one batch (as DRAMSim3 serves a
    // trace); the run lasts until its last completion.
    std::optional<tick_t> run_alone() override {
        if (settings_.requests.empty() || !rows_.empty()) return std::nullopt;
        batch_.clear();
        due_.clear();
        serve_with_trace(std::numeric_limits<double>::infinity());
        const double end = static_cast<double>(memory_.stats().end) * settings_.preset.params.timing.tck;
        return static_cast<tick_t>(std::ceil(end / seconds_per_tick_));
    }

    // The window's spikes become row reads arriving at the start of their step, and the trace's
    // requests arriving before the window's end join them; the memory serves them before the
    // next window (its commands do not depend on later spikes).
    void after_window(tick_t reached) override {
        batch_.clear();
        due_.clear();
        if (!rows_.empty()) add_row_reads();
        const double end = static_cast<double>(reached) * seconds_per_tick_;
        if (next_trace_ < settings_.requests.size() || !batch_.empty()) serve_with_trace(end);
    }

    void finish() override {
        trace_after_end_ = settings_.requests.size() - next_trace_;
        charge_dram(book_, settings_.preset.params, memory_.stats());
    }
    const ledger* book() const override { return &book_; }

    device_report describe() const override {
        device_report r;
        r.family = "dram";
        r.instance = instance_;
        r.preset = settings_.preset.params.name;
        r.preset_origin = settings_.preset.origin;
        r.preset_text = settings_.preset.text;
        r.stats.add("", "bytes_per_synapse", std::int64_t{settings_.bytes_per_synapse});
        if (!settings_.trace.empty()) {
            r.stats.add("", "trace", settings_.trace);
            r.stats.add("", "trace_requests", static_cast<std::uint64_t>(settings_.requests.size()));
        }
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
        const dram_params& p = settings_.preset.params;
        const std::uint64_t requests = s.reads + s.writes;
        // Bytes the data bus moved: a burst per column command, none for a request merged into
        // another or served from the write queue.
        std::uint64_t bursts = 0;
        for (const dram_command c : {dram_command::rd, dram_command::rda, dram_command::wr, dram_command::wra}) {
            bursts += s.commands[static_cast<std::size_t>(c)];
        }
        const double busy = static_cast<double>(s.end) * tck, moved = static_cast<double>(bursts * p.org.burst_bytes);
        r.stats.add("", "rows_read", rows_read_);
        r.stats.add("", "requests", requests);
        r.stats.add("", "reads", s.reads);
        r.stats.add("", "writes", s.writes);
        r.stats.add("", "bytes_read", bytes_read_, "B");
        r.stats.add("", "row_hits", s.outcomes[static_cast<std::size_t>(dram_row_outcome::hit)]);
        r.stats.add("", "row_misses", s.outcomes[static_cast<std::size_t>(dram_row_outcome::miss)]);
        r.stats.add("", "row_conflicts", s.outcomes[static_cast<std::size_t>(dram_row_outcome::conflict)]);
        r.stats.add("", "merged_reads", s.merged_reads);
        r.stats.add("", "buffered_reads", s.buffered_reads);
        r.stats.add("", "merged_writes", s.merged_writes);
        const auto mean = [&](dram_clock sum) { return requests > 0 ? static_cast<double>(sum) / requests * tck : 0.0; };
        r.stats.add("", "mean_latency", mean(latency_sum_), "s");
        r.stats.add("", "max_latency", static_cast<double>(max_latency_) * tck, "s");
        // DRAMSim3 counts from the request's acceptance into the queue, not from its arrival.
        r.stats.add("", "mean_latency_from_accept", mean(accept_latency_sum_), "s");
        r.stats.add("", "max_latency_from_accept", static_cast<double>(max_accept_latency_) * tck, "s");
        r.stats.add("", "late_rows", late_rows_);
        r.stats.add("", "busy_until", busy, "s");
        r.stats.add("", "bandwidth", busy > 0 ? moved / busy : 0.0, "B/s");
        r.stats.add("", "peak_bandwidth", static_cast<double>(p.org.burst_bytes) * p.org.channels / (p.timing.burst * tck), "B/s");
        if (!settings_.trace.empty()) {
            r.stats.add("", "trace_after_end", static_cast<std::uint64_t>(trace_after_end_));
            r.stats.add("", "trace_latency_p50", quantile(trace_latency_, 0.5), "s");
            r.stats.add("", "trace_latency_p99", quantile(trace_latency_, 0.99), "s");
            r.stats.add("", "trace_latency_from_accept_p50", quantile(trace_accept_latency_, 0.5), "s");
            r.stats.add("", "trace_latency_from_accept_p99", quantile(trace_accept_latency_, 0.99), "s");
            data_table latencies{"trace"};
            latencies.add("latency", std::vector<double>(trace_latency_), "s");
            latencies.add("latency_from_accept", std::vector<double>(trace_accept_latency_), "s");
            r.tables.push_back(std::move(latencies));
        }
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
        r.stats.add("", "energy_per_bit", moved > 0 ? (r.static_energy + r.dynamic_energy) / (8 * moved) : 0.0, "J");
        return r;
    }

private:
    // The window's spikes as row reads in batch_, with when each row is due.
    void add_row_reads() {
        const spike_window& any = net_.populations.front().slices.front()->log().latest();
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
    }

    // Serves the row reads in batch_ together with the trace's requests that arrive before
    // `end` (s).
    void serve_with_trace(double end) {
        const std::size_t rows = batch_.size();
        const double tck = settings_.preset.params.timing.tck;
        const std::vector<dram_request>& trace = settings_.requests;
        while (next_trace_ < trace.size() && static_cast<double>(trace[next_trace_].arrival) * tck < end) {
            batch_.push_back(trace[next_trace_++]);
        }
        if (batch_.empty()) return;
        std::vector<dram_clock> accepted;
        const std::vector<dram_clock> done =
                rows == 0 || rows == batch_.size() ? serve_in_order(accepted) : serve_merged(accepted);
        for (std::size_t i = 0; i < done.size(); ++i) {
            const dram_clock latency = done[i] - batch_[i].arrival, from_accept = done[i] - accepted[i];
            latency_sum_ += latency;
            max_latency_ = std::max(max_latency_, latency);
            accept_latency_sum_ += from_accept;
            max_accept_latency_ = std::max(max_accept_latency_, from_accept);
            if (i >= rows) {
                trace_latency_.push_back(static_cast<double>(latency) * tck);
                trace_accept_latency_.push_back(static_cast<double>(from_accept) * tck);
            }
        }
        // A row is late when its last burst arrives after the step its synapses are due in.
        for (const row_due& d : due_) {
            const dram_clock ready = *std::max_element(done.begin() + static_cast<std::ptrdiff_t>(d.first_burst),
                                                       done.begin() + static_cast<std::ptrdiff_t>(d.end_burst));
            if (ready > d.due) ++late_rows_;
        }
    }

    // batch_ holds row reads, then trace requests, each in arrival order: the memory takes them
    // merged (a row read first when both arrive at one clock), completions come back in
    // batch_'s order.
    std::vector<dram_clock> serve_in_order(std::vector<dram_clock>& accepted) {
        std::vector<dram_clock> done = memory_.serve(batch_);
        accepted = memory_.accepted();
        return done;
    }

    std::vector<dram_clock> serve_merged(std::vector<dram_clock>& accepted) {
        std::vector<std::size_t> order(batch_.size());
        std::iota(order.begin(), order.end(), std::size_t{0});
        std::stable_sort(order.begin(), order.end(),
                         [&](std::size_t a, std::size_t b) { return batch_[a].arrival < batch_[b].arrival; });
        std::vector<dram_request> merged;
        merged.reserve(order.size());
        for (const std::size_t i : order) merged.push_back(batch_[i]);
        const std::vector<dram_clock> served = memory_.serve(merged);
        std::vector<dram_clock> done(order.size());
        accepted.resize(order.size());
        for (std::size_t k = 0; k < order.size(); ++k) {
            done[order[k]] = served[k];
            accepted[order[k]] = memory_.accepted()[k];
        }
        return done;
    }

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
    double seconds_per_tick_ = 0;
    std::size_t next_trace_ = 0, trace_after_end_ = 0;  // trace requests served before / left after the end
    std::vector<double> trace_latency_;                  // s, per trace request served, in trace order
    std::vector<double> trace_accept_latency_;           // the same from entering the queue
    std::vector<dram_request> batch_;
    std::vector<row_due> due_;
    std::uint64_t rows_read_ = 0, bytes_read_ = 0, late_rows_ = 0;
    dram_clock latency_sum_ = 0, max_latency_ = 0, accept_latency_sum_ = 0, max_accept_latency_ = 0;
};

class dram_family final : public device_family {
public:
    std::string_view name() const override { return "dram"; }
    std::string_view description() const override {
        return "a modelled DRAM (DDR4, LPDDR4, HBM2) holding the synaptic rows of chosen projections, read at "
               "every presynaptic spike, and serving an address trace (DRAMSim3 format) beside them or alone";
    }
    std::string_view section() const override { return "dram"; }
    std::string_view default_instance() const override { return "dram"; }
    std::vector<std::string_view> keys() const override {
        return {"preset", "trace", "projections", "bytes_per_synapse", "posted_writes", "write_buffer_reads",
                "merge_reads", "merge_writes"};
    }

    std::shared_ptr<const device_settings> read(const config_node& section) const override {
        auto s = std::make_shared<dram_settings>();
        s->site = section.site();
        const config_node preset = section.require("preset", "a DRAM preset name (such as \"ddr4_3200\") or a file path");
        s->preset = load_dram_preset(preset::read_name_or_path(preset, "DRAM preset"), preset.site());
        // The controller's handling of requests to queued bursts, over the preset's.
        for (const auto& [key, member] : {std::pair{"posted_writes", &dram_params::posted_writes},
                                          std::pair{"write_buffer_reads", &dram_params::write_buffer_reads},
                                          std::pair{"merge_reads", &dram_params::merge_reads},
                                          std::pair{"merge_writes", &dram_params::merge_writes}}) {
            if (const config_node flag = section.child(key); flag.present()) {
                s->preset.params.*member = read_bool(flag);
                const error_site at = flag.site();
                s->preset.params.sources[fmt::format("controller.{}", key)] =
                        fmt::format("config {}:{}, key 'dram.{}'", at.file, at.line, key);
            }
        }
        if (const config_node trace = section.child("trace"); trace.present()) {
            s->trace = preset::relative_to_config(trace, read_string(trace, "a DRAM trace file path"));
            std::error_code ec;
            if (!std::filesystem::is_regular_file(s->trace, ec)) trace.fail(fmt::format("no trace file '{}'", s->trace));
            s->requests = read_dram_trace(s->trace, s->preset.params.org.capacity_bytes(),
                                          last_trace_cycle(s->preset.params.timing.tck));
        }
        if (const config_node list = section.child("projections"); list.present()) {
            s->every_projection = false;
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
