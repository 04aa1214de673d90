#include "io/run_file_output.hpp"

#include <algorithm>

#include "engine/network_builder.hpp"
#include "fluxon_version.hpp"

namespace fluxon::io {

run_layout layout_of(const simulation& sim) {
    const net::experiment_spec& spec = sim.spec();
    const built_network& net = sim.network();
    run_layout l;
    l.meta = run_metadata{fluxon::version, spec.run.seed, net.base.ticks_per_second(), net.dt, net.duration,
                          net.threads, spec.config_text, spec.config_source, spec.config_format};
    for (const auto& p : net.populations) {
        l.populations.push_back({p.name, std::string(p.model->name()), p.model->is_source() ? "source" : "neuron",
                                 p.size, p.params.to_json()});
    }
    for (const auto& p : net.projections) {
        l.projections.push_back({p.name, p.pre, p.post, p.receptor, p.connector, p.n_synapses});
    }
    for (const auto& s : net.spike_streams) {
        l.spikes.push_back({stream_name(net, s), stream_size(net, s), s.all, s.ids, s.layer >= 0});
    }
    for (const auto& p : net.probes) {
        l.probes.push_back({net.populations[p.population].name, p.variable, p.units, p.ids,
                            static_cast<double>(p.interval_steps) * net.dt});
    }
    l.devices = sim.describe_devices();
    for (const net::weight_record_spec& w : spec.weight_records) {
        const auto p = std::find_if(net.projections.begin(), net.projections.end(),
                                    [&](const built_projection& b) { return b.name == w.projection; });
        if (p == net.projections.end()) continue;  // checked when the config was read
        weight_record r{p->name, p->pre, p->post, p->receptor, "", {}, {}, {}, {}};
        for (const receptor_def& receptor : net.populations[p->post_index].model->receptors()) {
            if (receptor.name == p->receptor) r.weight_unit = std::string(si_unit(receptor.weight_dim));
        }
        sim.synapses(p->name, r.pre_ids, r.post_ids, r.weights, r.delays);
        l.weights.push_back(std::move(r));
    }
    return l;
}

run_file_output::run_file_output(const std::string& path, const simulation& sim)
    : writer_(path, layout_of(sim), sim.spec().run.flush_interval) {}

void run_file_output::spikes(std::size_t stream, std::span<const double> times, std::span<const std::uint32_t> ids,
                             std::span<const double> values) {
    writer_.append_spikes(stream, times, ids, values);
}

void run_file_output::layers_finished(const layers_report& report) { writer_.write_layers(report.stats, report.tables); }

void run_file_output::probe(std::size_t index, std::span<const double> times, std::span<const double> values) {
    writer_.append_probe(index, times, values);
}

void run_file_output::progress(double time_reached) { writer_.progress(time_reached); }

void run_file_output::device_finished(const device_report& report) { writer_.finish_device(report); }

void run_file_output::finish(const run_result& r, const std::string& message) {
    writer_.finish(run_counters{r.steps, r.spikes, r.synaptic_events, r.events, r.wall_time, r.build_time,
                                r.spikes_per_population, r.windows, r.parallel_windows},
                   r.status, message);
}

void run_file_output::failed(const std::string& message) { writer_.finish(run_counters{}, "failed", message); }

}  // namespace fluxon::io
