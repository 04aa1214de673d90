#include "engine/simulation.hpp"

#include <chrono>
#include <map>

#include <fmt/format.h>

#include "engine/chip_binding.hpp"
#include "engine/crossbar_binding.hpp"
#include "engine/event_engine.hpp"
#include "engine/network_builder.hpp"
#include "engine/recording.hpp"
#include "fluxon_version.hpp"
#include "devices/neuromorphic/chip_preset.hpp"
#include "devices/crossbar/crossbar_preset.hpp"
#include "devices/dram/dram_preset.hpp"
#include "io/run_writer.hpp"

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
    void spikes(std::size_t stream, std::span<const double> times, std::span<const std::uint32_t> ids) override {
        auto& s = spikes_[stream];
        s.times.insert(s.times.end(), times.begin(), times.end());
        s.ids.insert(s.ids.end(), ids.begin(), ids.end());
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

class file_sink final : public record_sink {
public:
    explicit file_sink(io::run_writer& writer) : writer_(writer) {}
    void spikes(std::size_t stream, std::span<const double> times, std::span<const std::uint32_t> ids) override {
        writer_.append_spikes(stream, times, ids);
    }
    void probe(std::size_t index, std::span<const double> times, std::span<const double> values) override {
        writer_.append_probe(index, times, values);
    }

private:
    io::run_writer& writer_;
};

// The preset with the run's choices applied over it.
chip_params chip_for(const net::hardware_spec& spec, chip_params chip) {
    if (spec.topology == "tree" && chip.noc.topology == noc_topology_kind::mesh) {
        chip.tree_tiles = chip.noc.mesh_width * chip.noc.mesh_height;
        chip.noc.topology = noc_topology_kind::tree;
    } else if (spec.topology == "mesh" && chip.noc.topology == noc_topology_kind::tree) {
        if (chip.noc.mesh_width * chip.noc.mesh_height == 0) {
            throw config_error(fmt::format("preset '{}' has no mesh dimensions", chip.name), spec.topology_site);
        }
        chip.noc.topology = noc_topology_kind::mesh;
    }
    if (spec.weight_bits) {
        chip.weight_bits = static_cast<int>(*spec.weight_bits);
        chip.weight_bits_source = "set by the run ([hardware] weight_bits)";
    }
    return chip;
}

mapping_columns mapping_columns_of(const chip_binding& chip, const built_network& net) {
    mapping_columns m;
    for (const core_chunk& c : chip.mapping().chunks) {
        m.population.push_back(net.populations[c.population].name);
        m.first.push_back(c.first);
        m.size.push_back(c.size);
        m.core.push_back(c.core);
    }
    for (const core_load& c : chip.mapping().cores) {
        m.core_tile.push_back(chip.topology().tile_name(c.tile));
        m.core_neurons.push_back(c.neurons);
        m.core_synapses.push_back(c.synapses);
        m.core_fan_in.push_back(c.fan_in);
        m.core_messages_in.push_back(c.messages_in);
        m.core_synapses_off_chip.push_back(c.synapses_off_chip);
    }
    return m;
}

io::mapping_record mapping_record_of(const chip_binding& chip, const chip_preset& preset,
                                     const dram_preset& dram, const net::hardware_spec& spec,
                                     const built_network& net) {
    io::mapping_record m;
    m.preset = chip.chip().name;
    m.preset_origin = preset.origin;
    m.preset_text = preset.text;
    m.fidelity = spec.fidelity;
    m.topology = chip.chip().noc.topology == noc_topology_kind::mesh ? "mesh" : "tree";
    m.mapper = chip.mapper();
    m.step_period = chip.options().step_period;
    m.weight_bits = chip.chip().weight_bits;
    if (chip.dram()) {
        m.synapse_dram = dram.origin;
        m.bytes_per_synapse = spec.bytes_per_synapse;
    }
    m.placement = mapping_columns_of(chip, net);
    m.neurons_per_core = chip.chip().neurons_per_core.value;
    m.synapses_per_core = chip.chip().synapses_per_core.value;
    m.fan_in_per_core = chip.chip().fan_in_per_core.value;
    m.link_messages_per_round = chip.link_messages_per_round();
    for (std::uint32_t k = 0; k < chip.topology().links(); ++k) m.link_name.push_back(chip.topology().link_name(k));
    for (std::size_t e = 0; e < net.projections.size(); ++e) {
        m.projection.push_back(net.projections[e].name);
        m.weight_exponent.push_back(chip.weight_exponents()[e]);
    }
    return m;
}

io::chip_record chip_record_of(const chip_binding& chip) {
    io::chip_record l;
    const chip_statistics& s = chip.statistics();
    l.steps = s.steps;
    l.overrun_steps = s.overrun_steps;
    l.hardware_time = hw_seconds(s.hardware_time);
    l.max_step_time = hw_seconds(s.max_step_time);
    l.barrier = hw_seconds(chip.barrier());
    l.queueing_delay = hw_seconds(s.queueing_delay);
    l.messages = s.messages;
    l.hops = s.hops;
    l.synaptic_events = s.synaptic_events;
    l.late_messages = s.late_messages;
    l.max_extra_steps = s.max_extra_steps;
    l.dram_reads = s.dram_reads;
    l.dram_stall = hw_seconds(s.dram_stall);
    const auto& per_link = chip.model_noc().link_messages();
    for (std::uint32_t k = 0; k < per_link.size(); ++k) {
        l.link_name.push_back(chip.topology().link_name(k));
        l.link_messages.push_back(per_link[k]);
    }
    return l;
}

io::crossbar_record crossbar_record_of(const crossbar_binding& binding, const crossbar_preset& preset) {
    const crossbar_system& xs = binding.system();
    const crossbar_params& p = xs.params();
    const crossbar_mapping& m = xs.mapping();
    io::crossbar_record r;
    r.preset = p.name;
    r.preset_origin = preset.origin;
    r.preset_text = preset.text;
    r.encoding = m.encoding.differential ? "differential" : "offset";
    r.weight_bits = p.periphery.weight_bits;
    r.adc_bits = p.periphery.adc_bits;
    r.slices = m.encoding.slices;
    r.columns_per_weight = m.encoding.columns_per_weight;
    r.weights_per_array = m.encoding.weights_per_array;
    r.array_rows = p.geometry.rows;
    r.array_columns = p.geometry.columns;
    r.replicas = m.replicas;
    r.max_arrays = p.max_arrays;
    r.arrays = m.arrays();
    r.cell_utilisation = m.cell_utilisation(p);
    r.drift_age = xs.drift_age();
    r.hardware_time = xs.hardware_time();
    r.writes_per_cell = p.program_pulses;
    r.endurance = p.endurance;
    for (std::size_t k = 0; k < xs.matrices().size(); ++k) {
        r.projection.push_back(xs.matrices()[k].name);
        r.row_tiles.push_back(m.matrices[k].row_tiles);
        r.column_tiles.push_back(m.matrices[k].column_tiles);
        r.scale.push_back(xs.matrices()[k].scale);
        r.random.push_back(xs.matrices()[k].random ? 1 : 0);
    }
    const auto& counts = xs.counts();
    for (std::size_t t = 0; t < m.tiles.size(); ++t) {
        const crossbar_tile& tile = m.tiles[t];
        const crossbar_matrix_state& matrix = xs.matrices()[tile.matrix];
        r.tile_projection.push_back(matrix.name);
        r.row_tile.push_back(tile.row_tile);
        r.column_tile.push_back(tile.column_tile);
        r.first_row.push_back(tile.first_row);
        r.rows.push_back(tile.rows);
        r.first_column.push_back(tile.first_column);
        r.columns.push_back(tile.columns);
        r.physical_columns.push_back(tile.physical_columns);
        const std::size_t local = t - m.matrices[tile.matrix].first_tile;
        r.mean_conductance.push_back(matrix.arrays[local].mean_conductance());
        r.reads.push_back(t < counts.size() ? counts[t].reads : 0);
        r.row_drives.push_back(t < counts.size() ? counts[t].row_drives : 0);
        r.conversions.push_back(t < counts.size() ? counts[t].conversions : 0);
    }
    return r;
}

}  // namespace

struct simulation::state {
    // Set when the simulation owns its models (the built network points into them).
    std::unique_ptr<model_registry> owned_models;
    net::experiment_spec spec;
    event_engine engine;
    built_network net;
    double build_time = 0;
    bool ran = false;
    std::vector<population_summary> populations;
    std::vector<projection_summary> projections;
    std::vector<recorded_spikes> spikes;
    std::vector<recorded_probe> probes;
    chip_preset preset;
    fluxon::dram_preset synapse_dram_preset;  // of [hardware] synapse_dram, when given
    std::unique_ptr<chip_binding> chip;
    fluxon::crossbar_preset xbar_preset;
    std::unique_ptr<crossbar_binding> crossbar;

    // The ledger of the run's hardware model (chip or crossbar), or null without one.
    const fluxon::ledger* book() const {
        if (chip) return &chip->book();
        if (crossbar) return &crossbar->system().book();
        return nullptr;
    }

    state(const net::experiment_spec& s, const model_registry& models, std::unique_ptr<model_registry> owned = {})
        : owned_models(std::move(owned)), spec(s), engine(resolve_run(s.run).threads) {
        const auto t0 = clock_type::now();
        net = build_network(spec, models, engine);
        if (spec.hardware.enabled()) {
            preset = load_chip_preset(spec.hardware.preset, spec.hardware.preset_site);
            std::optional<dram_params> dram;
            if (!spec.hardware.synapse_dram.empty()) {
                const net::hardware_spec& hw = spec.hardware;
                synapse_dram_preset = load_dram_preset(hw.synapse_dram, hw.synapse_dram_site);
                dram = synapse_dram_preset.params;
            }
            chip = std::make_unique<chip_binding>(chip_for(spec.hardware, preset.params), spec, net,
                                                  std::move(dram));
        }
        if (spec.crossbar.enabled()) {
            if (spec.hardware.enabled()) {
                throw config_error("[crossbar] and [hardware] cannot be combined in one run yet: map the network "
                                   "onto a chip or its projections onto crossbar arrays",
                                   spec.crossbar.site);
            }
            xbar_preset = load_crossbar_preset(spec.crossbar.preset, spec.crossbar.preset_site);
            crossbar = std::make_unique<crossbar_binding>(crossbar_params_for(spec.crossbar, xbar_preset.params),
                                                          spec.crossbar, net);
        }
        build_time = seconds_since(t0);
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

    io::run_layout layout() const {
        io::run_layout l;
        l.meta = io::run_metadata{fluxon::version, spec.run.seed, net.base.ticks_per_second(), net.dt, net.duration,
                                  net.threads, spec.config_text, spec.config_source, spec.config_format};
        for (const auto& p : net.populations) {
            l.populations.push_back({p.name, std::string(p.model->name()), p.model->is_source() ? "source" : "neuron",
                                     p.size, p.params.to_json()});
        }
        for (const auto& p : net.projections) {
            l.projections.push_back({p.name, p.pre, p.post, p.receptor, p.connector, p.n_synapses});
        }
        for (const auto& s : net.spike_streams) {
            l.spikes.push_back({net.populations[s.population].name, net.populations[s.population].size, s.all, s.ids});
        }
        for (const auto& p : net.probes) {
            l.probes.push_back({net.populations[p.population].name, p.variable, p.units, p.ids,
                                static_cast<double>(p.interval_steps) * net.dt});
        }
        if (chip) l.mapping = mapping_record_of(*chip, preset, synapse_dram_preset, spec.hardware, net);
        return l;
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
        if (chip) {
            const chip_statistics& s = chip->statistics();
                    r.hardware = hardware_summary{chip->chip().name,
                                          chip->book().static_energy() + chip->book().dynamic_energy(),
                                          chip->book().static_energy(),
                                          chip->book().dynamic_energy(),
                                          hw_seconds(s.hardware_time),
                                          hw_seconds(s.max_step_time),
                                          s.synaptic_events,
                                          s.messages,
                                          s.hops,
                                          s.late_messages,
                                          s.overrun_steps,
                                          static_cast<std::uint32_t>(chip->mapping().cores.size()),
                                          s.dram_reads,
                                          hw_seconds(s.dram_stall)};
        }
        if (crossbar) {
            const crossbar_system& xs = crossbar->system();
            crossbar_summary c;
            c.preset = xs.params().name;
            c.arrays = xs.mapping().arrays();
            c.cell_utilisation = xs.mapping().cell_utilisation(xs.params());
            c.static_energy = xs.book().static_energy();
            c.dynamic_energy = xs.book().dynamic_energy();
            c.total_energy = c.static_energy + c.dynamic_energy;
            c.hardware_time = xs.hardware_time();
            for (const crossbar_counts& n : xs.counts()) {
                c.reads += n.reads;
                c.conversions += n.conversions;
            }
            r.crossbar = c;
        }
        return r;
    }
};

simulation::simulation(const net::experiment_spec& spec) {
    auto models = std::make_unique<model_registry>(builtin_models());
    const model_registry& ref = *models;
    state_ = std::make_unique<state>(spec, ref, std::move(models));
}

simulation::simulation(const net::experiment_spec& spec, const model_registry& models)
    : state_(std::make_unique<state>(spec, models)) {}

simulation::~simulation() = default;
simulation::simulation(simulation&&) noexcept = default;
simulation& simulation::operator=(simulation&&) noexcept = default;

run_result simulation::run(const run_options& options) {
    auto& st = *state_;
    if (st.ran) throw user_error("this simulation has already been run; build a new one", {});
    st.ran = true;
    std::unique_ptr<io::run_writer> writer;
    if (!options.output.empty()) {
        writer = std::make_unique<io::run_writer>(options.output, st.layout(), st.spec.run.flush_interval);
    }
    memory_sink memory(st.spikes, st.probes);
    std::unique_ptr<file_sink> file = writer ? std::make_unique<file_sink>(*writer) : nullptr;
    std::vector<record_sink*> sinks;
    if (options.keep_in_memory) sinks.push_back(&memory);
    if (file) sinks.push_back(file.get());

    const auto t0 = clock_type::now();
    auto last_progress = t0;
    bool stopped = false;
    int windows_since_collect = 0;
    const auto window_done = [&](tick_t t) {
        if (st.chip) st.chip->account_window();
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
            if (writer) writer->progress(reached);
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
        if (writer) writer->finish(io::run_counters{}, "failed", e.what());
        throw;
    }
    if (st.chip) st.chip->finish();
    if (st.crossbar) st.crossbar->finish();
    run_result result = st.totals(seconds_since(t0), reached);
    result.status = stopped ? "interrupted" : "complete";
    if (writer && st.book()) {
        const fluxon::ledger& book = *st.book();
        writer->write_ledger(book.columns(), book.static_energy(), book.dynamic_energy());
    }
    if (writer && st.chip) writer->write_chip(chip_record_of(*st.chip));
    if (writer && st.crossbar) writer->write_crossbar(crossbar_record_of(*st.crossbar, st.xbar_preset));
    if (writer) {
        writer->finish(io::run_counters{result.steps, result.spikes, result.synaptic_events, result.events,
                                        result.wall_time, result.build_time, result.spikes_per_population,
                                        result.windows, result.parallel_windows},
                       result.status, stopped ? "stopped at the user's request" : "");
    }
    return result;
}

const std::vector<population_summary>& simulation::populations() const { return state_->populations; }
const std::vector<projection_summary>& simulation::projections() const { return state_->projections; }
double simulation::dt() const { return state_->net.dt; }
double simulation::duration() const { return state_->net.duration; }
std::uint64_t simulation::seed() const { return state_->net.seed; }
int simulation::threads() const { return state_->net.threads; }

const recorded_spikes& simulation::spikes(const std::string& population) const {
    const auto& net = state_->net;
    for (std::size_t s = 0; s < net.spike_streams.size(); ++s) {
        if (net.populations[net.spike_streams[s].population].name == population) return state_->spikes[s];
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
    if (!state_->book()) {
        throw user_error("this simulation has no hardware model (add a [hardware] or [crossbar] section, or "
                         "net.hardware() or net.crossbar())",
                         {});
    }
    return state_->book()->columns();
}

mapping_columns simulation::mapping() const {
    if (!state_->chip) throw user_error("this simulation has no hardware (add a [hardware] section or net.hardware())", {});
    return mapping_columns_of(*state_->chip, state_->net);
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
            // Projections computed in crossbars keep their synapse tables in their deliveries.
            std::vector<const synapse_table*> tables;
            for (const auto& t : slice->incoming()) tables.push_back(&t);
            for (const auto& p : slice->step_projections()) tables.push_back(&p->table());
            for (const synapse_table* table : tables) {
                const synapse_table& t = *table;
                if (t.projection != e) continue;
                for (std::size_t j = 0; j + 1 < t.row_start.size(); ++j) {
                    for (auto k = t.row_start[j]; k < t.row_start[j + 1]; ++k) {
                        pre.push_back(static_cast<std::uint32_t>(j));
                        post.push_back(slice->first_id() + t.synapses[k].target);
                        weight.push_back(t.synapses[k].weight);
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
