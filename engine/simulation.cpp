#include "engine/simulation.hpp"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "engine/event_engine.hpp"
#include "engine/network_builder.hpp"
#include "engine/recording.hpp"

namespace fluxon {
namespace {

using clock_type = std::chrono::steady_clock;

// Recorded spikes and probe samples wait in their slices for this many windows before they
// are collected (and always at the end, at a stop, and before a progress callback).
constexpr int collect_every_windows = 128;

double seconds_since(clock_type::time_point t0) {
    return std::chrono::duration<double>(clock_type::now() - t0).count();
}

class memory_sink final : public record_sink {
public:
    memory_sink(std::vector<recorded_spikes>& spikes, std::vector<recorded_probe>& probes)
        : spikes_(spikes), probes_(probes) {}
    void spikes(std::size_t stream, std::span<const double> times, std::span<const std::uint32_t> ids,
                std::span<const double> values) override {
        auto& s = spikes_[stream];
        s.times.insert(s.times.end(), times.begin(), times.end());
        s.ids.insert(s.ids.end(), ids.begin(), ids.end());
        s.values.insert(s.values.end(), values.begin(), values.end());
    }
    void probe(std::size_t index, std::span<const double> times, std::span<const double> values) override {
        auto& p = probes_[index];
        p.times.insert(p.times.end(), times.begin(), times.end());
        p.values.insert(p.values.end(), values.begin(), values.end());
    }

private:
    std::vector<recorded_spikes>& spikes_;
    std::vector<recorded_probe>& probes_;
};

// Two devices may not share an instance name: it names their ledger paths and run-file group.
void check_instances(const net::experiment_spec& spec) {
    for (std::size_t i = 0; i < spec.devices.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            if (spec.devices[i].instance == spec.devices[j].instance) {
                throw config_error(fmt::format("two devices are both named '{}'", spec.devices[i].instance),
                                   spec.devices[i].site);
            }
        }
    }
}

}  // namespace

double run_result::total_energy() const {
    double total = 0;
    for (const device_report& d : devices) total += d.static_energy + d.dynamic_energy;
    return total;
}

struct simulation::state {
    // Set when the simulation owns its registries (the built network points into them).
    std::unique_ptr<model_registry> owned_models;
    std::unique_ptr<device_registry> owned_families;
    net::experiment_spec spec;
    event_engine engine;
    built_network net;
    double build_time = 0;
    double alone_time = 0;  // devices doing their work alone before the run: simulating, not building
    bool ran = false;
    std::vector<population_summary> populations;
    std::vector<projection_summary> projections;
    std::vector<recorded_spikes> spikes;
    std::vector<recorded_probe> probes;
    std::vector<std::unique_ptr<attached_device>> devices;  // in attach (registry) order
    std::vector<device_report> reports;                     // after the run
    std::optional<layers_report> layers;                    // after the run

    state(const net::experiment_spec& s, const model_registry& models, const device_registry& families,
          std::unique_ptr<model_registry> own_models = {}, std::unique_ptr<device_registry> own_families = {})
        : owned_models(std::move(own_models)),
          owned_families(std::move(own_families)),
          spec(s),
          engine(resolve_run(s.run).threads) {
        const auto t0 = clock_type::now();
        check_instances(spec);
        // Devices attach in registry order whatever order the description lists them in: a
        // family that takes over projections comes before one that maps what is left.
        std::vector<std::pair<const device_family*, const device_request*>> order;
        std::uint32_t headroom = 0;
        for (const device_request& d : spec.devices) {
            const device_family& family = families.get(d.family, d.site);
            order.emplace_back(&family, &d);
            headroom = std::max(headroom, family.ring_headroom(*d.settings));
        }
        const std::vector<const device_family*> registered = families.all();
        const auto rank = [&](const device_family* f) { return std::find(registered.begin(), registered.end(), f); };
        std::stable_sort(order.begin(), order.end(), [&](const auto& a, const auto& b) { return rank(a.first) < rank(b.first); });
        net = build_network(spec, models, engine, headroom);
        for (const auto& [family, request] : order) {
            attach_context ctx{spec, net, *request};
            devices.push_back(family->attach(*request->settings, ctx));
        }
        if (!spec.run.duration_given && net.populations.empty()) {
            const auto alone_start = clock_type::now();
            last_until_work_ends();
            alone_time = seconds_since(alone_start);
        }
        build_time = seconds_since(t0) - alone_time;
        for (const auto& p : net.populations) {
            populations.push_back({p.name, std::string(p.model->name()), p.size, p.model->is_source()});
        }
        for (const auto& p : net.projections) {
            projections.push_back({p.name, p.pre, p.post, p.receptor, p.n_synapses});
        }
        spikes.resize(net.spike_streams.size());
        probes.resize(net.probes.size());
        for (std::size_t i = 0; i < net.probes.size(); ++i) {
            probes[i].ids = net.probes[i].ids;
            probes[i].units = net.probes[i].units;
        }
    }

    // A run without populations and without a duration ends with the last row of its input
    // layers' data or the latest of its devices' own ends (rounded up to a whole step),
    // whichever is later; 1 s (the default) when there is neither.
    void last_until_work_ends() {
        std::optional<tick_t> end;
        for (const auto& d : devices) {
            if (const std::optional<tick_t> e = d->run_alone()) end = std::max(end.value_or(0), *e);
        }
        for (const net::layer_spec& l : spec.network.layers) {
            const auto data = l.arrays.find("data");
            if (l.kind != "input" || data == l.arrays.end() || data->second.shape.empty()) continue;
            const auto rows = static_cast<tick_t>(data->second.shape.front());
            end = std::max(end.value_or(0), rows * net.dt_ticks);
        }
        if (!end) return;
        net.end_ticks = (*end + net.dt_ticks - 1) / net.dt_ticks * net.dt_ticks;
        net.duration = net.base.to_seconds(net.end_ticks);
    }

    run_result totals(double wall, tick_t reached) const {
        run_result r;
        r.time_reached = net.base.to_seconds(reached);
        r.wall_time = wall;
        r.build_time = build_time;
        r.events = engine.events_processed();
        r.windows = engine.windows();
        r.parallel_windows = engine.parallel_windows();
        for (const auto& p : net.populations) {
            std::int64_t pop_spikes = 0;
            for (const auto* s : p.slices) {
                pop_spikes += s->counters().spikes;
                r.synaptic_events += s->counters().synaptic_events;
            }
            r.steps = std::max<std::int64_t>(r.steps, p.slices.empty() ? 0 : p.slices.front()->counters().steps);
            r.spikes += pop_spikes;
            r.spikes_per_population.emplace_back(p.name, pop_spikes);
        }
        r.devices = reports;
        r.layers = layers;
        return r;
    }
};

simulation::simulation(const net::experiment_spec& spec) {
    auto models = std::make_unique<model_registry>(builtin_models());
    auto families = std::make_unique<device_registry>();
    if (!spec.devices.empty()) {
        throw config_error(fmt::format("device '{}' needs the device families: build the simulation with a registry "
                                       "(devices/builtin_families.hpp)",
                                       spec.devices.front().instance),
                           spec.devices.front().site);
    }
    const model_registry& m = *models;
    const device_registry& f = *families;
    state_ = std::make_unique<state>(spec, m, f, std::move(models), std::move(families));
}

simulation::simulation(const net::experiment_spec& spec, const model_registry& models, const device_registry& families)
    : state_(std::make_unique<state>(spec, models, families)) {}

simulation::~simulation() = default;
simulation::simulation(simulation&&) noexcept = default;
simulation& simulation::operator=(simulation&&) noexcept = default;

run_result simulation::run(const run_options& options) {
    auto& st = *state_;
    if (st.ran) throw user_error("this simulation has already been run; build a new one", {});
    st.ran = true;
    run_output* const output = options.output;
    memory_sink memory(st.spikes, st.probes);
    std::vector<record_sink*> sinks;
    if (options.keep_in_memory) sinks.push_back(&memory);
    if (output) sinks.push_back(output);

    const auto t0 = clock_type::now();
    auto last_progress = t0;
    bool stopped = false;
    int windows_since_collect = 0;
    const auto window_done = [&](tick_t t) {
        for (const auto& d : st.devices) d->after_window(t);
        stopped = options.stop && options.stop->load(std::memory_order_relaxed) && t < st.net.end_ticks;
        // Collecting reads (and clears) buffers that other threads' slices write: done every
        // window, moving those cache lines between cores cost more than the window's spikes.
        // The file's time reached moves with the collections, so that it never runs ahead of
        // the spikes and samples the file holds.
        // A progress callback may raise (Python's KeyboardInterrupt): what ran before it is
        // collected first.
        const double reached = st.net.base.to_seconds(t);
        const bool progress_due = options.progress && (clock_type::now() - last_progress > std::chrono::milliseconds(100) ||
                                                       t >= st.net.end_ticks);
        if (++windows_since_collect == collect_every_windows || t >= st.net.end_ticks || stopped || progress_due) {
            collect_recordings(st.net, sinks);
            windows_since_collect = 0;
            if (output) output->progress(reached);
        }
        if (progress_due) {
            last_progress = clock_type::now();
            options.progress(reached, st.net.duration);
        }
        return !stopped;
    };
    tick_t reached = 0;
    try {
        reached = st.engine.run(st.net.end_ticks, st.net.threads, window_done);
    } catch (const std::exception& e) {
        if (output) output->failed(e.what());
        throw;
    }
    if (st.net.layers) {
        layers_report layers;
        st.net.layers->report(layers.stats, layers.tables);
        if (output) output->layers_finished(layers);
        st.layers = std::move(layers);
    }
    for (const auto& d : st.devices) {
        d->finish();
        st.reports.push_back(d->report());
        if (output) output->device_finished(st.reports.back());
    }
    try {
        for (const auto& d : st.devices) d->check_outcome();
    } catch (const std::exception& e) {
        if (output) output->failed(e.what());
        throw;
    }
    run_result result = st.totals(seconds_since(t0) + st.alone_time, reached);
    result.status = stopped ? "interrupted" : "complete";
    if (output) output->finish(result, stopped ? "stopped at the user's request" : "");
    return result;
}

const std::vector<population_summary>& simulation::populations() const { return state_->populations; }
const std::vector<projection_summary>& simulation::projections() const { return state_->projections; }
double simulation::dt() const { return state_->net.dt; }
double simulation::duration() const { return state_->net.duration; }
std::uint64_t simulation::seed() const { return state_->net.seed; }
int simulation::threads() const { return state_->net.threads; }
const net::experiment_spec& simulation::spec() const { return state_->spec; }
const built_network& simulation::network() const { return state_->net; }

std::vector<device_report> simulation::describe_devices() const {
    std::vector<device_report> out;
    for (const auto& d : state_->devices) out.push_back(d->describe());
    return out;
}

const recorded_spikes& simulation::spikes(const std::string& population) const {
    const auto& net = state_->net;
    for (std::size_t s = 0; s < net.spike_streams.size(); ++s) {
        if (stream_name(net, net.spike_streams[s]) == population) return state_->spikes[s];
    }
    throw user_error(fmt::format("spikes of '{}' were not recorded", population), {.node = population});
}

const recorded_probe& simulation::probe(const std::string& population, const std::string& variable) const {
    const auto& net = state_->net;
    for (std::size_t p = 0; p < net.probes.size(); ++p) {
        if (net.populations[net.probes[p].population].name == population && net.probes[p].variable == variable) {
            return state_->probes[p];
        }
    }
    throw user_error(fmt::format("'{}.{}' was not probed", population, variable), {.node = population});
}

ledger_columns simulation::ledger() const {
    if (state_->devices.empty()) {
        throw user_error("this simulation has no device (add a device section such as [hardware] or [crossbar] to "
                         "the config, or call net.device(...) in Python)",
                         {});
    }
    ledger_columns all;
    for (const auto& d : state_->devices) {
        if (const fluxon::ledger* book = d->book()) all.append(book->columns());
    }
    return all;
}

void simulation::synapses(const std::string& projection, std::vector<std::uint32_t>& pre,
                          std::vector<std::uint32_t>& post, std::vector<double>& weight,
                          std::vector<double>& delay) const {
    const auto& net = state_->net;
    for (std::size_t e = 0; e < net.projections.size(); ++e) {
        if (net.projections[e].name != projection) continue;
        pre.clear();
        post.clear();
        weight.clear();
        delay.clear();
        for (auto* slice : net.populations[net.projections[e].post_index].slices) {
            // Projections delivered a step at a time (crossbars) keep their synapse tables there.
            std::vector<const synapse_table*> tables;
            for (const auto& t : slice->incoming()) tables.push_back(&t);
            for (const auto& p : slice->step_projections()) tables.push_back(&p->table());
            for (const synapse_table* table : tables) {
                const synapse_table& t = *table;
                if (t.projection != e) continue;
                for (std::size_t j = 0; j + 1 < t.row_start.size(); ++j) {
                    for (auto k = t.row_start[j]; k < t.row_start[j + 1]; ++k) {
                        pre.push_back(static_cast<std::uint32_t>(j));
                        post.push_back(slice->first_id() + t.target(k));
                        weight.push_back(t.weight(k));
                        delay.push_back((t.delay.empty() ? t.uniform_delay : t.delay[k]) * net.dt);
                    }
                }
            }
        }
        return;
    }
    throw user_error(fmt::format("there is no projection '{}'", projection), {.node = projection});
}

}  // namespace fluxon
