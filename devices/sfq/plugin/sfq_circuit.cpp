#include "devices/sfq/plugin/sfq_circuit.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "engine/base/quantity.hpp"
#include "engine/base/config_node.hpp"
#include "engine/base/preset_values.hpp"

namespace fluxon {
namespace {

using sfq::port_ref;

const time_base fs = time_base::femtoseconds();

bool plain_name(const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

// A time in whole femtoseconds; quantity errors and unrepresentable times fail at `at`.
tick_t read_time(const config_node& at) {
    const double seconds = preset::read_quantity(at, dimension::time);
    try {
        return fs.to_ticks(seconds, at.key());
    } catch (const time_error& e) {
        at.fail(e.detail());
    }
}

std::int64_t read_int(const config_node& at, std::int64_t min, std::int64_t max) {
    if (!at.node().is_integer()) at.fail(fmt::format("expected a whole number, got {}", describe(at.node())));
    const std::int64_t v = *at.node().value<std::int64_t>();
    if (v < min || v > max) at.fail(fmt::format("{} is out of range: expected {} to {}", v, min, max));
    return v;
}

// One end of a wire: a port of an instance, or a pin of the circuit being read.
struct endpoint {
    bool pin = false;
    std::string name;  // the pin's name
    port_ref port;
};

// What a (sub)circuit exposes once flattened: the flat port behind each of its pins.
struct pins {
    std::map<std::string, port_ref> in, out;
    std::map<std::string, error_site> out_sites;
};

class flattener {
public:
    flattener(const config_node& subcircuits, const sfq::library& lib, sfq::netlist& net)
        : subcircuits_(subcircuits), lib_(lib), net_(net) {}

    // Expands the circuit `def` under `prefix` ("" at the top, "fa0/" inside instance fa0).
    pins expand(const config_node& def, const std::string& prefix, const std::vector<std::string>& in_names,
                const std::vector<std::string>& out_names) {
        scope s;
        s.prefix = prefix;
        s.in_names = in_names;
        s.out_names = out_names;
        const config_node instances = def.child("instances");
        if (instances.present()) {
            for (const auto& [name, at] : instances.entries("a table of instances")) add_instance(s, name, at);
        }
        const config_node wires = def.child("wires");
        if (wires.present()) {
            for (const config_node& w : wires.items("a list of wires \"from.port -> to.port\"")) {
                const std::string text = preset::read_text(w, "a wire \"from.port -> to.port\"");
                const auto arrow = text.find("->");
                if (arrow == std::string::npos) {
                    w.fail(fmt::format("expected a wire \"from.port -> to.port\", got \"{}\"", text));
                }
                const endpoint from = source(s, trim(text.substr(0, arrow)), w);
                const endpoint to = dest(s, trim(text.substr(arrow + 2)), w);
                connect(s, from, to, w);
            }
        }
        const config_node fanout = def.child("fanout");
        if (fanout.present()) {
            for (const auto& [src, sinks] : fanout.entries("a table { source = [\"x.a\", \"y.a\"] }")) {
                const endpoint from = source(s, src, sinks);
                std::vector<endpoint> to;
                for (const config_node& item : sinks.items("a list of inputs such as [\"x.clk\", \"y.clk\"]")) {
                    to.push_back(dest(s, preset::read_text(item, "an input \"inst.port\""), item));
                }
                if (to.empty()) sinks.fail("the list of inputs is empty");
                std::string base = src;
                std::replace(base.begin(), base.end(), '.', '_');
                int counter = 0;
                tree(s, from, to, 0, to.size(), base, counter, sinks);
            }
        }
        const config_node fanin = def.child("fanin");
        if (fanin.present()) {
            for (const auto& [dst, sources] : fanin.entries("a table { \"n.exc\" = [\"s1.q\", \"s2.q\"] }")) {
                const endpoint to = dest(s, dst, sources);
                std::vector<endpoint> from;
                for (const config_node& item : sources.items("a list of outputs such as [\"s1.q\", \"s2.q\"]")) {
                    from.push_back(source(s, preset::read_text(item, "an output \"inst.port\""), item));
                }
                if (from.empty()) sources.fail("the list of outputs is empty");
                std::string base = dst;
                std::replace(base.begin(), base.end(), '.', '_');
                int counter = 0;
                merge_tree(s, from, to, 0, from.size(), base, counter, sources);
            }
        }
        const config_node open = def.child("open");
        if (open.present()) {
            for (const config_node& item : open.items("a list of ports \"inst.port\" left unconnected")) {
                const std::string text = preset::read_text(item, "a port \"inst.port\"");
                const auto [inst, port] = split(text, item);
                const auto it = s.instances.find(inst);
                if (it == s.instances.end() || !it->second.cell) {
                    item.fail(fmt::format("'{}' is not a cell instance of this circuit", inst));
                }
                const sfq::cell_type& ct = *net_.instances[it->second.flat].type;
                if (const int i = ct.input_index(port); i >= 0) {
                    net_.open_inputs.push_back({it->second.flat, static_cast<std::uint8_t>(i)});
                    open_input_sites_.push_back(item.site());
                } else if (const int o = ct.output_index(port); o >= 0) {
                    net_.open_outputs.push_back({it->second.flat, static_cast<std::uint8_t>(o)});
                    open_output_sites_.push_back(item.site());
                } else {
                    item.fail(fmt::format("cell '{}' ({}) has no port '{}'", inst, ct.name, port));
                }
            }
        }
        for (const std::string& name : in_names) {
            if (!s.result.in.contains(name)) {
                def.fail(fmt::format("circuit input '{}' drives nothing: wire it (\"{} -> x.a\") or fan it out",
                                     name, name));
            }
        }
        for (const std::string& name : out_names) {
            if (!s.result.out.contains(name)) {
                def.fail(fmt::format("circuit output '{}' is driven by nothing: wire it (\"x.q -> {}\")", name, name));
            }
        }
        return s.result;
    }

    void finish() {
        net_.open_sites = open_input_sites_;
        net_.open_sites.insert(net_.open_sites.end(), open_output_sites_.begin(), open_output_sites_.end());
    }

private:
    struct scoped_instance {
        bool cell = true;
        std::uint32_t flat = 0;  // cell: its netlist index
        pins sub;                // subcircuit: its pins
        std::string circuit;
    };
    struct scope {
        std::string prefix;
        std::vector<std::string> in_names, out_names;
        std::map<std::string, scoped_instance> instances;
        pins result;
    };

    static std::string trim(const std::string& s) {
        const auto b = s.find_first_not_of(" \t");
        if (b == std::string::npos) return {};
        return s.substr(b, s.find_last_not_of(" \t") - b + 1);
    }

    static std::pair<std::string, std::string> split(const std::string& text, const config_node& at) {
        const auto dot = text.find('.');
        if (dot == std::string::npos || dot == 0 || dot + 1 == text.size()) {
            at.fail(fmt::format("expected \"instance.port\", got \"{}\"", text));
        }
        return {text.substr(0, dot), text.substr(dot + 1)};
    }

    void add_instance(scope& s, const std::string& name, const config_node& at) {
        if (!plain_name(name)) at.fail("an instance name must be letters, digits, '_' or '-'");
        std::string cell, circuit;
        config_node params = at;
        if (at.node().is_string()) {
            cell = *at.node().value<std::string>();
        } else {
            at.table("a cell name such as \"jtl\", or a table { cell = \"synapse\", bias = \"72 uA\" }");
            at.allow_only({"cell", "circuit", "bias", "p", "threshold", "inh_weight", "delay", "hold", "setup"});
            if (at.child("cell").present()) cell = preset::read_text(at.child("cell"), "a cell name");
            if (at.child("circuit").present()) circuit = preset::read_text(at.child("circuit"), "a subcircuit name");
            if (cell.empty() == circuit.empty()) at.fail("give exactly one of 'cell' and 'circuit'");
        }
        scoped_instance si;
        if (!circuit.empty()) {
            for (const char* key : {"bias", "p", "threshold", "inh_weight", "delay", "hold", "setup"}) {
                if (at.child(key).present()) at.child(key).fail("a subcircuit instance takes no cell parameters");
            }
            si.cell = false;
            si.circuit = circuit;
            si.sub = instantiate(circuit, s.prefix + name + "/", at);
            s.instances.emplace(name, std::move(si));
            return;
        }
        const sfq::cell_type* type = lib_.find(cell);
        if (type == nullptr) {
            std::vector<std::string> names;
            for (const auto& [n, c] : lib_.cells) names.push_back(n);
            (at.node().is_string() ? at : at.child("cell"))
                .fail(fmt::format("unknown cell '{}'; the library '{}' has {}", cell, lib_.name, fmt::join(names, ", ")));
        }
        sfq::instance inst;
        inst.name = s.prefix + name;
        inst.type = type;
        inst.site = at.site();
        inst.site.node = inst.name;
        if (!at.node().is_string()) {
            read_params(at, *type, inst);
        } else if (type->kind == sfq::cell_kind::integrate_and_fire ||
                   std::any_of(type->table.begin(), type->table.end(), [](const sfq::transition& t) { return t.stochastic; })) {
            at.fail(fmt::format("a {} needs parameters: write {{ cell = \"{}\", {} }}", type->name, type->name,
                                type->kind == sfq::cell_kind::integrate_and_fire ? "threshold = 4"
                                                                                  : "bias = \"72 uA\" (needs its bias current) or p = 0.8"));
        }
        si.flat = static_cast<std::uint32_t>(net_.instances.size());
        net_.instances.push_back(std::move(inst));
        s.instances.emplace(name, std::move(si));
    }

    void read_params(const config_node& at, const sfq::cell_type& type, sfq::instance& inst) {
        const bool stochastic = std::any_of(type.table.begin(), type.table.end(),
                                            [](const sfq::transition& t) { return t.stochastic; });
        const bool neuron = type.kind == sfq::cell_kind::integrate_and_fire;
        const config_node bias = at.child("bias"), p = at.child("p");
        if ((bias.present() || p.present()) && !stochastic) {
            (bias.present() ? bias : p).fail(fmt::format("cell '{}' has no stochastic transition to bias", type.name));
        }
        if (bias.present() && p.present()) p.fail("give either 'bias' or 'p', not both");
        if (stochastic && !bias.present() && !p.present()) {
            at.fail(fmt::format("a {} needs its bias current ('bias = \"72 uA\"') or pass probability ('p = 0.8')",
                                type.name));
        }
        if (bias.present()) {
            inst.pass_probability =
                sfq::synapse_pass_probability(lib_.tech, preset::read_quantity(bias, dimension::current));
        }
        if (p.present()) {
            const auto v = p.node().value<double>();
            if (!v || !(*v >= 0 && *v <= 1)) p.fail(fmt::format("expected a probability from 0 to 1, got {}", describe(p.node())));
            inst.pass_probability = *v;
        }
        for (const char* key : {"threshold", "inh_weight"}) {
            const config_node n = at.child(key);
            if (!n.present()) continue;
            if (!neuron) n.fail(fmt::format("cell '{}' is not an integrate_and_fire neuron", type.name));
            // States are 16-bit in the simulator's transition tables.
            const auto v = static_cast<std::uint32_t>(read_int(n, 1, 65535));
            (std::string_view(key) == "threshold" ? inst.threshold : inst.inh_weight) = v;
        }
        if (neuron && !at.child("threshold").present()) at.fail("a neuron needs its threshold ('threshold = 4')");
        if (at.child("delay").present()) inst.delay = static_cast<double>(read_time(at.child("delay"))) * 1e-15;
        inst.hold = read_window(at, type, inst.name, "hold", &sfq::transition::hold);
        inst.setup = read_window(at, type, inst.name, "setup", &sfq::transition::setup);
    }

    // An instance's own hold or setup time (PyLSE's transition_time and past_constraints
    // overrides): it replaces the library's on the transitions that check one, so a cell
    // with no such transition has nothing to override, which is refused rather than ignored.
    static std::optional<double> read_window(const config_node& at, const sfq::cell_type& type,
                                             const std::string& instance, const char* key,
                                             bool sfq::transition::*flag) {
        const config_node n = at.child(key);
        if (!n.present()) return std::nullopt;
        const bool used = std::any_of(type.table.begin(), type.table.end(),
                                      [flag](const sfq::transition& t) { return t.*flag; });
        if (!used) {
            n.fail(fmt::format("instance '{}': cell '{}' has no transition that checks a {} time, so '{}' "
                               "would change nothing",
                               instance, type.name, key, key));
        }
        return static_cast<double>(read_time(n)) * 1e-15;  // read_time refuses negative times
    }

    pins instantiate(const std::string& circuit, const std::string& prefix, const config_node& at) {
        if (!subcircuits_.present() || !subcircuits_.table("a [subcircuits] table").contains(circuit)) {
            at.fail(fmt::format("unknown subcircuit '{}': define it as [subcircuits.{}]", circuit, circuit));
        }
        if (std::find(stack_.begin(), stack_.end(), circuit) != stack_.end()) {
            at.fail(fmt::format("subcircuit '{}' contains itself ({})", circuit, fmt::join(stack_, " -> ")));
        }
        const config_node def = subcircuits_.child(circuit);
        def.table("a subcircuit table");
        def.allow_only({"description", "inputs", "outputs", "instances", "wires", "fanout", "fanin", "open"});
        const std::vector<std::string> ins = names(def, "inputs"), outs = names(def, "outputs");
        stack_.push_back(circuit);
        pins p = expand(def, prefix, ins, outs);
        stack_.pop_back();
        return p;
    }

public:
    static std::vector<std::string> names(const config_node& def, std::string_view key) {
        std::vector<std::string> out;
        const config_node at = def.child(key);
        if (!at.present()) return out;
        for (const config_node& item : at.items("a list of pin names")) {
            const std::string n = preset::read_text(item, "a pin name");
            if (!plain_name(n)) item.fail("a pin name must be letters, digits, '_' or '-'");
            if (std::find(out.begin(), out.end(), n) != out.end()) item.fail(fmt::format("pin '{}' appears twice", n));
            out.push_back(n);
        }
        return out;
    }

private:
    endpoint source(scope& s, const std::string& text, const config_node& at) {
        if (text.find('.') == std::string::npos) {
            if (std::find(s.in_names.begin(), s.in_names.end(), text) == s.in_names.end()) {
                at.fail(fmt::format("'{}' is not an input of this circuit (inputs: {}); a cell output is "
                                    "written \"inst.port\"",
                                    text, fmt::join(s.in_names, ", ")));
            }
            return {true, text, {}};
        }
        const auto [inst, port] = split(text, at);
        const scoped_instance& si = find(s, inst, at);
        if (!si.cell) {
            const auto it = si.sub.out.find(port);
            if (it == si.sub.out.end()) at.fail(fmt::format("subcircuit '{}' ({}) has no output '{}'", inst, si.circuit, port));
            return {false, {}, it->second};
        }
        const sfq::cell_type& ct = *net_.instances[si.flat].type;
        const int o = ct.output_index(port);
        if (o < 0) {
            at.fail(fmt::format("cell '{}' ({}) has no output '{}'; its outputs: {}", inst, ct.name, port,
                                fmt::join(ct.outputs, ", ")));
        }
        return {false, {}, {si.flat, static_cast<std::uint8_t>(o)}};
    }

    endpoint dest(scope& s, const std::string& text, const config_node& at) {
        if (text.find('.') == std::string::npos) {
            if (std::find(s.out_names.begin(), s.out_names.end(), text) == s.out_names.end()) {
                at.fail(fmt::format("'{}' is not an output of this circuit (outputs: {}); a cell input is "
                                    "written \"inst.port\"",
                                    text, fmt::join(s.out_names, ", ")));
            }
            return {true, text, {}};
        }
        const auto [inst, port] = split(text, at);
        const scoped_instance& si = find(s, inst, at);
        if (!si.cell) {
            const auto it = si.sub.in.find(port);
            if (it == si.sub.in.end()) at.fail(fmt::format("subcircuit '{}' ({}) has no input '{}'", inst, si.circuit, port));
            return {false, {}, it->second};
        }
        const sfq::cell_type& ct = *net_.instances[si.flat].type;
        const int i = ct.input_index(port);
        if (i < 0) {
            at.fail(fmt::format("cell '{}' ({}) has no input '{}'; its inputs: {}", inst, ct.name, port,
                                fmt::join(ct.inputs, ", ")));
        }
        return {false, {}, {si.flat, static_cast<std::uint8_t>(i)}};
    }

    const scoped_instance& find(const scope& s, const std::string& inst, const config_node& at) {
        const auto it = s.instances.find(inst);
        if (it == s.instances.end()) at.fail(fmt::format("no instance '{}' in this circuit", inst));
        return it->second;
    }

    void connect(scope& s, const endpoint& from, const endpoint& to, const config_node& at) {
        if (from.pin && to.pin) {
            at.fail(fmt::format("input '{}' wired straight to output '{}': put a JTL between them", from.name, to.name));
        }
        if (from.pin) {
            if (!s.result.in.emplace(from.name, to.port).second) {
                at.fail(fmt::format("fan-out without a splitter: circuit input '{}' drives two inputs; use "
                                    "fanout = {{ {} = [...] }}",
                                    from.name, from.name));
            }
            return;
        }
        if (to.pin) {
            if (!s.result.out.emplace(to.name, from.port).second) {
                at.fail(fmt::format("fan-in without a merger: circuit output '{}' is driven twice", to.name));
            }
            s.result.out_sites[to.name] = at.site();
            return;
        }
        error_site site = at.site();
        site.node = net_.instances[from.port.instance].name;
        net_.wires.push_back({from.port, to.port, site});
    }

    // PyLSE's split(): a balanced binary tree, the left half of the sinks on the l output.
    void tree(scope& s, const endpoint& from, const std::vector<endpoint>& to, std::size_t lo, std::size_t hi,
              const std::string& base, int& counter, const config_node& at) {
        if (hi - lo == 1) {
            connect(s, from, to[lo], at);
            return;
        }
        const sfq::cell_type* splitter = lib_.find("splitter");
        if (splitter == nullptr) at.fail(fmt::format("fanout needs a 'splitter' cell; library '{}' has none", lib_.name));
        sfq::instance inst;
        inst.name = fmt::format("{}{}_split{}", s.prefix, base, counter++);
        inst.type = splitter;
        inst.site = at.site();
        inst.site.node = inst.name;
        const auto id = static_cast<std::uint32_t>(net_.instances.size());
        net_.instances.push_back(std::move(inst));
        connect(s, from, {false, {}, {id, 0}}, at);
        const std::size_t mid = lo + (hi - lo) / 2;
        tree(s, {false, {}, {id, 0}}, to, lo, mid, base, counter, at);
        tree(s, {false, {}, {id, 1}}, to, mid, hi, base, counter, at);
    }

    // The mirror of tree(): a balanced merger tree, the first half of the sources on `a`.
    void merge_tree(scope& s, const std::vector<endpoint>& from, const endpoint& to, std::size_t lo, std::size_t hi,
                    const std::string& base, int& counter, const config_node& at) {
        if (hi - lo == 1) {
            connect(s, from[lo], to, at);
            return;
        }
        const sfq::cell_type* merger = lib_.find("merger");
        if (merger == nullptr) at.fail(fmt::format("fanin needs a 'merger' cell; library '{}' has none", lib_.name));
        sfq::instance inst;
        inst.name = fmt::format("{}{}_merge{}", s.prefix, base, counter++);
        inst.type = merger;
        inst.site = at.site();
        inst.site.node = inst.name;
        const auto id = static_cast<std::uint32_t>(net_.instances.size());
        net_.instances.push_back(std::move(inst));
        connect(s, {false, {}, {id, 0}}, to, at);
        const std::size_t mid = lo + (hi - lo) / 2;
        merge_tree(s, from, {false, {}, {id, 0}}, lo, mid, base, counter, at);
        merge_tree(s, from, {false, {}, {id, 1}}, mid, hi, base, counter, at);
    }

    config_node subcircuits_;
    const sfq::library& lib_;
    sfq::netlist& net_;
    std::vector<std::string> stack_;
    std::vector<error_site> open_input_sites_, open_output_sites_;
};

std::vector<tick_t> read_train(const config_node& at) {
    at.table("a table with times, or period and count, or period and bits");
    at.allow_only({"times", "period", "start", "count", "bits"});
    std::vector<tick_t> times;
    const config_node list = at.child("times");
    if (list.present()) {
        for (const char* key : {"period", "start", "count", "bits"}) {
            if (at.child(key).present()) at.child(key).fail("give either 'times' or a generator (period, ...), not both");
        }
        for (const config_node& item : list.items("a list of times such as [\"10 ps\", \"60 ps\"]")) {
            const tick_t t = read_time(item);
            if (!times.empty() && t <= times.back()) item.fail("times must be strictly increasing");
            times.push_back(t);
        }
        return times;
    }
    const config_node period_at = at.require("period", "the generator's period, such as \"50 ps\" (or give 'times')");
    const tick_t period = read_time(period_at);
    if (period <= 0) period_at.fail("the period must be positive");
    const tick_t start = at.child("start").present() ? read_time(at.child("start")) : 0;
    const config_node count = at.child("count"), bits = at.child("bits");
    if (count.present() == bits.present()) at.fail("a periodic generator needs exactly one of 'count' and 'bits'");
    if (count.present()) {
        const std::int64_t n = read_int(count, 0, 100'000'000);
        for (std::int64_t i = 0; i < n; ++i) times.push_back(start + checked_mul(i, period, at.key()));
        return times;
    }
    const std::string pattern = preset::read_text(bits, "a string of 0s and 1s, one per period");
    tick_t slot = 0;  // separators take no period
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] == '1' || pattern[i] == '0') {
            if (pattern[i] == '1') times.push_back(start + checked_mul(slot, period, at.key()));
            ++slot;
        } else if (pattern[i] != '_' && pattern[i] != ' ') {
            bits.fail(fmt::format("expected 0s and 1s (with '_' or ' ' as separators), got '{}' at position {}",
                                  pattern[i], i));
        }
    }
    return times;
}

template <class E>
E read_choice(const config_node& at, std::initializer_list<std::pair<std::string_view, E>> choices, E fallback) {
    if (!at.present()) return fallback;
    const std::string text = preset::read_text(at, "a string");
    std::vector<std::string_view> names;
    for (const auto& [name, value] : choices) {
        if (name == text) return value;
        names.push_back(name);
    }
    at.fail(fmt::format("expected one of \"{}\", got \"{}\"", fmt::join(names, "\", \""), text));
}

sfq_circuit read_circuit(const config_node& root, const std::string& origin) {
    root.allow_only({"circuit", "subcircuits"});
    const config_node c = root.require("circuit", "a [circuit] table");
    c.table("a [circuit] table");
    c.allow_only({"library", "technology", "seed", "policy", "jitter", "stop", "simultaneous", "outputs", "record",
                  "open", "wires", "fanout", "fanin", "instances", "inputs", "description"});
    sfq_circuit out;
    out.origin = origin;
    const config_node lib = c.child("library");
    // A library file named in a circuit file is relative to it, like every data file.
    out.library = load_sfq_library(
        lib.present() ? preset::relative_to_config(lib, preset::read_text(lib, "a library name or file")) : "sfq_default",
        lib.present() ? lib.site() : c.site());
    out.tech = read_choice<sfq::technology>(c.child("technology"),
                                            {{"rsfq", sfq::technology::rsfq}, {"ersfq", sfq::technology::ersfq}},
                                            sfq::technology::rsfq);
    out.policy = read_choice<sfq::violation_policy>(c.child("policy"),
                                                    {{"error", sfq::violation_policy::error},
                                                     {"warn", sfq::violation_policy::warn},
                                                     {"record", sfq::violation_policy::record}},
                                                    sfq::violation_policy::error);
    if (c.child("seed").present()) out.seed = static_cast<std::uint64_t>(read_int(c.child("seed"), 0, INT64_MAX));
    if (const config_node j = c.child("jitter"); j.present()) {
        if (!j.node().is_boolean()) j.fail(fmt::format("expected true or false, got {}", describe(j.node())));
        out.jitter = *j.node().value<bool>();
    }
    if (c.child("stop").present()) out.stop = read_time(c.child("stop"));
    out.order = read_choice<sfq::simultaneous_order>(c.child("simultaneous"),
                                                     {{"priority", sfq::simultaneous_order::priority},
                                                      {"port", sfq::simultaneous_order::port}},
                                                     sfq::simultaneous_order::priority);

    std::vector<std::string> in_names;
    std::vector<std::pair<std::string, std::vector<tick_t>>> trains;
    std::vector<error_site> train_sites;
    if (const config_node inputs = c.child("inputs"); inputs.present()) {
        for (const auto& [name, at] : inputs.entries("a table of input pulse trains")) {
            if (!plain_name(name)) at.fail("an input name must be letters, digits, '_' or '-'");
            in_names.push_back(name);
            trains.emplace_back(name, read_train(at));
            train_sites.push_back(at.site());
        }
    }
    const std::vector<std::string> out_names = flattener::names(c, "outputs");
    flattener f(root.child("subcircuits"), out.library.params, out.net);
    const pins top = f.expand(c, "", in_names, out_names);
    f.finish();
    for (std::size_t i = 0; i < trains.size(); ++i) {
        out.net.inputs.push_back({trains[i].first, top.in.at(trains[i].first), std::move(trains[i].second), train_sites[i]});
    }
    for (const std::string& name : out_names) out.net.outputs.push_back({name, top.out.at(name), top.out_sites.at(name)});

    if (const config_node rec = c.child("record"); rec.present()) {
        std::map<std::string, std::uint32_t> index;
        for (std::uint32_t i = 0; i < out.net.instances.size(); ++i) index.emplace(out.net.instances[i].name, i);
        for (const config_node& item : rec.items("a list of wires named by their driving port, \"x.q\"")) {
            const std::string text = preset::read_text(item, "a port \"inst.port\"");
            const auto dot = text.rfind('.');
            const auto it = dot == std::string::npos ? index.end() : index.find(text.substr(0, dot));
            if (it == index.end()) {
                item.fail(fmt::format("'{}' names no cell output; write \"inst.port\" with the flattened instance "
                                      "name (\"fa0/x1.q\" inside subcircuit instance fa0)",
                                      text));
            }
            const int o = out.net.instances[it->second].type->output_index(text.substr(dot + 1));
            if (o < 0) item.fail(fmt::format("'{}' is not an output of cell {}", text.substr(dot + 1), it->first));
            out.net.recorded.push_back({text, {it->second, static_cast<std::uint8_t>(o)}});
        }
    }
    sfq::validate(out.net);
    // A pulse circulating through a loop of cells would never let the run end by itself.
    if (out.stop < 0 && sfq::has_feedback(out.net)) {
        c.fail("the circuit has a feedback loop, so pulses may circulate forever: set circuit.stop "
               "(such as stop = \"10 ns\")");
    }
    return out;
}

std::string read_text_file(const std::string& path) {
    error_site site;
    site.file = path;
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw io_error("the circuit path is a directory", site);
    std::ifstream in(path, std::ios::binary);
    if (!in) throw io_error("cannot open the circuit file", site);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

std::string_view policy_name(sfq::violation_policy p) {
    switch (p) {
        case sfq::violation_policy::error: return "error";
        case sfq::violation_policy::warn: return "warn";
        case sfq::violation_policy::record: return "record";
    }
    return "?";
}

std::string_view technology_name(sfq::technology t) { return t == sfq::technology::rsfq ? "rsfq" : "ersfq"; }

sfq_circuit load_sfq_circuit(const std::string& path) {
    return parse_sfq_circuit(read_text_file(path), path, std::filesystem::path(path).parent_path());
}

sfq_circuit parse_sfq_circuit(std::string_view text, const std::string& origin, const std::filesystem::path& base_dir) {
    const toml::table doc = preset::parse_toml(text, origin);
    config_context ctx;
    ctx.file = origin;
    ctx.base_dir = base_dir;
    sfq_circuit c = read_circuit(config_node::root(ctx, doc), origin);
    c.text = std::string(text);
    return c;
}

}  // namespace fluxon
