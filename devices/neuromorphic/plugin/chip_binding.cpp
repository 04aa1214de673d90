#include "devices/neuromorphic/plugin/chip_binding.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "devices/neuromorphic/fixed_point.hpp"

namespace fluxon {
namespace {

// Every synapse of the network as (pre population, pre, post population, post); the placed
// layers of a layered network follow the populations.
connectivity_walk walk_of(const built_network& net) {
    return [&net](const synapse_visitor& visit) {
        if (net.layers != nullptr) {
            const auto first = static_cast<std::uint32_t>(net.populations.size());
            net.layers->for_each_synapse([&](std::uint32_t pre, std::uint32_t j, std::uint32_t post, std::uint32_t i) {
                visit(first + pre, j, first + post, i);
            });
        }
        for (std::size_t e = 0; e < net.projections.size(); ++e) {
            const auto& proj = net.projections[e];
            const auto pre = static_cast<std::uint32_t>(proj.pre_index);
            const auto post = static_cast<std::uint32_t>(proj.post_index);
            for (const population_slice* slice : net.populations[proj.post_index].slices) {
                for (const synapse_table& t : slice->incoming()) {
                    if (t.projection != e) continue;
                    for (std::uint32_t j = 0; j + 1 < t.row_start.size(); ++j) {
                        for (auto k = t.row_start[j]; k < t.row_start[j + 1]; ++k) {
                            visit(pre, j, post, slice->first_id() + t.target(k));
                        }
                    }
                }
            }
        }
    };
}

// A mapper error names the population or layer; point it at where it was declared too.
error_site located(error_site site, const net::experiment_spec& spec) {
    const auto point = [&](const error_site& declared) {
        site.file = declared.file;
        site.line = declared.line;
        site.key = declared.key;
    };
    for (const auto& p : spec.network.populations) {
        if (p.name == site.node && site.file.empty()) point(p.site);
    }
    for (const auto& l : spec.network.layers) {
        if (l.name == site.node && site.file.empty()) point(l.site);
    }
    return site;
}

}  // namespace

chip_binding::chip_binding(const chip_settings& settings, const net::experiment_spec& experiment, built_network& net)
    : chip_(settings.chip), net_(net), options_(settings.options) {
    if (settings.synapse_dram) dram_ = settings.synapse_dram->params;
    // Refuse up front a fixed period whose hardware time would overflow, rather than fail at
    // the step that does.
    if (options_.step_period > 0) {
        const double steps = static_cast<double>(net.end_ticks) / static_cast<double>(net.dt_ticks);
        try {
            to_hw_time(steps * options_.step_period);
        } catch (const time_error& e) {
            throw config_error(fmt::format("{:g} steps of step_period {:g} s: {}", steps, options_.step_period,
                                           e.detail()),
                               settings.step_period_site);
        }
    }
    for (const auto& p : net.populations) placed_names_.push_back(p.name);
    first_layer_ = placed_names_.size();
    if (net.layers != nullptr) {
        if (options_.timed) {
            throw config_error("a layered network runs on the chip in annotated fidelity only: its layers pass "
                               "events within a step, which a late message could not join",
                               settings.fidelity_site);
        }
        for (const built_layer& l : net.layers->layers()) {
            const auto refuse = [&](const std::string& why) {
                error_site site = settings.site;
                site.node = l.name;
                throw network_error(why, site);
            };
            if (l.kind->separate_inputs() > 0) {
                refuse(fmt::format("layer '{}' ({}) multiplies activation streams with each other: its operands "
                                   "change every step, which a chip's programmed synapses cannot hold; dynamic "
                                   "operands on a chip are not modelled yet",
                                   l.name, l.kind->name()));
            }
            if (l.kind->internal_weights()) {
                refuse(fmt::format("layer '{}' ({}) applies weight matrices inside the layer (a recurrent cell); "
                                   "the chip maps connection layers as synapses and would not count them: such "
                                   "cells on a chip are not modelled yet",
                                   l.name, l.kind->name()));
            }
            if (!l.computed_by.empty()) {
                refuse(fmt::format("layer '{}' is computed in the {} arrays: a layered network with layers in "
                                   "arrays beside a chip is not modelled yet (the traffic between cores and "
                                   "arrays); map it on the chip or on the arrays",
                                   l.name, l.computed_by));
            }
        }
        for (const std::size_t p : net.layers->neuron_layers()) placed_names_.push_back(net.layers->layers()[p].name);
        net.layers->keep_event_log();
    }
    topology_ = make_topology(chip_);
    map(settings, experiment);
    quantize_weights();
    attach_slices();
    const dram_params* dram_ptr = dram_ ? &*dram_ : nullptr;
    model_ = std::make_unique<chip_model>(chip_, mapping_, *topology_, ledger_, options_, dram_ptr, place_array_ports());
    spikes_.resize(placed_names_.size());
    spike_spans_.resize(placed_names_.size());
    active_.resize(mapping_.cores.size());
}

void chip_binding::map(const chip_settings& settings, const net::experiment_spec& experiment) {
    std::vector<mapper_population> populations;
    for (const auto& p : net_.populations) populations.push_back({p.name, p.size});
    if (net_.layers != nullptr) {
        for (const std::size_t p : net_.layers->neuron_layers()) {
            const built_layer& l = net_.layers->layers()[p];
            populations.push_back({l.name, static_cast<std::uint32_t>(l.shape.size())});
        }
    }
    mapper_options mo;
    mo.strategy = settings.mapper;
    mo.chunk_neurons = settings.chunk_neurons;
    mo.seed = net_.seed;
    // With a DRAM behind the cores, a core's synapse memory is a cache of rows, not a limit.
    chip_params limits = chip_;
    if (dram_) limits.synapses_per_core.value = 0;
    try {
        mapping_ = map_to_cores(populations, walk_of(net_), limits, topology_->placement_order(), mo);
        if (dram_) {
            const dram_row_memory memory{dram_->name, dram_->org.capacity_bytes(), dram_->org.burst_bytes,
                                         settings.bytes_per_synapse};
            place_rows_in_dram(mapping_, populations, chip_.synapses_per_core.value, memory);
        }
    } catch (const network_error& e) {
        throw network_error(e.detail(), located(e.site(), experiment));
    }
}

void chip_binding::quantize_weights() {
    exponents_.assign(net_.projections.size(), 0);
    if (chip_.weight_bits == 0) return;
    std::vector<double> max_abs(net_.projections.size(), 0.0);
    const auto each_table = [&](auto&& fn) {
        for (auto& pop : net_.populations) {
            for (auto* slice : pop.slices) {
                for (auto& t : slice->incoming()) fn(t);
            }
        }
    };
    each_table([&](synapse_table& t) {
        for (std::size_t k = 0; k < t.size(); ++k) {
            max_abs[t.projection] = std::max(max_abs[t.projection], std::fabs(double{t.weight(k)}));
        }
    });
    for (std::size_t e = 0; e < max_abs.size(); ++e) exponents_[e] = weight_exponent(max_abs[e], chip_.weight_bits);
    each_table([&](synapse_table& t) {
        t.transform_weights([&](float w) { return static_cast<float>(quantize_weight(w, exponents_[t.projection])); });
    });
}

void chip_binding::attach_slices() {
    for (std::size_t p = 0; p < net_.populations.size(); ++p) {
        for (population_slice* slice : net_.populations[p].slices) {
            std::vector<input_group> groups;
            const std::uint32_t first = slice->first_id(), last = first + slice->size();
            for (const core_chunk& c : mapping_.chunks) {
                if (c.population != p || c.first + c.size <= first || c.first >= last) continue;
                groups.push_back({std::min(c.first + c.size, last) - first, c.core});
            }
            group_cores_.emplace_back();
            for (const auto& g : groups) group_cores_.back().push_back(g.group);
            slice->track_input_groups(std::move(groups), options_.timed ? &late_ : nullptr);
        }
    }
}

// One array port per projection whose synapses reach the chip's slices as step projections
// (crossbar arrays, or any device delivering a whole step at a time): on the tile of the core
// holding most of its post population's neurons (ties: the lowest core id). A presynaptic
// neuron sends to it when its row is non-empty in any post slice's table.
std::vector<chip_array_port> chip_binding::place_array_ports() const {
    std::vector<chip_array_port> ports;
    for (std::size_t e = 0; e < net_.projections.size(); ++e) {
        const auto& proj = net_.projections[e];
        const auto pre = static_cast<std::uint32_t>(proj.pre_index);
        const auto post = static_cast<std::uint32_t>(proj.post_index);
        chip_array_port port;
        bool in_arrays = false;
        port.sends.assign(mapping_.core_of[pre].size(), 0);
        for (const population_slice* slice : net_.populations[post].slices) {
            for (const auto& sp : slice->step_projections()) {
                const synapse_table& t = sp->table();
                if (t.projection != e) continue;
                in_arrays = true;
                for (std::size_t j = 0; j + 1 < t.row_start.size() && j < port.sends.size(); ++j) {
                    if (t.row_start[j + 1] > t.row_start[j]) port.sends[j] = 1;
                }
            }
        }
        if (!in_arrays) continue;
        std::vector<std::uint32_t> hosted(mapping_.cores.size(), 0);
        for (const std::uint32_t c : mapping_.core_of[post]) ++hosted[c];
        std::uint32_t best = 0;
        for (std::uint32_t c = 0; c < hosted.size(); ++c) {
            if (hosted[c] > 0) port.cores.push_back(c);
            if (hosted[c] > hosted[best]) best = c;
        }
        port.projection = proj.name;
        port.pre_population = pre;
        port.tile = mapping_.cores[best].tile;
        ports.push_back(std::move(port));
    }
    return ports;
}

void chip_binding::account_window() {
    late_messages_.clear();
    const spike_window* any = net_.populations.empty() ? nullptr : &net_.populations.front().slices.front()->log().latest();
    layer_event_log* log = net_.layers != nullptr ? &net_.layers->event_log() : nullptr;
    const std::size_t steps = any != nullptr ? any->steps.size() : log->steps.size();
    if (any != nullptr && log != nullptr && log->steps != any->steps) {
        throw internal_error("the layered network and the populations stepped through different steps in a window");
    }
    const std::size_t placed_layers = placed_names_.size() - first_layer_;
    for (std::size_t q = 0; q < steps; ++q) {
        std::fill(active_.begin(), active_.end(), 0u);
        std::size_t slice_index = 0;
        for (std::size_t k = 0; k < placed_layers; ++k) {
            const std::size_t at = q * placed_layers + k, p = first_layer_ + k;
            spikes_[p].assign(log->ids.begin() + static_cast<std::ptrdiff_t>(log->begin[at]),
                              log->ids.begin() + static_cast<std::ptrdiff_t>(log->begin[at + 1]));
            spike_spans_[p] = spikes_[p];
            const auto& core_of = mapping_.core_of[p];
            for (auto i = log->input_begin[at]; i < log->input_begin[at + 1]; ++i) ++active_[core_of[log->input_ids[i]]];
        }
        for (std::size_t p = 0; p < net_.populations.size(); ++p) {
            auto& ids = spikes_[p];
            ids.clear();
            for (const population_slice* slice : net_.populations[p].slices) {
                const spike_window& w = slice->log().latest();
                ids.insert(ids.end(), w.ids.begin() + w.begin_of(q), w.ids.begin() + w.step_end[q]);
                const auto& cores = group_cores_[slice_index++];
                for (std::size_t j = 0; j < cores.size(); ++j) active_[cores[j]] += w.active[q * cores.size() + j];
            }
            spike_spans_[p] = ids;
        }
        model_->step(any != nullptr ? any->steps[q] : log->steps[q], spike_spans_, active_, late_messages_);
    }
    if (log != nullptr) log->clear();
    if (!options_.timed) return;
    late_.clear();
    for (const late_message& m : late_messages_) {
        if (m.extra_steps > max_late_steps) {
            throw time_error(fmt::format("the chip delivers spikes of step {} {} steps late (congestion on the "
                                         "network-on-chip or at core {}); fluxon holds at most {}: choose a longer "
                                         "step_period or annotated fidelity",
                                         m.step, m.extra_steps, m.core, max_late_steps),
                             {});
        }
        late_.add({m.population, m.neuron, m.step, m.core, m.extra_steps});
    }
    late_.seal();
}

void chip_binding::finish() { model_->finish(); }

std::vector<std::uint64_t> chip_binding::link_messages_per_round() const {
    std::vector<std::uint64_t> per_link(topology_->links(), 0);
    std::vector<route_hop> hops;
    for (std::size_t p = 0; p < mapping_.core_of.size(); ++p) {
        const auto& begin = mapping_.dest_begin[p];
        for (std::size_t i = 0; i + 1 < begin.size(); ++i) {
            const std::uint32_t from = mapping_.cores[mapping_.core_of[p][i]].tile;
            for (auto k = begin[i]; k < begin[i + 1]; ++k) {
                hops.clear();
                topology_->route(from, mapping_.cores[mapping_.destinations[p][k].core].tile, hops);
                for (const route_hop& h : hops) ++per_link[h.link];
            }
        }
    }
    return per_link;
}

}  // namespace fluxon
