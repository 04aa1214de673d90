#include "engine/network_builder.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <exception>
#include <fstream>
#include <tuple>
#include <unordered_map>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <tbb/parallel_for.h>
#include <tbb/info.h>
#include <tbb/task_arena.h>

#include "mappers/thread_partition.hpp"
#include "networks/connectivity.hpp"
#include "networks/graph.hpp"
#include "networks/values.hpp"

namespace fluxon {
namespace {

// Windows are at most this many steps even without projections: it bounds how long recording
// buffers grow and how late a stop request is honoured, and it is fixed so that windows (hence
// summation order) never depend on the thread count.
constexpr std::uint32_t max_window_steps = 64;

// Single precision is a property of a model's block: one without it is refused, not run in
// double behind the user's back. Sources have no state to hold in either precision.
void check_precision(const model_registry& models, const neuron_model& model, const std::string& population,
                     const net::run_spec& run) {
    if (run.precision != state_precision::single_precision || model.has_single_precision()) return;
    if (model.is_source()) return;
    std::vector<std::string> with;
    for (const std::string& name : models.names()) {
        if (models.find(name)->has_single_precision()) with.push_back(name);
    }
    error_site site = run.precision_site;
    site.node = population;
    throw config_error(fmt::format("population '{}' uses model '{}', which has no single-precision state; "
                                   "precision = \"single\" is available for {} (or use \"double\")",
                                   population, model.name(), fmt::join(with, ", ")),
                       site);
}

error_site with_node(error_site site, const std::string& node) {
    if (site.node.empty()) site.node = node;
    return site;
}

std::int64_t steps_of(double seconds, double dt, const error_site& site, const std::string& what) {
    const double s = seconds / dt;
    const double r = std::nearbyint(s);
    if (std::fabs(s - r) > 1e-6 * std::max(1.0, std::fabs(r))) {
        throw config_error(fmt::format("{} = {} s is not a multiple of dt = {} s", what, seconds, dt), site);
    }
    return static_cast<std::int64_t>(r);
}

std::vector<std::uint32_t> checked_ids(const std::vector<std::int64_t>& ids, std::uint32_t size,
                                       const error_site& site, const std::string& what) {
    std::set<std::uint32_t> unique;
    for (const auto id : ids) {
        if (id < 0 || id >= size) {
            throw network_error(fmt::format("{}: neuron id {} is out of range [0, {})", what, id, size), site);
        }
        unique.insert(static_cast<std::uint32_t>(id));
    }
    return {unique.begin(), unique.end()};
}

class builder {
public:
    builder(const net::experiment_spec& spec, const model_registry& models, event_engine& engine,
            std::uint32_t ring_headroom)
        : spec_(spec), models_(models), engine_(engine), ring_headroom_(ring_headroom) {}

    built_network build() {
        const run_settings run = resolve_run(spec_.run);
        out_.base = run.base;
        out_.dt = run.dt;
        out_.duration = run.duration;
        out_.dt_ticks = run.dt_ticks;
        out_.stamp_offset_steps = spec_.run.convention == timing_convention::brian2 ? 1 : 0;
        out_.end_ticks = run.end_ticks;
        out_.threads = run.threads;
        out_.seed = spec_.run.seed;
        const auto net = net::index_network(spec_);
        validate_populations();
        check_memory(net);
        plan_slices();
        auto tables = build_projections(net);
        make_slices(tables);
        set_initial_state();
        set_currents(net);
        set_drives(net);
        build_layers();
        set_recording(net);
        engine_.limit_lookahead(checked_mul(out_.window_steps, out_.dt_ticks, "the window length"));
        return std::move(out_);
    }

private:
    void validate_populations() {
        for (std::size_t p = 0; p < spec_.network.populations.size(); ++p) {
            const auto& ps = spec_.network.populations[p];
            const error_site site = with_node(ps.site, ps.name);
            const neuron_model& model = models_.get(ps.model, site);
            check_precision(models_, model, ps.name, spec_.run);
            auto params = validate_params(model.schema(), ps.params, site);
            block_context ctx = context_for(p, 0, ps.size);
            model.check(params, ctx);
            out_.populations.push_back(built_population{ps.name, &model, std::move(params), ps.size, {}});
        }
    }

    // Bytes a population's slices hold per neuron whatever its synapses: its state arrays and at
    // least two slots of its delay ring per receptor (population_slice), 8 bytes each, and a
    // word of spike flags and bookkeeping. A lower bound: a run refused on it cannot fit.
    static double bytes_per_neuron(const neuron_model& model) {
        const auto states = static_cast<double>(model.state_vars().size());
        const auto receptors = static_cast<double>(model.receptors().size());
        return 8.0 * (states + 2.0 * receptors + 1.0);
    }

    // Refuses, before anything large is allocated, a network whose neurons and synapses cannot
    // fit in the memory this machine has available, naming the population or projection that
    // needs the most. While a projection is being built its synapses exist twice: as drawn (14
    // bytes each) and in CSR form (8-10 bytes each).
    void check_memory(const net::indexed_network& net) const {
        using kind = net::connector_spec::kind;
        double expected = 0, largest = 0;
        const net::projection_spec* largest_projection = nullptr;
        for (const auto& pr : spec_.network.projections) {
            const double pre = out_.populations[net.population_index.at(pr.pre)].size;
            const double post = out_.populations[net.population_index.at(pr.post)].size;
            double n = 0;
            switch (pr.connector.k) {
                case kind::all_to_all: n = pre * post; break;
                case kind::one_to_one: n = pre; break;
                case kind::fixed_probability: n = pr.connector.p * pre * post; break;
                case kind::fixed_indegree: n = static_cast<double>(pr.connector.n) * post; break;
                case kind::fixed_outdegree: n = static_cast<double>(pr.connector.n) * pre; break;
                case kind::explicit_list: n = static_cast<double>(pr.connector.pre_ids.size()); break;
            }
            expected += n;
            if (n >= largest) largest_projection = &pr;
            largest = std::max(largest, n);
        }
        const double synapse_bytes = expected * 10.0 + largest * 14.0;
        double neuron_bytes = 0, largest_population = -1;
        std::size_t biggest = 0;
        for (std::size_t p = 0; p < out_.populations.size(); ++p) {
            const double b = out_.populations[p].size * bytes_per_neuron(*out_.populations[p].model);
            neuron_bytes += b;
            if (b > largest_population) {
                largest_population = b;
                biggest = p;
            }
        }
        const double available = available_memory_bytes();
        if (!(available > 0) || synapse_bytes + neuron_bytes <= available) return;
        constexpr double gib = 1 << 30;
        const std::string total = fmt::format("the network needs about {:.1f} GiB ({:.1f} GiB for its neurons, {:.1f} GiB "
                                              "for its {:.3g} synapses) but only {:.1f} GiB of memory is available",
                                              (synapse_bytes + neuron_bytes) / gib, neuron_bytes / gib,
                                              synapse_bytes / gib, expected, available / gib);
        if (neuron_bytes >= synapse_bytes) {
            const auto& ps = spec_.network.populations[biggest];
            error_site site = with_node(ps.site, ps.name);
            site.resource = "memory";
            throw network_error(fmt::format("population '{}' holds {} neurons, about {:.1f} GiB of state: {}", ps.name,
                                            ps.size, largest_population / gib, total),
                                site);
        }
        error_site site = with_node(largest_projection->site, largest_projection->name);
        site.resource = "memory";
        throw network_error(fmt::format("projection '{}' draws about {:.3g} synapses: {}", largest_projection->name,
                                        largest, total),
                            site);
    }

    block_context context_for(std::size_t p, std::uint32_t first, std::uint32_t size) const {
        const auto& ps = spec_.network.populations[p];
        return block_context{out_.dt, spec_.run.seed, static_cast<std::uint32_t>(p), ps.size, first, size,
                             &ps.arrays, with_node(ps.site, ps.name), spec_.run.convention, spec_.run.precision};
    }

    void plan_slices() {
        std::vector<std::uint32_t> sizes;
        for (const auto& p : out_.populations) sizes.push_back(p.size);
        plan_ = partition_for_threads(sizes, engine_.shards(), spec_.run.min_slice);
    }

    // Per projection, its synapses as one CSR table per target slice. Connectivity is drawn
    // twice from the same seed, to count rows and then to fill them, so that no list of all
    // synapses ever exists next to the tables.
    struct projection_job {
        net::projection_context ctx;
        std::size_t pre = 0, post = 0;
        std::uint32_t receptor = 0;
    };

    projection_job job_for(const net::indexed_network& net, std::size_t e) const {
        const auto& pr = spec_.network.projections[e];
        const auto pre = net.population_index.at(pr.pre), post = net.population_index.at(pr.post);
        const neuron_model& target = *out_.populations[post].model;
        const int receptor = find_receptor(target, pr.receptor);
        if (receptor < 0) {
            std::vector<std::string> names;
            for (const auto& r : target.receptors()) names.push_back(r.name);
            throw network_error(
                fmt::format("population '{}' (model '{}') has no receptor '{}'; it has: {}", pr.post, target.name(),
                            pr.receptor,
                            names.empty() ? std::string("none (it is a source)") : fmt::format("{}", fmt::join(names, ", "))),
                with_node(pr.site, pr.name));
        }
        const net::projection_context ctx{out_.populations[pre].size, out_.populations[post].size, pre == post,
                                          target.receptors()[receptor].weight_dim, out_.dt, spec_.run.seed,
                                          static_cast<std::uint32_t>(e), target.receptors()[receptor].sign};
        return {ctx, pre, post, static_cast<std::uint32_t>(receptor)};
    }

    // Per projection, its synapses as one CSR table per target slice. Projections are built in
    // parallel (each has its own random streams); if several fail, the first one's error is
    // reported, whatever the timing.
    std::vector<std::vector<synapse_table>> build_projections(const net::indexed_network& net) {
        const auto& projections = spec_.network.projections;
        std::vector<projection_job> jobs;
        for (std::size_t e = 0; e < projections.size(); ++e) jobs.push_back(job_for(net, e));
        std::vector<std::vector<synapse_table>> tables(jobs.size());
        std::vector<net::delay_range> ranges(jobs.size());
        std::vector<std::exception_ptr> errors(jobs.size());
        // More threads than cores would only make TBB warn; the result does not depend on it.
        tbb::task_arena arena(std::min(out_.threads, tbb::info::default_concurrency()));
        arena.execute([&] {
            tbb::parallel_for(std::size_t{0}, jobs.size(), [&](std::size_t e) {
                try {
                    std::tie(tables[e], ranges[e]) =
                        tables_for(projections[e], jobs[e].ctx, plan_[jobs[e].post], jobs[e].receptor);
                } catch (...) {
                    errors[e] = std::current_exception();
                }
            });
        });
        for (auto& error : errors) {
            if (error) std::rethrow_exception(error);
        }
        std::uint32_t min_delay = max_window_steps, max_delay = 1;
        for (std::size_t e = 0; e < jobs.size(); ++e) {
            const auto& pr = projections[e];
            std::uint64_t n = 0;
            for (auto& t : tables[e]) {
                t.projection = static_cast<std::uint32_t>(e);
                t.pre_population = static_cast<std::uint32_t>(jobs[e].pre);
                n += t.size();
            }
            min_delay = std::min<std::uint32_t>(min_delay, ranges[e].min);
            max_delay = std::max<std::uint32_t>(max_delay, ranges[e].max);
            out_.projections.push_back(built_projection{pr.name, pr.pre, pr.post, pr.receptor,
                                                        connector_name(pr.connector.k), n, jobs[e].pre, jobs[e].post});
        }
        out_.window_steps = std::max<std::uint32_t>(1, min_delay);
        max_delay_ = max_delay;
        return tables;
    }

    static std::pair<std::vector<synapse_table>, net::delay_range> tables_for(
        const net::projection_spec& pr, const net::projection_context& ctx, const std::vector<slice_plan>& slices,
        std::uint32_t receptor) {
        const auto slice_of = [&](std::uint32_t post) {
            std::size_t s = 0;
            while (post >= slices[s].first + slices[s].size) ++s;
            return s;
        };
        std::vector<synapse_table> tables(slices.size());
        for (auto& t : tables) {
            t.receptor = receptor;
            t.row_start.assign(std::size_t{ctx.pre_size} + 1, 0);
        }
        std::size_t n = 0;
        net::connect(pr.connector, ctx, [&](std::uint32_t pre, std::uint32_t post) {
            ++tables[slice_of(post)].row_start[pre + 1];
            ++n;
        });
        const auto range = net::scan_delays(pr, ctx, n);
        const bool uniform = range.min == range.max;
        std::uint32_t largest_slice = 0;
        for (const auto& s : slices) largest_slice = std::max(largest_slice, s.size);
        const weight_layout layout = choose_weight_layout(net::distinct_weights(pr, ctx, n, 256), largest_slice);
        // Class of each distinct weight by bit pattern (a few entries; only used while building).
        std::unordered_map<std::uint32_t, std::uint32_t> class_of;
        for (std::size_t c = 0; c < layout.shared.size(); ++c) {
            class_of.emplace(std::bit_cast<std::uint32_t>(layout.shared[c]), static_cast<std::uint32_t>(c));
        }
        std::vector<std::vector<std::uint64_t>> cursor(tables.size());
        for (std::size_t s = 0; s < tables.size(); ++s) {
            auto& t = tables[s];
            auto& rows = t.row_start;
            for (std::size_t j = 0; j < ctx.pre_size; ++j) rows[j + 1] += rows[j];
            t.shared = layout.shared;
            t.class_bits = layout.class_bits;
            if (t.weights_shared()) {
                t.packed.resize(rows.back());
            } else {
                t.synapses.resize(rows.back());
            }
            if (!uniform) t.delay.resize(rows.back());
            t.uniform_delay = range.min;
            cursor[s].assign(rows.begin(), rows.end() - 1);
        }
        const std::uint32_t class_shift = 32 - layout.class_bits;
        net::synapse_values values(pr, ctx, n);
        net::connect(pr.connector, ctx, [&](std::uint32_t pre, std::uint32_t post) {
            const std::size_t s = slice_of(post);
            auto& t = tables[s];
            const std::uint64_t at = cursor[s][pre]++;
            const std::uint32_t target = post - slices[s].first;
            const float weight = values.next_weight();
            if (t.class_bits > 0) {
                t.packed[at] = target | class_of.at(std::bit_cast<std::uint32_t>(weight)) << class_shift;
            } else if (t.weights_shared()) {
                t.packed[at] = target;
            } else {
                t.synapses[at] = synapse{target, weight};
            }
            const std::uint16_t delay = values.next_delay();
            if (!uniform) t.delay[at] = delay;
        });
        return {std::move(tables), range};
    }

    static std::string connector_name(net::connector_spec::kind k) {
        using kind = net::connector_spec::kind;
        switch (k) {
            case kind::all_to_all: return "all_to_all";
            case kind::one_to_one: return "one_to_one";
            case kind::fixed_probability: return "fixed_probability";
            case kind::fixed_indegree: return "fixed_indegree";
            case kind::fixed_outdegree: return "fixed_outdegree";
            case kind::explicit_list: return "explicit";
        }
        return "?";
    }

    void make_slices(std::vector<std::vector<synapse_table>>& tables) {
        for (std::size_t p = 0; p < plan_.size(); ++p) {
            auto& pop = out_.populations[p];
            for (const auto& s : plan_[p]) {
                auto block = pop.model->make_block(pop.params, context_for(p, s.first, s.size));
                auto slice = std::make_unique<population_slice>(
                    std::move(block), static_cast<std::uint32_t>(p), s.first, s.size, pop.model->receptors().size(),
                    out_.dt_ticks, max_delay_ + ring_headroom_, out_.window_steps);
                pop.slices.push_back(slice.get());
                engine_.add_unit(std::move(slice), s.shard);
            }
        }
        for (std::size_t e = 0; e < tables.size(); ++e) {
            const auto& proj = out_.projections[e];
            auto& targets = out_.populations[proj.post_index].slices;
            for (std::size_t s = 0; s < targets.size(); ++s) {
                for (const population_slice* source : out_.populations[proj.pre_index].slices) {
                    tables[e][s].sources.push_back(&source->log());
                }
                targets[s]->add_incoming(std::move(tables[e][s]));
            }
        }
    }

    void set_initial_state() {
        for (std::size_t p = 0; p < out_.populations.size(); ++p) {
            auto& pop = out_.populations[p];
            const auto vars = pop.model->state_vars();
            for (std::size_t v = 0; v < vars.size(); ++v) {
                const double value = pop.model->initial_value(v, pop.params);
                for (auto* slice : pop.slices) slice->block().set_state(v, std::vector<double>(slice->size(), value));
            }
            for (const auto& init : spec_.network.populations[p].initial) {
                const error_site site = with_node(init.site, pop.name);
                const int v = find_state_var(*pop.model, init.variable);
                if (v < 0) {
                    std::vector<std::string> names;
                    for (const auto& s : vars) names.push_back(s.name);
                    throw config_error(fmt::format("model '{}' has no state variable '{}'; it has: {}",
                                                   pop.model->name(), init.variable,
                                                   names.empty() ? std::string("none") : fmt::format("{}", fmt::join(names, ", "))),
                                       site);
                }
                sequential_rng rng(derive_seed(spec_.run.seed, stream_kind::initial_state, p, v));
                const auto values = net::draw_values(init.value, pop.size, vars[v].dim, rng,
                                                     "initial " + init.variable);
                for (auto* slice : pop.slices) {
                    slice->block().set_state(v, std::span(values).subspan(slice->first_id(), slice->size()));
                }
            }
        }
    }

    void set_currents(const net::indexed_network& net) {
        std::vector<std::vector<std::vector<current_change>>> per_slice(out_.populations.size());
        for (std::size_t p = 0; p < out_.populations.size(); ++p) per_slice[p].resize(out_.populations[p].slices.size());
        for (const auto& c : spec_.network.currents) {
            const error_site site = with_node(c.site, c.name);
            const auto p = net.population_index.at(c.target);
            const auto& pop = out_.populations[p];
            if (!pop.model->accepts_current()) {
                throw network_error(fmt::format("population '{}' (model '{}') takes no current input", pop.name,
                                                pop.model->name()),
                                    site);
            }
            pop.model->check_current(pop.params, site);
            const auto steps_and_amps = current_schedule(c, site);
            const auto ids = c.ids.empty() ? std::vector<std::uint32_t>{} : checked_ids(c.ids, pop.size, site, "current");
            for (std::size_t s = 0; s < pop.slices.size(); ++s) {
                const auto* slice = pop.slices[s];
                std::vector<std::uint32_t> local;
                for (std::uint32_t i = 0; i < slice->size(); ++i) {
                    const std::uint32_t id = slice->first_id() + i;
                    if (ids.empty() || std::binary_search(ids.begin(), ids.end(), id)) local.push_back(i);
                }
                double previous = 0;
                for (const auto& [step, amp] : steps_and_amps) {
                    per_slice[p][s].push_back(current_change{step, local, amp - previous});
                    previous = amp;
                }
            }
        }
        for (std::size_t p = 0; p < out_.populations.size(); ++p) {
            for (std::size_t s = 0; s < out_.populations[p].slices.size(); ++s) {
                if (!per_slice[p][s].empty()) out_.populations[p].slices[s]->set_currents(std::move(per_slice[p][s]));
            }
        }
    }

    void set_drives(const net::indexed_network& net) {
        for (std::size_t k = 0; k < spec_.network.drives.size(); ++k) {
            const net::drive_spec& d = spec_.network.drives[k];
            const error_site site = with_node(d.site, d.name);
            const auto p = net.population_index.at(d.target);
            const auto& pop = out_.populations[p];
            const int receptor = find_receptor(*pop.model, d.receptor);
            if (receptor < 0) {
                std::vector<std::string> names;
                for (const auto& r : pop.model->receptors()) names.push_back(r.name);
                throw config_error(fmt::format("drive '{}': population '{}' (model '{}') has no receptor '{}'; it has: {}",
                                               d.name, pop.name, pop.model->name(), d.receptor,
                                               names.empty() ? std::string("none (it is a source)")
                                                             : fmt::format("{}", fmt::join(names, ", "))),
                                   site);
            }
            const receptor_def& def = pop.model->receptors()[static_cast<std::size_t>(receptor)];
            const double weight = resolve_quantity(d.weight, def.weight_dim, "drive weight");
            if (def.sign != weight_sign::any && (def.sign == weight_sign::non_positive ? weight > 0 : weight < 0)) {
                throw config_error(fmt::format("drive '{}': weight {:.6g} {} onto receptor '{}' of population '{}' is {}",
                                               d.name, weight, si_unit(def.weight_dim), d.receptor, pop.name,
                                               weight > 0 ? "positive and would excite; inhibitory weights are negative"
                                                          : "negative; this receptor takes conductances"),
                                   site);
            }
            const double rate = resolve_quantity(d.rate, dimension::frequency, "drive rate");
            const double per_step = rate * out_.dt;
            if (!(rate >= 0) || per_step > 1) {
                throw config_error(fmt::format("drive '{}': rate must be >= 0 and at most one spike per step of each "
                                               "input (rate x dt <= 1), got {} Hz x {} s = {}",
                                               d.name, rate, out_.dt, per_step),
                                   site);
            }
            // Counts are drawn by inverting the CDF, as the poisson model does: cheap for the means
            // of spiking inputs; a larger mean per step is a current, not spikes.
            constexpr double max_mean_per_step = 20;
            if (static_cast<double>(d.inputs) * per_step > max_mean_per_step) {
                throw config_error(fmt::format("drive '{}': inputs x rate x dt = {} spikes per step per neuron is above "
                                               "{}; use a smaller dt or rate, or a current",
                                               d.name, static_cast<double>(d.inputs) * per_step, max_mean_per_step),
                                   site);
            }
            const binomial_counts counts(d.inputs, per_step);
            const std::uint64_t stream = derive_seed(spec_.run.seed, stream_kind::drive, k);
            for (auto* slice : pop.slices) {
                poisson_drive drive{static_cast<std::uint32_t>(receptor), static_cast<float>(weight), {}, counts};
                drive.keys.resize(slice->size());
                for (std::uint32_t i = 0; i < slice->size(); ++i) drive.keys[i] = counter_key(stream, slice->first_id() + i);
                slice->add_drive(std::move(drive));
            }
        }
    }

    std::vector<std::pair<std::int64_t, double>> current_schedule(const net::current_spec& c,
                                                                  const error_site& site) const {
        if (c.times.size() != c.amplitudes.size() || c.times.empty()) {
            throw config_error(fmt::format("a current needs as many times as amplitudes (at least one); got {} "
                                           "times and {} amplitudes",
                                           c.times.size(), c.amplitudes.size()),
                               site);
        }
        std::vector<std::pair<std::int64_t, double>> out;
        for (std::size_t k = 0; k < c.times.size(); ++k) {
            const double t = resolve_quantity(c.times[k], dimension::time, "current time");
            const double a = resolve_quantity(c.amplitudes[k], dimension::current, "current amplitude");
            const auto step = steps_of(t, out_.dt, c.times[k].site.line ? c.times[k].site : site, "current time");
            if (step < 0 || (!out.empty() && step < out.back().first)) {
                throw config_error("current times must be >= 0 and non-decreasing", site);
            }
            out.emplace_back(step, a);
        }
        return out;
    }

    // The layered network is one unit (its layers pass values within a step), on the first shard.
    void build_layers() {
        const auto& layers = spec_.network.layers;
        if (layers.empty()) return;
        for (const auto& l : layers) {
            for (const auto& p : spec_.network.populations) {
                if (p.name == l.name) {
                    throw config_error(fmt::format("'{}' names a population and a layer; a name may be used once",
                                                   l.name),
                                       with_node(l.site, l.name));
                }
            }
        }
        auto unit = std::make_unique<layer_network>(layers, models_.layers(), out_.dt, out_.dt_ticks);
        out_.layers = unit.get();
        engine_.add_unit(std::move(unit), 0);
    }

    void set_recording(const net::indexed_network& net) {
        for (const auto& r : spec_.layer_records) {
            const int l = out_.layers ? out_.layers->find(r.layer) : -1;
            if (l < 0) {
                std::vector<std::string> names;
                if (out_.layers) {
                    for (const auto& b : out_.layers->layers()) names.push_back(b.name);
                }
                throw config_error(fmt::format("no layer '{}' to record; the layers are: {}", r.layer,
                                               names.empty() ? std::string("none") : fmt::format("{}", fmt::join(names, ", "))),
                                   r.site);
            }
            built_layer& layer = out_.layers->layers()[static_cast<std::size_t>(l)];
            if (layer.recorded) throw config_error(fmt::format("layer '{}' is recorded twice", r.layer), r.site);
            layer.recorded = true;
            spike_stream_plan plan;
            plan.layer = l;
            out_.spike_streams.push_back(std::move(plan));
        }
        std::set<std::size_t> recorded;
        for (const auto& r : spec_.spikes) {
            const auto p = net.population_index.at(r.population);
            if (!recorded.insert(p).second) {
                throw config_error(fmt::format("spikes of '{}' are recorded twice", r.population), r.site);
            }
            auto& pop = out_.populations[p];
            spike_stream_plan plan{p, r.all, {}};
            if (!r.all) plan.ids = checked_ids(r.ids, pop.size, r.site, "recorded spikes");
            for (auto* slice : pop.slices) {
                std::vector<std::uint8_t> mask;
                if (!r.all) {
                    mask.assign(slice->size(), 0);
                    for (auto id : plan.ids) {
                        if (id >= slice->first_id() && id < slice->first_id() + slice->size()) mask[id - slice->first_id()] = 1;
                    }
                }
                slice->record_spikes(std::move(mask));
            }
            out_.spike_streams.push_back(std::move(plan));
        }
        std::set<std::pair<std::size_t, std::string>> probed;
        for (const auto& r : spec_.probes) {
            const auto p = net.population_index.at(r.population);
            auto& pop = out_.populations[p];
            const error_site site = with_node(r.site, pop.name);
            const int v = find_state_var(*pop.model, r.variable);
            if (v < 0) {
                std::vector<std::string> names;
                for (const auto& s : pop.model->state_vars()) names.push_back(s.name);
                throw config_error(fmt::format("model '{}' has no state variable '{}' to probe; it has: {}",
                                               pop.model->name(), r.variable,
                                               names.empty() ? std::string("none") : fmt::format("{}", fmt::join(names, ", "))),
                                   site);
            }
            if (!probed.emplace(p, r.variable).second) {
                throw config_error(fmt::format("'{}.{}' is probed twice", r.population, r.variable), site);
            }
            probe_plan plan;
            plan.population = p;
            plan.variable = r.variable;
            plan.units = std::string(si_unit(pop.model->state_vars()[v].dim));
            if (r.ids.empty()) {
                plan.ids.resize(pop.size);
                for (std::uint32_t i = 0; i < pop.size; ++i) plan.ids[i] = i;
            } else {
                plan.ids = checked_ids(r.ids, pop.size, site, "probe");
            }
            plan.interval_steps = 1;
            if (r.interval) {
                const double interval = resolve_quantity(*r.interval, dimension::time, "probe interval");
                plan.interval_steps = steps_of(interval, out_.dt, r.interval->site, "probe interval");
                if (plan.interval_steps < 1) throw config_error("a probe interval must be at least dt", site);
            }
            plan.tap_index = pop.slices.front()->probes().size();
            for (auto* slice : pop.slices) {
                probe_tap tap;
                tap.state_index = static_cast<std::size_t>(v);
                tap.interval_steps = plan.interval_steps;
                for (auto id : plan.ids) {
                    if (id >= slice->first_id() && id < slice->first_id() + slice->size()) {
                        tap.local_ids.push_back(id - slice->first_id());
                    }
                }
                slice->add_probe(std::move(tap));
            }
            out_.probes.push_back(std::move(plan));
        }
    }

    const net::experiment_spec& spec_;
    const model_registry& models_;
    event_engine& engine_;
    std::uint32_t ring_headroom_ = 0;
    built_network out_;
    std::vector<std::vector<slice_plan>> plan_;
    std::uint32_t max_delay_ = 1;
};

}  // namespace

const std::string& stream_name(const built_network& net, const spike_stream_plan& stream) {
    if (stream.layer >= 0) return net.layers->layers()[static_cast<std::size_t>(stream.layer)].name;
    return net.populations[stream.population].name;
}

std::uint32_t stream_size(const built_network& net, const spike_stream_plan& stream) {
    if (stream.layer >= 0) {
        return static_cast<std::uint32_t>(net.layers->layers()[static_cast<std::size_t>(stream.layer)].shape.size());
    }
    return net.populations[stream.population].size;
}

double available_memory_bytes() {
    std::ifstream meminfo("/proc/meminfo");
    std::string key;
    double kib = 0;
    while (meminfo >> key >> kib) {
        if (key == "MemAvailable:") return kib * 1024.0;
        meminfo.ignore(256, '\n');
    }
    return 0;  // unknown: do not refuse
}

run_settings resolve_run(const net::run_spec& run) {
    run_settings s;
    s.base = time_base::from_name(run.time_base);
    s.dt = resolve_quantity(run.dt, dimension::time, "dt");
    s.duration = resolve_quantity(run.duration, dimension::time, "duration");
    if (!(s.dt > 0)) throw config_error(fmt::format("dt must be > 0, got {} s", s.dt), run.dt.site);
    if (!(s.duration >= 0)) throw config_error(fmt::format("duration must be >= 0, got {} s", s.duration), run.duration.site);
    const auto ticks = [&](double seconds, const char* what, const error_site& site) {
        try {
            return s.base.to_ticks(seconds, what);
        } catch (const time_error& e) {
            throw config_error(e.detail(), site);
        }
    };
    s.dt_ticks = ticks(s.dt, "dt", run.dt.site);
    s.end_ticks = ticks(s.duration, "duration", run.duration.site);
    if (s.dt_ticks <= 0) throw config_error("dt is below the time base's resolution", run.dt.site);
    if (s.end_ticks % s.dt_ticks != 0) {
        throw config_error(fmt::format("duration = {} s is not a whole number of steps of dt = {} s", s.duration, s.dt),
                           run.duration.site);
    }
    if (run.threads < 1 || run.threads > net::max_threads) {
        error_site site = run.site;
        site.key = "run.threads";
        throw config_error(fmt::format("threads must be between 1 and {}, got {}", net::max_threads, run.threads), site);
    }
    s.threads = run.threads;
    return s;
}

void check_experiment(const net::experiment_spec& spec, const model_registry& models) {
    const run_settings run = resolve_run(spec.run);
    net::index_network(spec);
    for (const auto& p : spec.network.populations) {
        const error_site site = with_node(p.site, p.name);
        const neuron_model& model = models.get(p.model, site);
        check_precision(models, model, p.name, spec.run);
        const auto params = validate_params(model.schema(), p.params, site);
        block_context ctx{};
        ctx.population_size = p.size;
        ctx.size = p.size;
        ctx.arrays = &p.arrays;
        ctx.site = site;
        ctx.dt = run.dt;
        ctx.convention = spec.run.convention;
        ctx.precision = spec.run.precision;
        model.check(params, ctx);
    }
}

built_network build_network(const net::experiment_spec& spec, const model_registry& models,
                            event_engine& engine, std::uint32_t ring_headroom) {
    return builder(spec, models, engine, ring_headroom).build();
}

}  // namespace fluxon
