#include "engine/layer_network.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace fluxon {
namespace {

error_site layer_site(const net::layer_spec& spec, const std::string& key = "") {
    error_site site = spec.site;
    site.node = spec.name;
    if (!key.empty()) site.key = (site.key.empty() ? "layers." + spec.name : site.key) + "." + key;
    return site;
}

// Layers in an order where each comes after those it takes: repeatedly the first one (in the
// description's order, which is name order for config files and Python alike) whose inputs are
// all placed. Layers that take each other's outputs in a cycle cannot all come after each
// other: then the first waiting layer fed by a placed one (else the first waiting layer) runs
// next and takes its still waiting inputs from the previous step (delayed[i][k] for input k of
// layer i), as a discrete-time NIR executor breaks a cycle with a one-step delay. For a
// recurrent block input -> lif -> w_rec -> lif this delays the edge w_rec -> lif.
struct layer_order {
    std::vector<std::size_t> order;
    std::vector<std::vector<bool>> delayed;
};

layer_order run_order(const std::vector<net::layer_spec>& layers, const std::map<std::string, std::size_t>& index) {
    layer_order out;
    out.delayed.resize(layers.size());
    for (std::size_t i = 0; i < layers.size(); ++i) out.delayed[i].assign(layers[i].inputs.size(), false);
    std::vector<bool> placed(layers.size(), false);
    const auto ready = [&](std::size_t i) {
        for (std::size_t k = 0; k < layers[i].inputs.size(); ++k) {
            if (!out.delayed[i][k] && !placed[index.at(layers[i].inputs[k])]) return false;
        }
        return true;
    };
    while (out.order.size() < layers.size()) {
        bool progressed = false;
        for (std::size_t i = 0; i < layers.size(); ++i) {
            if (placed[i] || !ready(i)) continue;
            placed[i] = true;
            out.order.push_back(i);
            progressed = true;
        }
        if (progressed) continue;
        std::size_t next = layers.size();
        for (std::size_t i = 0; i < layers.size() && next == layers.size(); ++i) {
            if (placed[i]) continue;
            for (const std::string& in : layers[i].inputs) {
                if (placed[index.at(in)]) next = i;
            }
        }
        if (next == layers.size()) next = static_cast<std::size_t>(std::find(placed.begin(), placed.end(), false) - placed.begin());
        for (std::size_t k = 0; k < layers[next].inputs.size(); ++k) {
            if (!placed[index.at(layers[next].inputs[k])]) out.delayed[next][k] = true;
        }
    }
    return out;
}

// Keys of the section that are neither the kind's parameters nor its arrays are refused,
// naming what the kind takes; an array where a number is expected, and the reverse, too.
void check_keys(const net::layer_spec& spec, const layer_kind& kind) {
    std::vector<std::string> known;
    for (const param_def& p : kind.schema()) known.push_back(p.name);
    for (const layer_array_def& a : kind.arrays()) known.push_back(a.name);
    const auto takes = [&] {
        return known.empty() ? std::string("no settings") : fmt::format("{}", fmt::join(known, ", "));
    };
    const auto is_array = [&](const std::string& name) {
        return std::any_of(kind.arrays().begin(), kind.arrays().end(),
                           [&](const layer_array_def& a) { return a.name == name; });
    };
    for (const auto& [name, value] : spec.params) {
        if (std::find(known.begin(), known.end(), name) == known.end()) {
            throw config_error(fmt::format("layer '{}' (kind {}) has no setting '{}'; it takes: {}", spec.name,
                                           spec.kind, name, takes()),
                               layer_site(spec, name));
        }
        if (is_array(name)) {
            throw config_error(fmt::format("layer '{}': '{}' is an array (a list or {{ file = \"...\" }}), got a "
                                           "single value",
                                           spec.name, name),
                               layer_site(spec, name));
        }
    }
    for (const auto& [name, value] : spec.arrays) {
        if (std::find(known.begin(), known.end(), name) == known.end()) {
            throw config_error(fmt::format("layer '{}' (kind {}) has no setting '{}'; it takes: {}", spec.name,
                                           spec.kind, name, takes()),
                               layer_site(spec, name));
        }
        if (!is_array(name)) {
            throw config_error(fmt::format("layer '{}': '{}' is a single value, got an array of shape {}", spec.name,
                                           name, to_string(value)),
                               layer_site(spec, name));
        }
    }
}

// A kind whose inputs are operands (attention's Q, K, V): each in the order named, with its own
// shape; none may close a cycle, since an operand of the previous step would mean another op.
void wire_operands(const net::layer_spec& s, const layer_kind& kind, const std::vector<bool>& delayed,
                   const std::map<std::string, std::size_t>& position, const std::vector<built_layer>& built,
                   built_layer& b, layer_context& ctx) {
    if (s.inputs.size() != kind.separate_inputs()) {
        throw config_error(fmt::format("layer '{}' (kind {}) takes {} inputs, in order; it names {}", s.name, s.kind,
                                       kind.separate_inputs(), s.inputs.size()),
                           layer_site(s, "input"));
    }
    for (std::size_t k = 0; k < s.inputs.size(); ++k) {
        if (delayed[k]) {
            throw network_error(fmt::format("layer '{}' takes '{}' from later in a cycle; an operand of {} must come "
                                            "from an earlier layer",
                                            s.name, s.inputs[k], s.kind),
                                layer_site(s, "input"));
        }
        b.inputs.push_back(position.at(s.inputs[k]));
        ctx.inputs.push_back(built[position.at(s.inputs[k])].shape);
    }
    ctx.input = ctx.inputs.front();
}

// Inputs that are summed: all of one shape. A delayed input's shape is known only once its
// layer is built; the constructor checks it then.
void wire_summed_inputs(const net::layer_spec& s, const std::vector<bool>& delayed,
                        const std::map<std::string, std::size_t>& position, const std::vector<built_layer>& built,
                        built_layer& b, layer_context& ctx) {
    bool have_shape = false;
    std::string shape_from;
    for (std::size_t k = 0; k < s.inputs.size(); ++k) {
        if (delayed[k]) {
            b.previous_inputs.push_back(position.at(s.inputs[k]));
            continue;
        }
        const built_layer& in = built[position.at(s.inputs[k])];
        b.inputs.push_back(position.at(s.inputs[k]));
        if (!have_shape) {
            ctx.input = in.shape;
            shape_from = s.inputs[k];
            have_shape = true;
        } else if (in.shape != ctx.input) {
            throw network_error(fmt::format("layer '{}' sums its inputs, but '{}' has shape {} and '{}' {}", s.name,
                                            shape_from, to_string(ctx.input), s.inputs[k], to_string(in.shape)),
                                layer_site(s, "input"));
        }
    }
    if (!have_shape && !s.inputs.empty()) {
        throw network_error(fmt::format("layer '{}' takes only layers of a cycle ({}) that run after it, so its input "
                                        "shape is unknown; feed the cycle from a layer outside it",
                                        s.name, fmt::join(s.inputs, ", ")),
                            layer_site(s, "input"));
    }
}

}  // namespace

layer_network::layer_network(const std::vector<net::layer_spec>& specs, const layer_registry& kinds, double dt,
                             tick_t dt_ticks)
    : dt_ticks_(dt_ticks) {
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < specs.size(); ++i) {
        if (!index.emplace(specs[i].name, i).second) {
            throw config_error(fmt::format("two layers are called '{}'", specs[i].name), layer_site(specs[i]));
        }
    }
    for (const net::layer_spec& s : specs) {
        for (std::size_t k = 0; k < s.inputs.size(); ++k) {
            if (index.count(s.inputs[k]) == 0) {
                std::vector<std::string> names;
                for (const auto& other : specs) names.push_back(other.name);
                error_site site = k < s.input_sites.size() ? s.input_sites[k] : layer_site(s, "input");
                site.node = s.name;
                throw network_error(fmt::format("layer '{}' takes '{}', which is no layer; the layers are: {}", s.name,
                                                s.inputs[k], fmt::join(names, ", ")),
                                    site);
            }
        }
    }
    const layer_order order = run_order(specs, index);
    // Where each layer will sit in the run order, for the inputs that come later (delayed).
    std::map<std::string, std::size_t> position;
    for (std::size_t p = 0; p < order.order.size(); ++p) position[specs[order.order[p]].name] = p;
    std::vector<tensor_shape> input_shapes;  // by position
    for (const std::size_t i : order.order) {
        const net::layer_spec& s = specs[i];
        const layer_kind& kind = kinds.get(s.kind, layer_site(s, "kind"));
        check_keys(s, kind);
        if (kind.takes_input() == s.inputs.empty()) {
            throw config_error(kind.takes_input()
                                       ? fmt::format("layer '{}' (kind {}) needs an input: input = \"<layer>\"", s.name,
                                                     s.kind)
                                       : fmt::format("layer '{}' of kind {} takes no input; it feeds the network",
                                                     s.name, s.kind),
                               layer_site(s, "input"));
        }
        built_layer b;
        b.name = s.name;
        b.kind = &kind;
        layer_context ctx;
        ctx.name = s.name;
        ctx.arrays = &s.arrays;
        ctx.dt = dt;
        ctx.site = layer_site(s);
        if (ctx.site.key.empty()) ctx.site.key = "layers." + s.name;
        if (kind.separate_inputs() > 0) {
            wire_operands(s, kind, order.delayed[i], position, layers_, b, ctx);
        } else {
            wire_summed_inputs(s, order.delayed[i], position, layers_, b, ctx);
        }
        input_shapes.push_back(ctx.input);
        const validated_params params = validate_params(kind.schema(), s.params, ctx.site);
        if (!kind.takes_input()) {
            const std::uint32_t sps = whole(params, "steps_per_sample", ctx);
            if (sps != 0 && steps_per_sample_ != 0 && sps != steps_per_sample_) {
                throw config_error(fmt::format("input layers disagree on steps_per_sample ({} and {})",
                                               steps_per_sample_, sps),
                                   layer_site(s, "steps_per_sample"));
            }
            if (sps != 0) steps_per_sample_ = sps;
        }
        b.shape = kind.output_shape(params, ctx);
        b.statics = kind.static_figures(params, ctx);
        b.op = kind.make(params, ctx);
        std::vector<std::uint32_t> probe;
        b.routes = kind.takes_input() && ctx.input.size() > 0 && b.op->fan_out(0, probe);
        if (!b.routes) neuron_layers_.push_back(layers_.size());
        layers_.push_back(std::move(b));
    }
    for (std::size_t p = 0; p < layers_.size(); ++p) {
        for (const std::size_t from : layers_[p].previous_inputs) {
            if (layers_[from].shape != input_shapes[p]) {
                throw network_error(fmt::format("layer '{}' sums its inputs, but '{}' has shape {} and its other "
                                                "inputs {}",
                                                layers_[p].name, layers_[from].name, to_string(layers_[from].shape),
                                                to_string(input_shapes[p])),
                                    layer_site(specs[order.order[p]], "input"));
            }
        }
    }
}

int layer_network::find(const std::string& name) const {
    for (std::size_t i = 0; i < layers_.size(); ++i) {
        if (layers_[i].name == name) return static_cast<int>(i);
    }
    return -1;
}

void layer_network::start(unit_context& ctx) { ctx.schedule_self(id(), 0, priority_class::step, 0, 0); }

// Several inputs are summed entry by entry (NIR: edges into one node add); the batches are
// sorted by index, so this is a merge, and entries that cancel are no event. A layer's
// previous inputs still hold their last step's output, since they run after it.
void layer_network::sum_inputs(const built_layer& layer, bool sample_start) {
    summed_.clear();
    const std::size_t current = layer.inputs.size();
    const std::size_t all = current + (sample_start ? 0 : layer.previous_inputs.size());
    for (std::size_t k = 0; k < all; ++k) {
        const std::size_t from = k < current ? layer.inputs[k] : layer.previous_inputs[k - current];
        const event_batch& next = layers_[from].output;
        scratch_.clear();
        std::size_t a = 0, b = 0;
        while (a < summed_.size() || b < next.size()) {
            if (b == next.size() || (a < summed_.size() && summed_.index[a] < next.index[b])) {
                scratch_.push(summed_.index[a], summed_.value[a]);
                ++a;
            } else if (a == summed_.size() || next.index[b] < summed_.index[a]) {
                scratch_.push(next.index[b], next.value[b]);
                ++b;
            } else {
                const double v = summed_.value[a] + next.value[b];
                if (v != 0.0) scratch_.push(summed_.index[a], v);
                ++a;
                ++b;
            }
        }
        std::swap(summed_, scratch_);
    }
}

void layer_network::handle(const event& ev, unit_context& ctx) {
    const std::int64_t step = ev.time / dt_ticks_;
    const bool sample_start = steps_per_sample_ == 0 ? step == 0 : step % steps_per_sample_ == 0;
    for (built_layer& layer : layers_) {
        layer.output.clear();
        const event_batch* input = nullptr;
        operands_.clear();
        if (layer.kind->separate_inputs() > 0) {
            for (const std::size_t from : layer.inputs) operands_.push_back(&layers_[from].output);
            input = operands_.front();
        } else if (layer.inputs.size() == 1 && (sample_start || layer.previous_inputs.empty())) {
            input = &layers_[layer.inputs.front()].output;
        } else if (!layer.inputs.empty()) {
            sum_inputs(layer, sample_start);
            input = &summed_;
        }
        static const event_batch none;
        layer.op->step(layer_step{step, sample_start, input ? input : &none, &layer.output, &layer.counts, operands_});
        if (logging_ && !layer.routes) log_layer(layer, input);
        layer.events += layer.output.size();
        if (layer.recorded) {
            layer.rec_steps.insert(layer.rec_steps.end(), layer.output.size(), step);
            layer.rec_ids.insert(layer.rec_ids.end(), layer.output.index.begin(), layer.output.index.end());
            layer.rec_values.insert(layer.rec_values.end(), layer.output.value.begin(), layer.output.value.end());
        }
    }
    if (logging_) log_.steps.push_back(step);
    ++steps_;
    ctx.schedule_self(id(), ev.time + dt_ticks_, priority_class::step, 0, 0);
}

// Layers run in run order, so the neuron layers' entries land in the log in their order; the
// input is copied now because a summed input is overwritten by the next layer that sums.
void layer_network::log_layer(const built_layer& layer, const event_batch* input) {
    log_.ids.insert(log_.ids.end(), layer.output.index.begin(), layer.output.index.end());
    log_.begin.push_back(log_.ids.size());
    if (input != nullptr) log_.input_ids.insert(log_.input_ids.end(), input->index.begin(), input->index.end());
    log_.input_begin.push_back(log_.input_ids.size());
}

void layer_network::for_each_synapse(
        const std::function<void(std::uint32_t, std::uint32_t, std::uint32_t, std::uint32_t)>& visit) const {
    // Who takes each layer's output (this step's or the previous step's alike).
    std::vector<std::vector<std::size_t>> takers(layers_.size());
    for (std::size_t p = 0; p < layers_.size(); ++p) {
        for (const std::size_t from : layers_[p].inputs) takers[from].push_back(p);
        for (const std::size_t from : layers_[p].previous_inputs) takers[from].push_back(p);
    }
    std::vector<int> neuron_index(layers_.size(), -1);
    for (std::size_t k = 0; k < neuron_layers_.size(); ++k) neuron_index[neuron_layers_[k]] = static_cast<int>(k);
    // Entries already reached from the current source entry, per layer (a stamp per source).
    std::vector<std::vector<std::uint64_t>> seen(layers_.size());
    for (std::size_t p = 0; p < layers_.size(); ++p) seen[p].assign(layers_[p].shape.size(), 0);
    std::uint64_t stamp = 0;
    std::vector<std::pair<std::size_t, std::uint32_t>> frontier, next;
    std::vector<std::uint32_t> outs;
    for (std::size_t k = 0; k < neuron_layers_.size(); ++k) {
        const std::size_t source = neuron_layers_[k];
        for (std::uint32_t j = 0; j < layers_[source].shape.size(); ++j) {
            ++stamp;
            frontier.assign(1, {source, j});
            while (!frontier.empty()) {
                next.clear();
                for (const auto& [at, entry] : frontier) {
                    for (const std::size_t t : takers[at]) {
                        const built_layer& taker = layers_[t];
                        outs.clear();
                        if (taker.routes) {
                            taker.op->fan_out(entry, outs);
                        } else {
                            outs.push_back(entry);
                        }
                        for (const std::uint32_t o : outs) {
                            if (seen[t][o] == stamp) continue;
                            seen[t][o] = stamp;
                            if (taker.routes) {
                                next.emplace_back(t, o);
                            } else {
                                visit(static_cast<std::uint32_t>(k), j, static_cast<std::uint32_t>(neuron_index[t]), o);
                            }
                        }
                    }
                }
                std::swap(frontier, next);
            }
        }
    }
}

void layer_network::report(stats_tree& stats, std::vector<data_table>& tables) const {
    const std::int64_t samples =
            steps_per_sample_ == 0 ? (steps_ > 0 ? 1 : 0) : (steps_ + steps_per_sample_ - 1) / steps_per_sample_;
    const double per = samples > 0 ? 1.0 / static_cast<double>(samples) : 0.0;
    layer_counts total;
    layer_static statics;
    for (const built_layer& l : layers_) {
        total += l.counts;
        statics.parameters += l.statics.parameters;
        statics.footprint_bytes += l.statics.footprint_bytes;
        statics.weights += l.statics.weights;
        statics.zero_weights += l.statics.zero_weights;
    }
    stats.add("", "layers", static_cast<std::uint64_t>(layers_.size()));
    stats.add("", "steps", steps_);
    stats.add("", "samples", samples);
    stats.add("", "footprint", statics.footprint_bytes, "B");
    stats.add("", "parameters", statics.parameters);
    stats.add("", "connection_sparsity",
              statics.weights > 0 ? static_cast<double>(statics.zero_weights) / static_cast<double>(statics.weights) : 0.0,
              "");
    stats.add("", "activation_sparsity",
              total.activations > 0
                      ? 1.0 - static_cast<double>(total.nonzero_activations) / static_cast<double>(total.activations)
                      : 0.0,
              "");
    stats.add("", "effective_macs", static_cast<double>(total.effective_macs) * per, "");
    stats.add("", "effective_acs", static_cast<double>(total.effective_acs) * per, "");
    stats.add("", "dense_ops", static_cast<double>(total.dense_ops) * per, "");
    stats.add("", "membrane_updates", static_cast<double>(total.membrane_updates) * per, "");
    stats.add("", "accumulate_only", static_cast<double>(total.accumulate_only) * per, "");
    // The spiking-transformer papers' energy convention (Spikformer, Spike-driven Transformer
    // V1/V2, LMUFormer; workloads.md §3.4): 4.6 pJ per MAC and 0.9 pJ per AC, Horowitz's 32-bit
    // float figures at 45 nm (ISSCC 2014), applied to the effective operations. A convention to
    // compare with the papers, not a model of any hardware.
    constexpr double e_mac_45nm = 4.6e-12, e_ac_45nm = 0.9e-12;
    stats.add("", "energy_45nm",
              (e_mac_45nm * static_cast<double>(total.effective_macs) + e_ac_45nm * static_cast<double>(total.effective_acs)) *
                      per,
              "J");
    stats.add("", "bit_ops", static_cast<double>(total.bit_ops) * per, "");

    data_table t{"layers"};
    std::vector<std::string> name, kind, shape;
    std::vector<std::int64_t> events, activations, nonzero, acs, macs, dense, updates, accumulates, bit_ops, parameters,
            footprint, weights,
            zero_weights;
    for (const built_layer& l : layers_) {
        name.push_back(l.name);
        kind.emplace_back(l.kind->name());
        shape.push_back(to_string(l.shape));
        events.push_back(static_cast<std::int64_t>(l.events));
        activations.push_back(static_cast<std::int64_t>(l.counts.activations));
        nonzero.push_back(static_cast<std::int64_t>(l.counts.nonzero_activations));
        acs.push_back(static_cast<std::int64_t>(l.counts.effective_acs));
        macs.push_back(static_cast<std::int64_t>(l.counts.effective_macs));
        dense.push_back(static_cast<std::int64_t>(l.counts.dense_ops));
        updates.push_back(static_cast<std::int64_t>(l.counts.membrane_updates));
        accumulates.push_back(static_cast<std::int64_t>(l.counts.accumulate_only));
        bit_ops.push_back(static_cast<std::int64_t>(l.counts.bit_ops));
        parameters.push_back(static_cast<std::int64_t>(l.statics.parameters));
        footprint.push_back(static_cast<std::int64_t>(l.statics.footprint_bytes));
        weights.push_back(static_cast<std::int64_t>(l.statics.weights));
        zero_weights.push_back(static_cast<std::int64_t>(l.statics.zero_weights));
    }
    t.add("name", std::move(name)).add("kind", std::move(kind)).add("shape", std::move(shape));
    t.add("events", std::move(events)).add("activations", std::move(activations));
    t.add("nonzero_activations", std::move(nonzero)).add("effective_acs", std::move(acs));
    t.add("effective_macs", std::move(macs)).add("dense_ops", std::move(dense));
    t.add("membrane_updates", std::move(updates)).add("accumulate_only", std::move(accumulates));
    t.add("bit_ops", std::move(bit_ops)).add("parameters", std::move(parameters));
    t.add("footprint", std::move(footprint), "B").add("weights", std::move(weights));
    t.add("zero_weights", std::move(zero_weights));
    tables.push_back(std::move(t));
}

}  // namespace fluxon
