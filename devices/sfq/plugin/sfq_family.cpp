#include "devices/sfq/plugin/sfq_family.hpp"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <limits>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "devices/sfq/plugin/sfq_circuit.hpp"
#include "devices/sfq/sfq_library_preset.hpp"
#include "devices/sfq/pulse_sim.hpp"
#include "devices/sfq/sfq_energy.hpp"
#include "engine/base/config_scalars.hpp"
#include "engine/base/preset_values.hpp"
#include "engine/network_builder.hpp"
#include "networks/spec.hpp"

namespace fluxon {
namespace {

// One neuron of the network feeding one circuit input pin.
struct input_mapping {
    std::string population;
    std::int64_t neuron = 0;
    std::string pin;
    error_site key_site, pin_site;  // the entry's key and its pin value
};

struct sfq_settings final : device_settings {
    sfq_circuit circuit;
    std::vector<input_mapping> inputs;
    std::optional<double> converter_delay;  // s; absent: the cell library's
    error_site converter_delay_site, circuit_site;
};

// "exc[3]" -> ("exc", 3); anything else is refused at the entry.
std::pair<std::string, std::int64_t> parse_neuron(const std::string& text, const config_node& at) {
    const auto open = text.rfind('[');
    const auto fail = [&] {
        at.fail(fmt::format("'{}' names no neuron; write \"<population>[<neuron>]\", such as \"exc[3]\"", text));
    };
    if (open == std::string::npos || open == 0 || text.back() != ']' || open + 2 >= text.size()) fail();
    const std::string digits = text.substr(open + 1, text.size() - open - 2);
    if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }) || digits.size() > 12) {
        fail();
    }
    return {text.substr(0, open), std::stoll(digits)};
}

// A circuit file named in a config file is relative to it, like every data file; mistakes in
// it name the circuit file, a missing one the key.
// A circuit built in Python comes as its text (circuit_text), read as the file would be.
sfq_circuit read_circuit_key(const config_node& section) {
    if (const config_node text = section.child("circuit_text"); text.present()) {
        if (section.child("circuit").present()) text.fail("give either circuit (a file) or circuit_text, not both");
        return parse_sfq_circuit(read_string(text, "the text of an SFQ circuit file"), "python");
    }
    const config_node at = section.require("circuit", "an SFQ circuit file such as \"adder.toml\"");
    const std::string path = preset::relative_to_config(at, read_string(at, "an SFQ circuit file path"));
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) at.fail(fmt::format("no circuit file '{}'", path));
    return load_sfq_circuit(path);
}

// The converter's figures are the circuit's cell library's ([converter], sourced estimates in
// sfq_default); energy = jjs x I_c x Phi0, so that it follows the library's junctions.
const sfq::converter_params& converter_of(const sfq_settings& s) {
    const sfq::library& lib = s.circuit.library.params;
    if (!lib.converter) {
        throw config_error(fmt::format("the cell library '{}' ({}) models no DC-to-SFQ converter: give it a "
                                       "[converter] section with jjs and delay (see sfq_default.toml)",
                                       lib.name, s.circuit.library.origin),
                           s.circuit_site);
    }
    return *lib.converter;
}

action_cost converter_cost(const sfq_settings& s, tick_t delay_fs) {
    const sfq::technology_params& t = s.circuit.library.params.tech;
    const sfq::converter_params& conv = converter_of(s);
    action_cost c;
    c.energy = conv.jjs * t.critical_current.value * sfq::flux_quantum;
    c.latency = static_cast<double>(delay_fs) * 1e-15;
    c.source = fmt::format("derived: energy = {} JJs ({}) x I_c = {:g} uA ({}) x Phi0; delay {:g} ps: {}", conv.jjs,
                           conv.jjs_source, t.critical_current.value * 1e6, t.critical_current.source,
                           c.latency * 1e12,
                           s.converter_delay ? std::string("config: sfq.converter_delay") : conv.delay.source);
    return c;
}

// The converter delay in fs: the section's, or the library's.
tick_t converter_delay_fs(const sfq_settings& s, const time_base& base) {
    const double seconds = s.converter_delay ? *s.converter_delay : converter_of(s).delay.value;
    try {
        return base.to_ticks(seconds, "sfq.converter_delay");
    } catch (const time_error& e) {
        throw config_error(e.detail(), s.converter_delay ? s.converter_delay_site : s.circuit_site);
    }
}

std::string ps(tick_t fs) { return fmt::format("{:.3f} ps", static_cast<double>(fs) * 1e-3); }

class sfq_device final : public attached_device {
public:
    sfq_device(const sfq_settings& s, attach_context& ctx)
        : s_(s), instance_(ctx.request.instance), net_(ctx.net) {
        check_time_base(ctx);
        delay_ = converter_delay_fs(s, net_.base);
        cost_ = converter_cost(s, delay_);
        bind_inputs();
        sfq::sim_options o;
        o.seed = s.circuit.seed;
        o.jitter = s.circuit.jitter;
        o.stop = s.circuit.stop;
        o.order = s.circuit.order;
        o.stop_on_violation = s.circuit.policy == sfq::violation_policy::error;
        sim_.emplace(s_.circuit.net, s_.circuit.library.params, o);
    }

    // The window's spikes of the listed neurons become pulses (after the converter), then the
    // circuit catches up with the engine: every pulse before the window's end is delivered.
    void after_window(tick_t reached) override {
        for (const watched_population& w : watched_) {
            for (const population_slice* slice : net_.populations[w.population].slices) {
                const spike_window& win = slice->log().latest();
                for (std::size_t q = 0; q < win.steps.size(); ++q) {
                    const tick_t at = win.steps[q] * net_.dt_ticks + delay_;
                    for (std::uint32_t k = win.begin_of(q); k < win.step_end[q]; ++k) {
                        const auto it = w.pins.find(win.ids[k]);
                        if (it == w.pins.end()) continue;
                        for (const std::size_t m : it->second) convert(m, at);
                    }
                }
            }
        }
        advance(reached);
    }

    // A circuit that no neuron feeds runs on its own input trains to its last pulse (or its
    // stop time) at once.
    std::optional<tick_t> run_alone() override {
        if (!watched_.empty()) return std::nullopt;
        advance(std::numeric_limits<tick_t>::max());
        return sim_->result().end;
    }

    void finish() override {
        // To the end the engine reached (the run's end unless it was stopped): the circuit
        // does not run ahead of the network that feeds it.
        advance(reached_ > 0 ? reached_ : net_.end_ticks);
        result_ = sim_->take();
        // The circuit is biased for the whole run, not only until its last pulse.
        energy_ = sfq::charge_sfq(book_, s_.circuit.net, s_.circuit.library.params,
                                                     s_.circuit.tech, result_, net_.duration);
        finished_ = true;
        if (s_.circuit.policy == sfq::violation_policy::warn) warn();
    }

    const ledger* book() const override { return &book_; }

    device_report describe() const override {
        device_report r;
        r.family = "sfq";
        r.instance = instance_;
        const sfq_library_preset& lib = s_.circuit.library;
        r.preset = lib.params.name;
        r.preset_origin = lib.origin;
        r.preset_text = lib.text;
        r.stats.add("", "circuit", s_.circuit.origin);
        r.stats.add("", "technology", std::string(technology_name(s_.circuit.tech)));
        r.stats.add("", "policy", std::string(policy_name(s_.circuit.policy)));
        r.stats.add("", "jitter", std::int64_t{s_.circuit.jitter});
        r.stats.add("", "simultaneous", std::string(sfq::simultaneous_order_name(s_.circuit.order)));
        r.stats.add("", "seed", static_cast<std::uint64_t>(s_.circuit.seed));
        r.stats.add("", "converter_delay", cost_.latency, "s");
        r.stats.add("", "converter_energy", cost_.energy, "J");
        r.stats.add("", "converter_source", cost_.source);
        data_table inputs{"inputs"};
        std::vector<std::string> population, pin;
        std::vector<std::int64_t> neuron;
        for (const input_mapping& m : s_.inputs) {
            population.push_back(m.population);
            neuron.push_back(m.neuron);
            pin.push_back(m.pin);
        }
        inputs.add("population", std::move(population)).add("neuron", std::move(neuron)).add("pin", std::move(pin));
        r.tables.push_back(std::move(inputs));
        // The circuit file itself, as the config and the library are kept: a table of one
        // row, so that summaries name it rather than print it.
        data_table file{"circuit"};
        file.add("path", std::vector<std::string>{s_.circuit.origin}).add("text", std::vector<std::string>{s_.circuit.text});
        r.tables.push_back(std::move(file));
        return r;
    }

    device_report report() const override {
        device_report r = describe();
        std::uint64_t firings = 0, conversions = 0;
        for (const std::uint64_t f : result_.firings) firings += f;
        for (const ledger::counter c : converters_) conversions += book_.count(c);
        r.stats.add("", "cells", static_cast<std::uint64_t>(s_.circuit.net.instances.size()));
        r.stats.add("", "junctions", energy_.junctions);
        r.stats.add("", "events", result_.events);
        r.stats.add("", "firings", firings);
        r.stats.add("", "conversions", conversions);
        r.stats.add("", "violations", static_cast<std::uint64_t>(result_.violations.size()));
        r.stats.add("", "end_time", static_cast<double>(result_.end) * 1e-15, "s");
        if (finished_) {
            // At 4 K (firings and bias), and at the wall plug with the cryocooler's W/W.
            r.stats.add("", "energy_4k", energy_.chip, "J");
            r.stats.add("", "energy_wall_plug", energy_.wall_plug, "J");
            r.stats.add("", "cryo_factor", energy_.cryo_factor, "W/W");
        }
        for (std::size_t k = 0; k < s_.circuit.net.outputs.size() && k < result_.outputs.size(); ++k) {
            r.stats.add("pulses", s_.circuit.net.outputs[k].name, static_cast<std::uint64_t>(result_.outputs[k].size()));
        }
        r.tables.push_back(pulse_table("outputs", s_.circuit.net.outputs, result_.outputs));
        r.tables.push_back(pulse_table("recorded", s_.circuit.net.recorded, result_.recorded));
        r.tables.push_back(violation_table());
        if (finished_) {
            r.set_ledger(book_);
        }
        return r;
    }

    // Under policy "error" the run fails at the first violation, once its report is written.
    void check_outcome() const override {
        if (!result_.stopped_on_violation || result_.violations.empty()) return;
        const sfq::violation& v = result_.violations.back();
        const sfq::instance& inst = s_.circuit.net.instances[v.instance];
        throw user_error(fmt::format("SFQ device '{}': {} (policy \"error\"; set circuit.policy = \"warn\" or "
                                     "\"record\" in the circuit file to continue past it)",
                                     instance_, violation_text(v)),
                         inst.site);
    }

private:
    struct watched_population {
        std::size_t population = 0;
        std::map<std::uint32_t, std::vector<std::size_t>> pins;  // neuron -> mappings
    };

    void check_time_base(const attach_context& ctx) const {
        if (ctx.net.base.ticks_per_second() == time_base::femtoseconds().ticks_per_second()) return;
        error_site site = ctx.experiment.run.site;
        site.key = "run.time_base";
        throw config_error(fmt::format("an SFQ circuit times its pulses in femtoseconds, and this run counts {}: set "
                                       "[run] time_base = \"fs\" (device '{}')",
                                       ctx.net.base.name(), instance_),
                           site);
    }

    void bind_inputs() {
        std::map<std::size_t, std::size_t> watched_index;
        for (std::size_t m = 0; m < s_.inputs.size(); ++m) {
            const input_mapping& in = s_.inputs[m];
            const auto pop = std::find_if(net_.populations.begin(), net_.populations.end(),
                                          [&](const built_population& p) { return p.name == in.population; });
            if (pop == net_.populations.end()) {
                throw config_error(fmt::format("no population is called '{}'", in.population), in.key_site);
            }
            if (in.neuron >= pop->size) {
                throw config_error(fmt::format("population '{}' has {} neurons: index {} is out of range",
                                               in.population, pop->size, in.neuron),
                                   in.key_site);
            }
            const auto pin = std::find_if(s_.circuit.net.inputs.begin(), s_.circuit.net.inputs.end(),
                                          [&](const sfq::input_train& t) { return t.name == in.pin; });
            if (pin == s_.circuit.net.inputs.end()) {
                std::string pins;
                for (const sfq::input_train& t : s_.circuit.net.inputs) pins += (pins.empty() ? "" : ", ") + t.name;
                throw config_error(fmt::format("the circuit {} has no input pin '{}' (its inputs: {}); declare it "
                                               "as [circuit.inputs.{}] with times = []",
                                               s_.circuit.origin, in.pin, pins.empty() ? "none" : pins, in.pin),
                                   in.pin_site);
            }
            targets_.push_back(pin->to);
            const std::string component = fmt::format("sfq/dc_sfq[{}]", in.pin);
            const auto known = converter_of_pin_.find(in.pin);
            if (known == converter_of_pin_.end()) {
                converter_of_pin_.emplace(in.pin, book_.add_action(component, "convert", cost_));
            }
            converters_index_.push_back(converter_of_pin_.at(in.pin));
            const std::size_t p = static_cast<std::size_t>(pop - net_.populations.begin());
            auto [w, added] = watched_index.emplace(p, watched_.size());
            if (added) watched_.push_back({p, {}});
            watched_[w->second].pins[static_cast<std::uint32_t>(in.neuron)].push_back(m);
        }
        for (const auto& [pin, counter] : converter_of_pin_) converters_.push_back(counter);
    }

    void convert(std::size_t mapping, tick_t at) {
        book_.charge(converters_index_[mapping]);
        sim_->inject(at, targets_[mapping].instance, targets_[mapping].port);
    }

    void advance(tick_t until) {
        if (until <= reached_) return;
        sim_->advance_to(until);
        reached_ = until;
    }

    data_table pulse_table(std::string name, const std::vector<sfq::probe>& probes,
                           const std::vector<std::vector<tick_t>>& times) const {
        data_table t{std::move(name)};
        std::vector<std::string> pin;
        std::vector<double> seconds;
        std::vector<std::int64_t> fs;
        for (std::size_t k = 0; k < probes.size() && k < times.size(); ++k) {
            for (const tick_t at : times[k]) {
                pin.push_back(probes[k].name);
                seconds.push_back(static_cast<double>(at) * 1e-15);
                fs.push_back(at);
            }
        }
        // Seconds for readers that know no time base; femtoseconds exactly, which a double in
        // seconds stops holding after a few seconds of run.
        t.add("pin", std::move(pin)).add("time", std::move(seconds), "s").add("time_fs", std::move(fs), "fs");
        return t;
    }

    data_table violation_table() const {
        data_table t{"violations"};
        std::vector<std::string> instance, cell, kind, port, other_port;
        std::vector<double> time, other_time;
        std::vector<std::int64_t> time_fs, other_time_fs;
        for (const sfq::violation& v : result_.violations) {
            const sfq::instance& inst = s_.circuit.net.instances[v.instance];
            instance.push_back(inst.name);
            cell.push_back(inst.type->name);
            kind.push_back(std::string(sfq::violation_name(v.kind)));
            port.push_back(inst.type->inputs[v.port]);
            other_port.push_back(inst.type->inputs[v.other_port]);
            time.push_back(static_cast<double>(v.time) * 1e-15);
            other_time.push_back(static_cast<double>(v.other_time) * 1e-15);
            time_fs.push_back(v.time);
            other_time_fs.push_back(v.other_time);
        }
        t.add("instance", std::move(instance)).add("cell", std::move(cell)).add("kind", std::move(kind));
        t.add("port", std::move(port)).add("other_port", std::move(other_port));
        t.add("time", std::move(time), "s").add("other_time", std::move(other_time), "s");
        t.add("time_fs", std::move(time_fs), "fs").add("other_time_fs", std::move(other_time_fs), "fs");
        return t;
    }

    std::string violation_text(const sfq::violation& v) const {
        const sfq::instance& inst = s_.circuit.net.instances[v.instance];
        const std::string& port = inst.type->inputs[v.port];
        const std::string& other = inst.type->inputs[v.other_port];
        if (v.kind == sfq::violation_kind::setup) {
            return fmt::format("setup violation at {} {} (t = {}): '{}' at {} arrived {} before '{}' at {}, less than "
                               "the setup time",
                               inst.type->name, inst.name, ps(v.time), other, ps(v.other_time),
                               ps(v.time - v.other_time), port, ps(v.time));
        }
        return fmt::format("hold violation at {} {} (t = {}): '{}' at {} arrived {} after '{}' at {}, inside the hold "
                           "window",
                           inst.type->name, inst.name, ps(v.time), port, ps(v.time), ps(v.time - v.other_time), other,
                           ps(v.other_time));
    }

    void warn() const {
        // A margin study can violate on every clock; the report holds them all.
        constexpr std::size_t shown = 20;
        for (std::size_t i = 0; i < result_.violations.size() && i < shown; ++i) {
            std::cerr << "fluxon: warning: SFQ device '" << instance_ << "': " << violation_text(result_.violations[i])
                      << "\n";
        }
        if (result_.violations.size() > shown) {
            std::cerr << fmt::format("fluxon: warning: ... and {} more timing violations\n",
                                     result_.violations.size() - shown);
        }
    }

    const sfq_settings& s_;
    std::string instance_;
    const built_network& net_;
    tick_t delay_ = 0;
    action_cost cost_;
    std::vector<watched_population> watched_;
    std::vector<sfq::port_ref> targets_;                       // per mapping
    std::vector<ledger::counter> converters_index_;            // per mapping
    std::map<std::string, ledger::counter> converter_of_pin_;  // one ledger row per pin
    std::vector<ledger::counter> converters_;
    std::optional<sfq::pulse_simulator> sim_;
    tick_t reached_ = 0;
    sfq::sim_result result_;
    sfq::energy_totals energy_;
    bool finished_ = false;
    ledger book_;
};

class sfq_family final : public device_family {
public:
    std::string_view name() const override { return "sfq"; }
    std::string_view description() const override {
        return "an SFQ circuit at pulse level beside the network, fed by its spikes through DC-to-SFQ converters";
    }
    std::string_view section() const override { return "sfq"; }
    std::string_view default_instance() const override { return "sfq"; }
    std::vector<std::string_view> keys() const override { return {"circuit", "circuit_text", "inputs", "converter_delay"}; }

    std::shared_ptr<const device_settings> read(const config_node& section) const override {
        section.allow_only(keys());
        auto s = std::make_shared<sfq_settings>();
        s->circuit = read_circuit_key(section);
        s->circuit_site = section.child(section.child("circuit_text").present() ? "circuit_text" : "circuit").site();
        if (const config_node inputs = section.child("inputs"); inputs.present()) {
            for (const auto& [key, at] : inputs.entries("a table { \"<population>[<neuron>]\" = \"<pin>\" }")) {
                input_mapping m;
                std::tie(m.population, m.neuron) = parse_neuron(key, at);
                m.pin = read_string(at, "a circuit input pin name");
                m.key_site = at.site();
                m.pin_site = at.site();
                s->inputs.push_back(std::move(m));
            }
        }
        s->converter_delay_site = section.site();
        if (const config_node delay = section.child("converter_delay"); delay.present()) {
            s->converter_delay =
                resolve_quantity(read_quantity(delay, dimension::time), dimension::time, "converter_delay");
            s->converter_delay_site = delay.site();
            if (!(*s->converter_delay >= 0)) delay.fail("converter_delay must not be negative");
        }
        return s;
    }

    std::unique_ptr<attached_device> attach(const device_settings& settings, attach_context& ctx) const override {
        return std::make_unique<sfq_device>(static_cast<const sfq_settings&>(settings), ctx);
    }

    // Its presets are the cell libraries a circuit file names (`library = ...`).
    std::vector<std::string> preset_names() const override { return sfq_library_names(); }
    std::string preset_text(const std::string& name) const override { return load_sfq_library(name, {}).text; }
    std::string preset_summary(const std::string& name) const override {
        const sfq::library& l = load_sfq_library(name, {}).params;
        return fmt::format("cell library, {} cells; {}", l.cells.size(), l.description);
    }
};

}  // namespace

std::unique_ptr<device_family> make_sfq_family() { return std::make_unique<sfq_family>(); }

}  // namespace fluxon
