#include "devices/crossbar/plugin/crossbar_binding.hpp"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "engine/population_slice.hpp"
#include "engine/base/rng.hpp"
#include "engine/step_projection.hpp"

namespace fluxon {
namespace {

// A mapped projection as one slice receives it: each step's spikes drive the arrays at once
// and the slice's columns are converted.
class crossbar_delivery final : public step_projection {
public:
    crossbar_delivery(const crossbar_system& system, std::uint32_t matrix, synapse_table table, std::uint32_t first,
                      std::uint32_t size)
        : reader_(system, matrix, first, size), table_(std::move(table)) {}

    const synapse_table& table() const override { return table_; }
    void deliver_step(std::int64_t step, std::span<const std::uint32_t> pre, std::span<double> inputs) override {
        for (const std::uint32_t p : pre) {
            events_ += static_cast<std::int64_t>(table_.row_start[p + 1] - table_.row_start[p]);
        }
        reader_.read(static_cast<std::uint64_t>(step), pre, {}, 1.0, inputs.data());
    }
    const crossbar_reader& reader() const { return reader_; }
    // The synaptic events (spike x synapse into this slice) the arrays delivered, as the
    // engine counts them for a projection computed synapse by synapse.
    const std::int64_t& events() const { return events_; }

private:
    crossbar_reader reader_;
    synapse_table table_;
    std::int64_t events_ = 0;
};

}  // namespace

crossbar_params crossbar_params_for(const crossbar_spec& spec, crossbar_params params) {
    const std::string by_run = "set by the run ([crossbar])";
    if (spec.weight_bits) {
        params.periphery.weight_bits = static_cast<std::uint32_t>(*spec.weight_bits);
        params.sources["periphery.weight_bits"] = by_run;
    }
    if (spec.adc_bits) {
        params.periphery.adc_bits = static_cast<std::uint32_t>(*spec.adc_bits);
        params.sources["periphery.adc_bits"] = by_run;
    }
    if (spec.input_bits) {
        params.periphery.input_bits = static_cast<std::uint32_t>(*spec.input_bits);
        params.sources["periphery.input_bits"] = by_run;
    }
    if (spec.d2d_sigma) {
        params.variation.d2d_sigma = *spec.d2d_sigma;
        params.sources["variation.d2d_sigma"] = by_run;
    }
    if (spec.programming_sigma) {
        params.variation.programming_sigma = *spec.programming_sigma;
        params.variation.pcm_programming = false;
        params.sources["variation.programming_sigma"] = by_run;
    }
    if (spec.read_sigma) {
        params.variation.read_sigma = *spec.read_sigma;
        params.variation.pcm_read_noise = false;
        params.sources["variation.read_sigma"] = by_run;
    }
    if (const std::string problem = crossbar_params_problem(params); !problem.empty()) {
        throw config_error(fmt::format("preset '{}' with this run's settings: {}", params.name, problem), spec.site);
    }
    return params;
}

double crossbar_drift_age(const crossbar_spec& spec) {
    if (!spec.drift_age) return 0;
    const double age = resolve_quantity(*spec.drift_age, dimension::time, "drift_age");
    if (!(age >= 0)) {
        throw config_error(fmt::format("drift_age must be a non-negative time, got {} s", age), spec.drift_age->site);
    }
    return age;
}

namespace {

bool in_arrays(const built_layer& layer) {
    const std::string_view kind = layer.kind->name();
    return kind == "linear" || kind == "conv1d" || kind == "conv2d";
}

// The layers [crossbar] maps: those `layers` names (each a linear or conv layer), or, when
// neither `projections` nor `layers` is given, every linear and conv layer.
std::vector<std::size_t> chosen_layers(const crossbar_spec& spec, const built_network& net) {
    std::vector<std::size_t> chosen;
    if (net.layers == nullptr) {
        if (!spec.layers.empty()) {
            error_site site = spec.layer_sites.front();
            site.node = spec.layers.front();
            throw config_error(fmt::format("no layer is called '{}': the network has no layers", spec.layers.front()),
                               site);
        }
        return chosen;
    }
    const auto& layers = net.layers->layers();
    for (std::size_t k = 0; k < spec.layers.size(); ++k) {
        const int at = net.layers->find(spec.layers[k]);
        error_site site = spec.layer_sites.at(k);
        site.node = spec.layers[k];
        if (at < 0) throw config_error(fmt::format("no layer is called '{}'", spec.layers[k]), site);
        if (!in_arrays(layers[static_cast<std::size_t>(at)])) {
            throw config_error(fmt::format("layer '{}' is a {} layer; crossbar arrays compute linear, conv1d and "
                                           "conv2d layers",
                                           spec.layers[k], layers[static_cast<std::size_t>(at)].kind->name()),
                               site);
        }
        chosen.push_back(static_cast<std::size_t>(at));
    }
    if (!spec.layers_given && !spec.projections_given) {
        for (std::size_t p = 0; p < layers.size(); ++p) {
            if (in_arrays(layers[p])) chosen.push_back(p);
        }
    }
    return chosen;
}

const net::layer_spec& layer_spec_of(const net::experiment_spec& experiment, const std::string& name) {
    for (const net::layer_spec& l : experiment.network.layers) {
        if (l.name == name) return l;
    }
    throw internal_error("a built layer has no description: " + name);
}

// The matrix a layer is computed with, without its values: a linear layer's weight [out, in]
// as in x out; a conv's unfolded [in_channels * taps, out_channels] (groups included as zeros:
// an array computes every row against every column).
crossbar_weights unfolded_shape(const built_layer& layer, const net::layer_spec& spec, const built_network& net) {
    const tensor& weight = spec.arrays.at("weight");
    crossbar_weights w;
    w.name = layer.name;
    w.columns = static_cast<std::uint32_t>(weight.shape[0]);
    if (layer.kind->name() == "linear") {
        w.rows = static_cast<std::uint32_t>(weight.shape[1]);
    } else {
        const std::uint32_t c_in = net.layers->layers()[layer.inputs.front()].shape.dims.front();
        const std::size_t taps = weight.values.size() / (std::size_t{w.columns} * static_cast<std::size_t>(weight.shape[1]));
        w.rows = static_cast<std::uint32_t>(c_in * taps);
    }
    return w;
}

crossbar_weights layer_matrix(const built_layer& layer, const net::layer_spec& spec, const built_network& net) {
    crossbar_weights w = unfolded_shape(layer, spec, net);
    const tensor& weight = spec.arrays.at("weight");
    w.values.assign(std::size_t{w.rows} * w.columns, 0.0);
    if (layer.kind->name() == "linear") {
        for (std::uint32_t i = 0; i < w.columns; ++i) {
            for (std::uint32_t j = 0; j < w.rows; ++j) w.values[std::size_t{j} * w.columns + i] = weight.values[std::size_t{i} * w.rows + j];
        }
        return w;
    }
    // weight [c_out, c_in / groups, taps...]: output channel co sees the input channels of its group.
    const auto c_out = static_cast<std::size_t>(weight.shape[0]), cin_group = static_cast<std::size_t>(weight.shape[1]);
    const std::size_t taps = weight.values.size() / (c_out * cin_group);
    const std::size_t groups = (w.rows / taps) / cin_group, cout_group = c_out / groups;
    for (std::size_t co = 0; co < c_out; ++co) {
        const std::size_t first_in = (co / cout_group) * cin_group;
        for (std::size_t ci = 0; ci < cin_group; ++ci) {
            for (std::size_t t = 0; t < taps; ++t) {
                w.values[((first_in + ci) * taps + t) * w.columns + co] = weight.values[(co * cin_group + ci) * taps + t];
            }
        }
    }
    return w;
}

}  // namespace

crossbar_binding::crossbar_binding(const crossbar_settings& settings, const net::experiment_spec& experiment,
                                   built_network& net) {
    const crossbar_spec& spec = settings.spec;
    const crossbar_params& params = settings.params;
    const double drift_age = settings.drift_age;
    const auto named = [&](const std::string& name) {
        return std::find_if(net.projections.begin(), net.projections.end(),
                            [&](const built_projection& p) { return p.name == name; });
    };
    for (std::size_t k = 0; k < spec.projections.size(); ++k) {
        if (named(spec.projections[k]) != net.projections.end()) continue;
        error_site site = spec.projection_sites.at(k);
        site.node = spec.projections[k];
        throw config_error(fmt::format("no projection is called '{}'", spec.projections[k]), site);
    }
    for (std::size_t e = 0; e < net.projections.size(); ++e) {
        const auto& listed = spec.projections;
        const bool all = !spec.projections_given && !spec.layers_given;
        if (all || std::find(listed.begin(), listed.end(), net.projections[e].name) != listed.end()) {
            chosen_.push_back(e);
        }
    }
    const std::vector<std::size_t> layer_positions = chosen_layers(spec, net);
    if (chosen_.empty() && layer_positions.empty()) {
        throw config_error("the crossbar has nothing to compute: no projection and no linear or conv layer is mapped "
                           "onto it (a bitlinear layer stays digital)",
                           spec.site);
    }
    for (std::size_t k = 0; k < spec.random_weights.size(); ++k) {
        const auto it = named(spec.random_weights[k]);
        const bool mapped = it != net.projections.end() &&
                            std::find(chosen_.begin(), chosen_.end(), it - net.projections.begin()) != chosen_.end();
        if (mapped) continue;
        error_site site = spec.random_weight_sites.at(k);
        site.node = spec.random_weights[k];
        throw config_error(fmt::format("random_weights names '{}', which is not a projection mapped onto the crossbar",
                                       spec.random_weights[k]),
                           site);
    }

    // An array holds every cell of its tile, synapse or not: refuse up front what would not fit
    // in memory (the dense matrices, then the cells: 8 bytes per cell, twice with read noise).
    double bytes = 0;
    {
        const crossbar_encoding enc = crossbar_encoding::of(params);
        const double per_cell = params.variation.read_sigma > 0 || params.variation.pcm_read_noise ? 16.0 : 8.0;
        for (std::size_t e : chosen_) {
            const double cells = static_cast<double>(net.populations[net.projections[e].pre_index].size) *
                                 net.populations[net.projections[e].post_index].size;
            bytes += cells * (8.0 + per_cell * enc.slices);
        }
        for (const std::size_t p : layer_positions) {
            const crossbar_weights shape = unfolded_shape(net.layers->layers()[p],
                                                          layer_spec_of(experiment, net.layers->layers()[p].name), net);
            bytes += static_cast<double>(shape.rows) * shape.columns * (8.0 + per_cell * enc.slices);
        }
    }
    if (const double available = available_memory_bytes(); available > 0 && bytes > 0.8 * available) {
        throw network_error(fmt::format("the crossbar arrays of this run need about {:.3g} GB (every cell of every "
                                        "tile, synapse or not), but only {:.3g} GB of memory is available",
                                        bytes / 1e9, available / 1e9),
                            error_site{.key = spec.site.key, .resource = "memory"});
    }

    // The dense weight matrices, gathered from the slices' synapse tables.
    std::vector<crossbar_weights> matrices;
    for (std::size_t e : chosen_) {
        const built_projection& p = net.projections[e];
        crossbar_weights w;
        w.name = p.name;
        w.rows = net.populations[p.pre_index].size;
        w.columns = net.populations[p.post_index].size;
        w.site = spec.site;
        const auto random = std::find(spec.random_weights.begin(), spec.random_weights.end(), p.name);
        w.random = random != spec.random_weights.end();
        // Errors about device-random weights point at the entry that asked for them.
        if (w.random) w.site = spec.random_weight_sites.at(static_cast<std::size_t>(random - spec.random_weights.begin()));
        w.seed = derive_seed(net.seed, stream_kind::device, e);
        w.values.assign(std::size_t{w.rows} * w.columns, 0.0);
        for (const population_slice* slice : net.populations[p.post_index].slices) {
            for (const synapse_table& t : slice->incoming()) {
                if (t.projection != e) continue;
                if (!t.delay.empty()) {
                    error_site site = spec.site;
                    site.node = p.name;
                    throw config_error("a projection computed in a crossbar needs one delay for all its synapses: an "
                                       "array converts all the rows it drives at once",
                                       site);
                }
                for (std::uint32_t j = 0; j + 1 < t.row_start.size(); ++j) {
                    for (auto k = t.row_start[j]; k < t.row_start[j + 1]; ++k) {
                        // Multapses share a cell: their weights add.
                        w.values[std::size_t{j} * w.columns + slice->first_id() + t.target(k)] += t.weight(k);
                    }
                }
            }
        }
        matrices.push_back(std::move(w));
    }
    for (const std::size_t p : layer_positions) {
        crossbar_weights w = layer_matrix(net.layers->layers()[p], layer_spec_of(experiment, net.layers->layers()[p].name), net);
        w.site = spec.site;
        w.seed = derive_seed(net.seed, stream_kind::device, net.projections.size() + p);
        matrices.push_back(std::move(w));
    }
    system_ = std::make_unique<crossbar_system>(params, std::move(matrices), spec.replicas, drift_age);

    // From now on the mapped layers compute in the arrays.
    for (std::size_t k = 0; k < layer_positions.size(); ++k) {
        built_layer& layer = net.layers->layers()[layer_positions[k]];
        const net::layer_spec& l = layer_spec_of(experiment, layer.name);
        const auto bias = l.arrays.find("bias");
        const auto channels = static_cast<std::uint32_t>(l.arrays.at("weight").shape[0]);
        auto op = std::make_unique<crossbar_layer_op>(
                std::move(layer.op), *system_, static_cast<std::uint32_t>(chosen_.size() + k), channels,
                static_cast<std::uint32_t>(layer.shape.size() / channels),
                bias == l.arrays.end() ? std::vector<double>{} : bias->second.values);
        readers_.push_back(&op->reader());
        layers_.push_back({layer.name, op.get()});
        layer.op = std::move(op);
        layer.computed_by = "crossbar";
    }

    // From now on the targets receive these projections through the arrays.
    for (std::uint32_t m = 0; m < chosen_.size(); ++m) {
        const built_projection& p = net.projections[chosen_[m]];
        const auto& slices = net.populations[p.post_index].slices;
        const auto of_projection = [&](const synapse_table& t) { return t.projection == chosen_[m]; };
        // Every cell of an array is read, synapse or not (an empty cell still has its noise and
        // offset), so a slice that no synapse reaches takes the projection's settings with no rows.
        std::optional<synapse_table> empty;
        for (const population_slice* slice : slices) {
            const auto it = std::find_if(slice->incoming().begin(), slice->incoming().end(), of_projection);
            if (it == slice->incoming().end()) continue;
            empty = synapse_table{};
            empty->receptor = it->receptor;
            empty->projection = it->projection;
            empty->pre_population = it->pre_population;
            empty->uniform_delay = it->uniform_delay;
            empty->sources = it->sources;
            empty->row_start.assign(it->row_start.size(), 0);
            break;
        }
        if (!empty) continue;  // a projection without synapses delivers nothing either way
        for (population_slice* slice : slices) {
            auto& incoming = slice->incoming();
            const auto it = std::find_if(incoming.begin(), incoming.end(), of_projection);
            synapse_table table = *empty;
            if (it != incoming.end()) {
                table = std::move(*it);
                incoming.erase(it);
            }
            auto delivery =
                std::make_unique<crossbar_delivery>(*system_, m, std::move(table), slice->first_id(), slice->size());
            readers_.push_back(&delivery->reader());
            delivered_events_.push_back(&delivery->events());
            slice->add_step_projection(std::move(delivery));
        }
    }
}

void crossbar_binding::finish() { system_->finish(readers_); }

std::int64_t crossbar_binding::synaptic_events() const {
    std::int64_t events = 0;
    for (const std::int64_t* n : delivered_events_) events += *n;
    return events;
}

double crossbar_binding::synaptic_energy() const {
    double energy = 0;
    for (std::uint32_t m = 0; m < chosen_.size(); ++m) energy += system_->read_energy(m);
    return energy;
}

}  // namespace fluxon
