#include "devices/neuromorphic/chip_model.hpp"

#include <algorithm>
#include <numeric>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "devices/dram/dram_energy.hpp"
#include "engine/base/errors.hpp"

namespace fluxon {

double barrier_sync_time(const chip_params& chip, std::uint32_t tiles) {
    const auto& points = chip.barrier_sync;
    if (points.empty()) return 0;
    if (tiles <= points.front().first) return points.front().second;
    for (std::size_t k = 1; k < points.size(); ++k) {
        const auto [t1, s1] = points[k];
        if (tiles > t1) continue;
        const auto [t0, s0] = points[k - 1];
        return s0 + (s1 - s0) * (static_cast<double>(tiles - t0) / static_cast<double>(t1 - t0));
    }
    return points.back().second;
}

namespace {

std::array<hw_time, 3> hop_latencies(const chip_params& chip) {
    return {to_hw_time(chip.noc.hop_east_west.latency), to_hw_time(chip.noc.hop_north_south.latency),
            to_hw_time(chip.noc.hop_tree.latency)};
}

const action_cost& hop_cost(const chip_params& chip, hop_kind kind) {
    switch (kind) {
        case hop_kind::east_west: return chip.noc.hop_east_west;
        case hop_kind::north_south: return chip.noc.hop_north_south;
        case hop_kind::tree: break;
    }
    return chip.noc.hop_tree;
}

}  // namespace

chip_model::chip_model(const chip_params& chip, const core_mapping& mapping, const noc_topology& topology,
                       ledger& book, chip_run_options options, const dram_params* dram,
                       std::vector<chip_array_port> ports)
    : chip_(chip),
      mapping_(mapping),
      topology_(topology),
      ledger_(book),
      options_(options),
      noc_(topology, hop_latencies(chip), to_hw_time(chip.noc.link_cycle)),
      period_(to_hw_time(options.step_period)),
      t_active_(to_hw_time(chip.update_active.latency)),
      t_inactive_(to_hw_time(chip.update_inactive.latency)),
      t_message_out_(to_hw_time(chip.message_out.latency)),
      t_message_in_(to_hw_time(chip.message_in.latency)),
      t_synapse_op_(to_hw_time(chip.synapse_op.latency)),
      ports_(std::move(ports)) {
    std::set<std::uint32_t> tiles;
    for (std::size_t c = 0; c < mapping.cores.size(); ++c) {
        const std::string core = fmt::format("chip/core[{}]", c);
        counters_.push_back({book.add_action(core + "/synapse", "spike_op", chip.synapse_op),
                             book.add_action(core + "/soma", "update_active", chip.update_active),
                             book.add_action(core + "/soma", "update_inactive", chip.update_inactive),
                             book.add_action(core + "/axon_out", "message", chip.message_out),
                             book.add_action(core + "/axon_in", "message", chip.message_in)});
        book.add_static(core, chip.core_static_power, chip.core_static_source);
        tiles.insert(mapping.cores[c].tile);
    }
    for (std::uint32_t l = 0; l < topology.links(); ++l) {
        link_counters_.push_back(book.add_action(fmt::format("chip/noc/link[{}]", topology.link_name(l)), "hop",
                                                 hop_cost(chip, topology.link_kind(l))));
    }
    // The ports' rows come after every core's and link's, so a chip without ports keeps its
    // ledger as it was.
    if (!ports_.empty()) ports_of_.resize(mapping.core_of.size());
    for (std::uint32_t q = 0; q < ports_.size(); ++q) {
        const chip_array_port& port = ports_[q];
        if (port.pre_population >= ports_of_.size() ||
            port.sends.size() != mapping.core_of[port.pre_population].size()) {
            throw internal_error(fmt::format("array port of {} does not fit the mapping", port.projection));
        }
        const std::string name = fmt::format("chip/array_port[{}]", port.projection);
        port_counters_.push_back({book.add_action(name, "message_in", chip.message_in),
                                  book.add_action(name, "message_out", chip.message_out)});
        ports_of_[port.pre_population].push_back(q);
    }
    port_last_.assign(ports_.size(), 0);
    port_hit_.assign(ports_.size(), 0);
    active_tiles_ = static_cast<std::uint32_t>(tiles.size());
    barrier_ = to_hw_time(barrier_sync_time(chip, active_tiles_));
    core_ready_.assign(mapping.cores.size(), 0);
    synapse_free_.assign(mapping.cores.size(), 0);
    if (!mapping.dram_rows.empty()) {
        if (dram == nullptr) {
            throw internal_error("synaptic rows placed in DRAM but no DRAM given to the chip model");
        }
        dram_params_ = dram;
        dram_ = std::make_unique<dram_system>(*dram);
        dram_->serve({});  // an idle start: its statistics have their channels from now on
        t_dram_clock_ = to_hw_time(dram->timing.tck);
        if (t_dram_clock_ <= 0) {
            throw config_error(fmt::format("DRAM {}: a clock period of {:g} s is below the femtosecond that "
                                           "hardware time counts in",
                                           dram->name, dram->timing.tck),
                               {});
        }
    }
}

chip_model::~chip_model() = default;

// The DRAM reads of this step's rows off chip, as one batch in the order the messages reach
// their cores; each row is ready when its last burst has arrived. A message reaches the
// controller at the first DRAM clock edge not before it reaches its core, and never before
// an earlier step's requests (with a fixed period, a congested step's messages can still be
// arriving after the next step's first ones: the controller takes them in order).
void chip_model::fetch_rows() {
    requests_.clear();
    row_ready_.assign(messages_.size(), 0);
    last_burst_of_.assign(messages_.size(), 0);
    const std::uint64_t burst_bytes = dram_params_->org.burst_bytes;
    for (const std::uint32_t k : order_) {
        const dram_row& row = messages_[k].row;
        if (row.bursts == 0) continue;
        const dram_clock at = std::max(last_request_, (arrivals_[k] + t_dram_clock_ - 1) / t_dram_clock_);
        last_request_ = at;
        for (std::uint64_t b = 0; b < row.bursts; ++b) {
            requests_.push_back({row.address + b * burst_bytes, false, at});
        }
        last_burst_of_[k] = requests_.size();
    }
    if (requests_.empty()) return;
    const std::vector<dram_clock> done = dram_->serve(requests_);
    stats_.dram_reads += requests_.size();
    for (const std::uint32_t k : order_) {
        const dram_row& row = messages_[k].row;
        if (row.bursts == 0) continue;
        const auto first = static_cast<std::ptrdiff_t>(last_burst_of_[k] - row.bursts);
        const auto last = static_cast<std::ptrdiff_t>(last_burst_of_[k]);
        row_ready_[k] = dram_time(*std::max_element(done.begin() + first, done.begin() + last));
    }
}

void chip_model::step(std::int64_t step, std::span<const std::span<const std::uint32_t>> spikes,
                      std::span<const std::uint32_t> active, std::vector<late_message>& late) {
    const hw_time start = period_ > 0 ? step * period_ : next_start_;
    hw_time end = start;
    for (std::size_t c = 0; c < mapping_.cores.size(); ++c) {
        const std::uint32_t n = mapping_.cores[c].neurons, a = active[c];
        ledger_.charge(counters_[c].update_active, a);
        ledger_.charge(counters_[c].update_inactive, n - a);
        core_ready_[c] = start + a * t_active_ + (n - a) * t_inactive_;
        end = std::max(end, core_ready_[c]);
    }

    // A core sends its spikes' messages one after another once its neurons are updated.
    sends_.clear();
    messages_.clear();
    const bool rows_in_dram = !mapping_.dram_rows.empty();
    for (std::uint32_t p = 0; p < spikes.size(); ++p) {
        const auto& begin = mapping_.dest_begin[p];
        const auto& dest = mapping_.destinations[p];
        for (const std::uint32_t i : spikes[p]) {
            const std::uint32_t src = mapping_.core_of[p][i];
            for (auto k = begin[i]; k < begin[i + 1]; ++k) {
                const core_destination d = dest[k];
                core_ready_[src] += t_message_out_;
                sends_.push_back({core_ready_[src], mapping_.cores[src].tile, mapping_.cores[d.core].tile});
                const dram_row row = rows_in_dram ? mapping_.dram_rows[p][k] : dram_row{};
                messages_.push_back({p, i, d.core, d.synapses, row});
                ledger_.charge(counters_[src].message_out);
                ledger_.charge(counters_[d.core].message_in);
                ledger_.charge(counters_[d.core].synapse_op, d.synapses);
                stats_.synaptic_events += d.synapses;
            }
            if (ports_of_.empty()) continue;
            // Leg 1: after its messages to cores, one message to the port of each projection
            // in arrays where it has synapses.
            for (const std::uint32_t q : ports_of_[p]) {
                const chip_array_port& port = ports_[q];
                if (port.sends[i] == 0) continue;
                core_ready_[src] += t_message_out_;
                sends_.push_back({core_ready_[src], mapping_.cores[src].tile, port.tile});
                messages_.push_back({p, i, q, 0, dram_row{}, leg::to_port});
                ledger_.charge(counters_[src].message_out);
                ledger_.charge(port_counters_[q].message_in);
            }
        }
    }
    arrivals_.resize(sends_.size());
    noc_.deliver(sends_, arrivals_);
    stats_.messages += sends_.size();
    if (!ports_.empty()) send_from_ports(end);

    // Destination cores take messages in the order they arrive.
    order_.resize(messages_.size());
    std::iota(order_.begin(), order_.end(), 0u);
    std::sort(order_.begin(), order_.end(), [&](std::uint32_t a, std::uint32_t b) {
        return arrivals_[a] != arrivals_[b] ? arrivals_[a] < arrivals_[b] : a < b;
    });
    if (dram_) fetch_rows();
    const hw_time next_step = start + period_;
    for (const std::uint32_t k : order_) {
        const pending_message& m = messages_[k];
        if (m.kind == leg::to_port) continue;  // taken at the port (send_from_ports)
        hw_time& free = synapse_free_[m.core];
        hw_time begin = std::max(free, arrivals_[k]);
        if (m.row.bursts > 0 && row_ready_[k] > begin) {
            stats_.dram_stall += row_ready_[k] - begin;
            begin = row_ready_[k];
        }
        free = begin + t_message_in_ + m.synapses * t_synapse_op_;
        end = std::max(end, free);
        if (period_ > 0 && free > next_step) {
            const auto extra = static_cast<std::uint32_t>((free - next_step + period_ - 1) / period_);
            ++stats_.late_messages;
            stats_.max_extra_steps = std::max(stats_.max_extra_steps, extra);
            // A late leg-2 message is only counted: the arrays deliver its inputs on their own
            // time (no late_table entry).
            if (options_.timed && m.kind == leg::core) late.push_back({step, m.population, m.neuron, m.core, extra});
        }
    }

    const hw_time step_time = end - start + barrier_;
    stats_.max_step_time = std::max(stats_.max_step_time, step_time);
    if (period_ > 0) {
        if (step_time > period_) ++stats_.overrun_steps;
        stats_.hardware_time = (step + 1) * period_;
    } else {
        next_start_ = start + step_time;
        stats_.hardware_time = next_start_;
    }
    ++stats_.steps;
}

// Leg 2: once the step's leg-1 messages are delivered, every port that received one sends one
// message to each core of its post population, all leaving when its last leg-1 message
// arrived, as a second batch on the network (link occupancy carries over from the first).
// Their arrivals are appended to arrivals_, parallel to messages_.
void chip_model::send_from_ports(hw_time& end) {
    std::fill(port_hit_.begin(), port_hit_.end(), std::uint8_t{0});
    std::fill(port_last_.begin(), port_last_.end(), hw_time{0});
    for (std::size_t k = 0; k < messages_.size(); ++k) {
        const pending_message& m = messages_[k];
        if (m.kind != leg::to_port) continue;
        port_hit_[m.core] = 1;
        port_last_[m.core] = std::max(port_last_[m.core], arrivals_[k]);
        end = std::max(end, arrivals_[k]);
        ++stats_.array_messages;
    }
    port_sends_.clear();
    for (std::uint32_t q = 0; q < ports_.size(); ++q) {
        if (port_hit_[q] == 0) continue;
        const chip_array_port& port = ports_[q];
        for (const std::uint32_t c : port.cores) {
            port_sends_.push_back({port_last_[q], port.tile, mapping_.cores[c].tile});
            messages_.push_back({0, 0, c, 0, dram_row{}, leg::from_port});
            ledger_.charge(port_counters_[q].message_out);
            ledger_.charge(counters_[c].message_in);
        }
    }
    if (port_sends_.empty()) return;
    port_arrivals_.resize(port_sends_.size());
    noc_.deliver(port_sends_, port_arrivals_);
    arrivals_.insert(arrivals_.end(), port_arrivals_.begin(), port_arrivals_.end());
    stats_.messages += port_sends_.size();
    stats_.array_messages += port_sends_.size();
}

void chip_model::finish() {
    const auto& per_link = noc_.link_messages();
    stats_.hops = 0;
    for (std::size_t l = 0; l < per_link.size(); ++l) {
        ledger_.charge(link_counters_[l], per_link[l] - ledger_.count(link_counters_[l]));
        stats_.hops += per_link[l];
    }
    stats_.queueing_delay = noc_.queueing_delay();
    // The DRAM's background runs over its own clock span: up to its last completion.
    if (dram_) charge_dram(ledger_, *dram_params_, dram_->stats());
    ledger_.set_run_time(hw_seconds(stats_.hardware_time));
}

}  // namespace fluxon
