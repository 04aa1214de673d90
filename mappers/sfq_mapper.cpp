#include "mappers/sfq_mapper.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "networks/connectivity.hpp"
#include "networks/graph.hpp"
#include "neurons/model.hpp"

namespace fluxon {
namespace {

std::string quoted(const std::string& s) { return fmt::format("\"{}\"", s); }

// TOML bare keys cannot hold '.', which instance.port names do.
std::string list(const std::vector<std::string>& items) {
    std::vector<std::string> q;
    for (const auto& i : items) q.push_back(quoted(i));
    return "[" + fmt::format("{}", fmt::join(q, ", ")) + "]";
}

error_site at_node(const net::population_spec& p) {
    error_site s = p.site;
    s.node = p.name;
    return s;
}

}  // namespace

sfq_mapping map_network_to_sfq(const net::experiment_spec& spec, const sfq_map_options& o) {
    const net::network_spec& network = spec.network;
    const net::indexed_network index = net::index_network(spec);
    const model_registry models = builtin_models();
    const double dt = resolve_quantity(spec.run.dt, dimension::time, "run.dt");

    // Sources and neurons; a neuron of population p, index i, is instance "<p>_<i>".
    std::vector<const neuron_model*> model_of;
    for (const net::population_spec& p : network.populations) {
        const neuron_model& m = models.get(p.model, p.site);
        if (m.is_source() && m.name() != "spike_times") {
            throw network_error(fmt::format("source model '{}' cannot be mapped onto SFQ: only spike_times "
                                            "sources become input pulse trains",
                                            m.name()),
                                at_node(p));
        }
        model_of.push_back(&m);
    }

    struct synapse {
        std::string from;  // driving output: a source pin or "<p>_<i>.q"
        std::string to;    // "<p>_<i>.exc" or ".inh"
        double p;
        std::string name;
    };
    std::vector<synapse> synapses;
    double largest = 0;
    for (std::size_t e = 0; e < network.projections.size(); ++e) {
        const net::projection_spec& pr = network.projections[e];
        const std::size_t pre = index.population_index.at(pr.pre), post = index.population_index.at(pr.post);
        const neuron_model& target = *model_of[post];
        const auto receptors = target.receptors();
        const auto r = std::find_if(receptors.begin(), receptors.end(),
                                    [&](const receptor_def& d) { return d.name == pr.receptor; });
        if (r == receptors.end()) {
            error_site site = pr.site;
            site.node = pr.name;
            throw network_error(fmt::format("population '{}' has no receptor '{}'", pr.post, pr.receptor), site);
        }
        const net::projection_context ctx{network.populations[pre].size, network.populations[post].size, pre == post,
                                          r->weight_dim, dt, spec.run.seed, static_cast<std::uint32_t>(e)};
        const net::synapse_list list_of = net::build_synapses(pr, ctx);
        const std::string& pre_name = network.populations[pre].name;
        const bool pre_is_source = model_of[pre]->is_source();
        for (std::size_t k = 0; k < list_of.size(); ++k) {
            const double w = list_of.weight[k];
            if (w == 0) continue;
            largest = std::max(largest, std::fabs(w));
            const std::string from = pre_is_source ? fmt::format("{}_{}", pre_name, list_of.pre[k])
                                                   : fmt::format("{}_{}.q", pre_name, list_of.pre[k]);
            synapses.push_back({from,
                                fmt::format("{}_{}.{}", network.populations[post].name, list_of.post[k],
                                            w > 0 ? "exc" : "inh"),
                                std::fabs(w), fmt::format("{}_{}", pr.name, k)});
        }
    }
    const double full = o.full_weight > 0 ? o.full_weight : largest;
    if (full <= 0) throw network_error("the network has no non-zero weight to map onto SFQ synapses", {});
    for (synapse& s : synapses) {
        if (s.p > full * (1 + 1e-12)) {
            throw network_error(fmt::format("synapse {} has |weight| {:g} above full_weight {:g}: a synapse passes "
                                            "at most every pulse",
                                            s.name, s.p, full),
                                {});
        }
        s.p = std::min(1.0, s.p / full);
    }

    sfq_mapping m;
    std::map<std::string, std::vector<std::string>> fanout, fanin;
    for (const synapse& s : synapses) {
        fanout[s.from].push_back(s.name + ".a");
        fanin[s.to].push_back(s.name + ".q");
    }
    std::string instances, inputs;
    std::vector<std::string> wires, open_ports, outputs;
    for (std::size_t pi = 0; pi < network.populations.size(); ++pi) {
        const net::population_spec& p = network.populations[pi];
        if (model_of[pi]->is_source()) {
            // Per neuron, its times in circuit femtoseconds; spikes that land on the same
            // femtosecond are one pulse.
            std::vector<std::vector<std::int64_t>> times(p.size);
            const auto& t = p.arrays.at("times");
            const auto& ids = p.arrays.at("ids");
            for (std::size_t k = 0; k < t.size(); ++k) {
                times[static_cast<std::size_t>(ids[k])].push_back(std::llround(t[k] * o.time_scale * 1e15));
            }
            for (std::uint32_t i = 0; i < p.size; ++i) {
                const std::string pin = fmt::format("{}_{}", p.name, i);
                if (!fanout.contains(pin)) continue;  // drives nothing: no input
                auto& ts = times[i];
                std::sort(ts.begin(), ts.end());
                ts.erase(std::unique(ts.begin(), ts.end()), ts.end());
                std::vector<std::string> text;
                for (const std::int64_t v : ts) text.push_back(fmt::format("{} fs", v));
                inputs += fmt::format("\n[circuit.inputs.{}]\ntimes = {}\n", pin, list(text));
                ++m.inputs;
            }
            continue;
        }
        for (std::uint32_t i = 0; i < p.size; ++i) {
            const std::string n = fmt::format("{}_{}", p.name, i);
            instances += fmt::format("{} = {{ cell = \"neuron\", threshold = {}, inh_weight = {} }}\n", n, o.threshold,
                                     o.inh_weight);
            ++m.neurons;
            for (const char* port : {"exc", "inh"}) {
                if (!fanin.contains(fmt::format("{}.{}", n, port))) open_ports.push_back(fmt::format("{}.{}", n, port));
            }
            // Every neuron's pulses are recorded; one that drives nothing is a circuit output.
            const std::string q = n + ".q";
            m.recorded.push_back(q);
            if (!fanout.contains(q)) {
                wires.push_back(fmt::format("{} -> {}", q, n));
                outputs.push_back(n);
            }
        }
    }
    for (const synapse& s : synapses) {
        // Weights are float32 in synapse lists: 7 significant digits are all there is.
        instances += fmt::format("{} = {{ cell = \"synapse\", p = {:.7g} }}\n", s.name, s.p);
    }
    m.synapses = synapses.size();
    std::string fanout_text, fanin_text;
    for (const auto& [src, sinks] : fanout) {
        if (sinks.size() == 1) {
            wires.push_back(fmt::format("{} -> {}", src, sinks[0]));
        } else {
            fanout_text += fmt::format("{}{} = {}", fanout_text.empty() ? "" : ", ", quoted(src), list(sinks));
            m.splitters += sinks.size() - 1;
        }
    }
    for (const auto& [dst, sources] : fanin) {
        if (sources.size() == 1) {
            wires.push_back(fmt::format("{} -> {}", sources[0], dst));
        } else {
            fanin_text += fmt::format("{}{} = {}", fanin_text.empty() ? "" : ", ", quoted(dst), list(sources));
            m.mergers += sources.size() - 1;
        }
    }
    m.cells = m.neurons + m.synapses + m.mergers + m.splitters;
    if (m.cells > o.max_cells) {
        error_site site;
        site.resource = "cells";
        throw network_error(fmt::format("the SFQ circuit would need {} cells ({} neurons, {} synapses, {} mergers, {} "
                                        "splitters), more than max_cells = {}",
                                        m.cells, m.neurons, m.synapses, m.mergers, m.splitters, o.max_cells),
                            site);
    }
    std::string text = fmt::format("# Mapped by fluxon's SFQ mapper (mappers/sfq_mapper.hpp) from {}.\n",
                                   spec.config_source);
    text += fmt::format("[circuit]\ntechnology = {}\nseed = {}\npolicy = \"record\"\n", quoted(o.technology),
                        o.seed != 0 ? o.seed : spec.run.seed);
    if (!outputs.empty()) text += fmt::format("outputs = {}\n", list(outputs));
    text += fmt::format("record = {}\n", list(m.recorded));
    if (!open_ports.empty()) text += fmt::format("open = {}\n", list(open_ports));
    text += fmt::format("wires = {}\n", list(wires));
    if (!fanout_text.empty()) text += fmt::format("fanout = {{ {} }}\n", fanout_text);
    if (!fanin_text.empty()) text += fmt::format("fanin = {{ {} }}\n", fanin_text);
    text += "\n[circuit.instances]\n" + instances + inputs;
    m.circuit_text = std::move(text);
    return m;
}

}  // namespace fluxon
