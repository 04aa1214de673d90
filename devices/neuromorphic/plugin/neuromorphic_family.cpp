#include "devices/neuromorphic/plugin/neuromorphic_family.hpp"

#include <limits>

#include <optional>

#include <fmt/format.h>

#include "devices/neuromorphic/plugin/chip_binding.hpp"
#include "devices/neuromorphic/plugin/chip_settings.hpp"
#include "engine/base/config_scalars.hpp"
#include "engine/base/preset_values.hpp"
#include "engine/base/synaptic_energy.hpp"
#include "engine/network_builder.hpp"

namespace fluxon {
namespace {

std::string read_choice(const config_node& at, std::initializer_list<std::string_view> choices) {
    std::string allowed;
    for (const auto c : choices) allowed += fmt::format("{}\"{}\"", allowed.empty() ? "" : " or ", c);
    const std::string value = read_string(at, allowed);
    for (const auto c : choices) {
        if (value == c) return value;
    }
    at.fail(fmt::format("expected {}, got \"{}\"", allowed, value));
}

// The topology asked for, over the preset's own: a mesh preset runs as a tree of as many tiles.
void apply_topology(const config_node& at, const std::string& topology, chip_params& chip) {
    if (topology == "tree" && chip.noc.topology == noc_topology_kind::mesh) {
        chip.tree_tiles = chip.noc.mesh_width * chip.noc.mesh_height;
        chip.noc.topology = noc_topology_kind::tree;
    } else if (topology == "mesh" && chip.noc.topology == noc_topology_kind::tree) {
        if (chip.noc.mesh_width * chip.noc.mesh_height == 0) {
            at.fail(fmt::format("preset '{}' has no mesh dimensions", chip.name));
        }
        chip.noc.topology = noc_topology_kind::mesh;
    }
}

void read_timing(const config_node& section, chip_settings& s) {
    bool timed = false;
    config_node fidelity = section.child("fidelity");
    if (fidelity.present()) {
        timed = read_choice(fidelity, {"annotated", "timed"}) == "timed";
        s.fidelity_site = fidelity.site();
    }
    s.options.timed = timed;
    const config_node period = section.child("step_period");
    if (period.present() && !(period.node().is_string() && period.node().as_string()->get() == "asap")) {
        const quantity_input q = read_quantity(period, dimension::time);
        s.options.step_period = resolve_quantity(q, dimension::time, "step_period");
        s.step_period_site = period.site();
        if (!(s.options.step_period > 0)) {
            period.fail(fmt::format("step_period must be a positive duration or \"asap\", got {} s",
                                    s.options.step_period));
        }
    }
    if (timed && s.options.step_period == 0) {
        fidelity.fail("timed fidelity needs a fixed step_period (the hardware time of one step, such as \"0.1 ms\" "
                      "for real time at dt = 0.1 ms); as fast as possible (\"asap\"), every step waits for all its "
                      "messages and nothing can arrive late");
    }
}

void read_synapse_dram(const config_node& section, chip_settings& s) {
    if (const config_node dram = section.child("synapse_dram"); dram.present()) {
        s.synapse_dram = load_dram_preset(preset::read_name_or_path(dram, "DRAM preset (such as \"ddr4_3200\")"), dram.site());
    }
    if (const config_node bytes = section.child("bytes_per_synapse"); bytes.present()) {
        const std::int64_t value = read_integer(bytes, "a number of bytes >= 1");
        // A row's bytes are counted in 64 bits; a synapse of more than 1 MiB is a typo.
        if (value < 1 || value > (1 << 20)) {
            bytes.fail(fmt::format("bytes_per_synapse must be from 1 to 1048576, got {}", value));
        }
        s.bytes_per_synapse = static_cast<std::uint32_t>(value);
    }
}

// The mapping, settings and statistics of a chip instance, and its ledger.
class chip_device final : public attached_device {
public:
    chip_device(const chip_settings& settings, std::string instance, const net::experiment_spec& experiment,
                built_network& net)
        : settings_(settings), instance_(std::move(instance)), net_(net), binding_(settings, experiment, net) {}

    void after_window(tick_t) override { binding_.account_window(); }
    void finish() override { binding_.finish(); }
    const ledger* book() const override { return &binding_.book(); }

    // Computed once: the mapping does not change during the run, and a description walks every
    // route (chip) or cell (crossbar).
    device_report describe() const override {
        if (!described_) described_ = describe_once();
        return *described_;
    }

    device_report describe_once() const {
        device_report r;
        r.family = "neuromorphic";
        r.instance = instance_;
        r.preset = binding_.chip().name;
        r.preset_origin = settings_.preset.origin;
        r.preset_text = settings_.preset.text;
        const chip_params& chip = binding_.chip();
        r.stats.add("", "fidelity", std::string(settings_.options.timed ? "timed" : "annotated"));
        r.stats.add("", "topology", std::string(chip.noc.topology == noc_topology_kind::mesh ? "mesh" : "tree"));
        // The chip's shape, so a reader lays out its tiles without parsing link names.
        r.stats.add("", "tiles", std::int64_t{chip.tiles()});
        r.stats.add("", "cores_per_tile", std::int64_t{chip.noc.cores_per_tile});
        if (chip.noc.topology == noc_topology_kind::mesh) {
            r.stats.add("", "mesh_width", std::int64_t{chip.noc.mesh_width});
            r.stats.add("", "mesh_height", std::int64_t{chip.noc.mesh_height});
        }
        r.stats.add("", "mapper", std::string(settings_.mapper == mapper_strategy::sequential ? "sequential" : "metis"));
        r.stats.add("", "step_period", settings_.options.step_period, "s");
        r.stats.add("", "weight_bits", std::int64_t{chip.weight_bits});
        r.stats.add("", "cores", static_cast<std::int64_t>(binding_.mapping().cores.size()));
        r.stats.add("", "neurons_per_core", chip.neurons_per_core.value);
        r.stats.add("", "synapses_per_core", chip.synapses_per_core.value);
        r.stats.add("", "fan_in_per_core", chip.fan_in_per_core.value);
        r.stats.add("", "synapse_dram", settings_.synapse_dram ? settings_.synapse_dram->origin : std::string());
        r.stats.add("", "bytes_per_synapse", std::int64_t{settings_.synapse_dram ? settings_.bytes_per_synapse : 0});

        data_table chunks{"chunks"};
        std::vector<std::string> population;
        std::vector<std::int64_t> first, size, core;
        for (const core_chunk& c : binding_.mapping().chunks) {
            population.push_back(binding_.placed_names()[c.population]);
            first.push_back(c.first);
            size.push_back(c.size);
            core.push_back(c.core);
        }
        chunks.add("population", std::move(population)).add("first", std::move(first)).add("size", std::move(size));
        chunks.add("core", std::move(core));
        r.tables.push_back(std::move(chunks));

        data_table cores{"cores"};
        std::vector<std::string> tile;
        std::vector<std::int64_t> neurons, synapses, fan_in, messages_in, off_chip;
        for (const core_load& c : binding_.mapping().cores) {
            tile.push_back(binding_.topology().tile_name(c.tile));
            neurons.push_back(c.neurons);
            synapses.push_back(static_cast<std::int64_t>(c.synapses));
            fan_in.push_back(c.fan_in);
            messages_in.push_back(static_cast<std::int64_t>(c.messages_in));
            off_chip.push_back(static_cast<std::int64_t>(c.synapses_off_chip));
        }
        cores.add("tile", std::move(tile)).add("neurons", std::move(neurons)).add("synapses", std::move(synapses));
        cores.add("fan_in", std::move(fan_in)).add("messages_in", std::move(messages_in));
        cores.add("synapses_off_chip", std::move(off_chip));
        r.tables.push_back(std::move(cores));

        data_table links{"links"};
        std::vector<std::string> name;
        std::vector<std::int64_t> per_round;
        const std::vector<std::uint64_t> round = binding_.link_messages_per_round();
        for (std::uint32_t k = 0; k < binding_.topology().links(); ++k) {
            name.push_back(binding_.topology().link_name(k));
            per_round.push_back(static_cast<std::int64_t>(round[k]));
        }
        links.add("name", std::move(name)).add("messages_per_round", std::move(per_round));
        r.tables.push_back(std::move(links));

        data_table weights{"weights"};
        std::vector<std::string> projection;
        std::vector<std::int64_t> exponent;
        for (std::size_t e = 0; e < net_.projections.size(); ++e) {
            projection.push_back(net_.projections[e].name);
            exponent.push_back(binding_.weight_exponents()[e]);
        }
        weights.add("projection", std::move(projection)).add("exponent", std::move(exponent));
        r.tables.push_back(std::move(weights));
        return r;
    }

    device_report report() const override {
        device_report r = describe();
        const chip_statistics& s = binding_.statistics();
        r.stats.add("", "steps", s.steps);
        r.stats.add("", "overrun_steps", s.overrun_steps);
        r.stats.add("", "hardware_time", hw_seconds(s.hardware_time), "s");
        r.stats.add("", "max_step_time", hw_seconds(s.max_step_time), "s");
        r.stats.add("", "barrier", hw_seconds(binding_.barrier()), "s");
        r.stats.add("", "queueing_delay", hw_seconds(s.queueing_delay), "s");
        r.stats.add("", "messages", s.messages);
        r.stats.add("", "hops", s.hops);
        // The chip's synaptic actions are its synaptic operations (spike_op); routing, neuron
        // updates and static power are the chip's, not its synapses'.
        const ledger_columns rows = binding_.book().columns();
        double synaptic = 0;
        for (std::size_t i = 0; i < rows.action.size(); ++i) {
            if (rows.action[i] == "spike_op") synaptic += rows.energy[i];
        }
        add_synaptic_energy(r.stats, s.synaptic_events, synaptic);
        r.stats.add("", "late_messages", s.late_messages);
        r.stats.add("", "max_extra_steps", std::int64_t{s.max_extra_steps});
        r.stats.add("", "dram_reads", s.dram_reads);
        r.stats.add("", "dram_stall", hw_seconds(s.dram_stall), "s");
        r.stats.add("", "array_messages", s.array_messages);
        data_table traffic{"link_traffic"};
        std::vector<std::string> name;
        std::vector<std::int64_t> messages;
        const auto& per_link = binding_.model_noc().link_messages();
        for (std::uint32_t k = 0; k < per_link.size(); ++k) {
            name.push_back(binding_.topology().link_name(k));
            messages.push_back(static_cast<std::int64_t>(per_link[k]));
        }
        traffic.add("name", std::move(name)).add("messages", std::move(messages));
        r.tables.push_back(std::move(traffic));
        r.set_ledger(binding_.book());
        return r;
    }

private:
    mutable std::optional<device_report> described_;
    const chip_settings& settings_;
    std::string instance_;
    const built_network& net_;
    chip_binding binding_;
};

class neuromorphic_family final : public device_family {
public:
    std::string_view name() const override { return "neuromorphic"; }
    std::string_view description() const override {
        return "digital neuromorphic cores on a network-on-chip (Loihi, SpiNNaker 2, TrueNorth), synaptic rows "
               "optionally in DRAM";
    }
    std::string_view section() const override { return "hardware"; }
    std::string_view default_instance() const override { return "chip"; }
    std::vector<std::string_view> keys() const override {
        return {"preset", "fidelity", "topology", "weight_bits", "step_period", "mapper", "chunk_neurons",
                "synapse_dram", "bytes_per_synapse"};
    }

    std::shared_ptr<const device_settings> read(const config_node& section) const override {
        auto s = std::make_shared<chip_settings>();
        s->site = section.site();
        const config_node preset = section.require("preset", "a chip preset name (such as \"loihi\") or a file path");
        s->preset = load_chip_preset(preset::read_name_or_path(preset, "chip preset"), preset.site());
        s->chip = s->preset.params;
        if (const config_node t = section.child("topology"); t.present()) {
            apply_topology(t, read_choice(t, {"mesh", "tree"}), s->chip);
        }
        if (const config_node bits = section.child("weight_bits"); bits.present()) {
            const std::int64_t value = read_integer(bits, "0 (exact weights) or an integer from 2 to 24");
            // One signed bit holds no magnitude; past 24 bits the mantissa no longer fits a float.
            if (value < 0 || value == 1 || value > 24) {
                bits.fail(fmt::format("weight_bits must be 0 (exact) or from 2 to 24, got {}", value));
            }
            s->chip.weight_bits = static_cast<int>(value);
            s->chip.weight_bits_source = "set by the run ([hardware] weight_bits)";
        }
        read_timing(section, *s);
        if (const config_node m = section.child("mapper"); m.present()) {
            s->mapper = read_choice(m, {"metis", "sequential"}) == "sequential" ? mapper_strategy::sequential
                                                                                : mapper_strategy::metis;
        }
        if (const config_node chunk = section.child("chunk_neurons"); chunk.present()) {
            const std::int64_t value = read_integer(chunk, "a number of neurons >= 1");
            if (value < 1 || value > std::numeric_limits<std::uint32_t>::max()) {
                chunk.fail(fmt::format("chunk_neurons must be >= 1, got {}", value));
            }
            s->chunk_neurons = static_cast<std::uint32_t>(value);
        }
        read_synapse_dram(section, *s);
        return s;
    }

    std::uint32_t ring_headroom(const device_settings& settings) const override {
        return static_cast<const chip_settings&>(settings).options.timed ? chip_binding::max_late_steps : 0;
    }

    std::unique_ptr<attached_device> attach(const device_settings& settings, attach_context& ctx) const override {
        return std::make_unique<chip_device>(static_cast<const chip_settings&>(settings), ctx.request.instance,
                                             ctx.experiment, ctx.net);
    }

    std::vector<std::string> preset_names() const override { return chip_preset_names(); }
    std::string preset_text(const std::string& name) const override { return load_chip_preset(name, {}).text; }
    std::string preset_summary(const std::string& name) const override {
        const chip_params& c = load_chip_preset(name, {}).params;
        return fmt::format("{} cores x {} neurons, {}; {}", c.cores(), c.neurons_per_core.value,
                           c.noc.topology == noc_topology_kind::mesh ? "mesh" : "tree", c.description);
    }
};

}  // namespace

std::unique_ptr<device_family> make_neuromorphic_family() { return std::make_unique<neuromorphic_family>(); }

}  // namespace fluxon
