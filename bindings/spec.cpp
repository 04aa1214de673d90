// The Python builder's description → net::experiment_spec. The description has the shape of a
// config file (docs/config.md) with Python values in place of TOML ones: numbers are SI,
// strings carry units, arrays are lists or 1-D numpy arrays. It is first turned into JSON (so
// the run file can record exactly what was converted) and then read here, every value checked
// against what its key may hold; errors are config_error at the dotted key, with the node it
// belongs to.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "bindings/bindings.hpp"

namespace fluxon::py_bindings {
namespace {

using json = nlohmann::ordered_json;

// A place in the description: a JSON value (or where a missing one would be), its dotted key
// and the network node it belongs to.
class node {
public:
    node(const json* value, std::string key, std::string owner)
        : value_(value), key_(std::move(key)), owner_(std::move(owner)) {}

    bool present() const { return value_ != nullptr; }
    const json& value() const { return *value_; }
    const std::string& key() const { return key_; }

    error_site site() const {
        error_site s;
        s.key = key_;
        s.node = owner_;
        return s;
    }
    [[noreturn]] void fail(const std::string& message) const { throw config_error(message, site()); }
    [[noreturn]] void fail_type(std::string_view expected) const {
        fail(fmt::format("expected {}, got {}", expected, describe(*value_)));
    }

    node with_owner(std::string owner) const { return node(value_, key_, std::move(owner)); }

    void expect_object(std::string_view expected) const {
        if (!value_->is_object()) fail_type(expected);
    }
    node child(std::string_view name) const {
        const std::string key = key_.empty() ? std::string(name) : key_ + "." + std::string(name);
        if (!value_ || !value_->is_object()) return node(nullptr, key, owner_);
        const auto it = value_->find(std::string(name));
        return node(it == value_->end() ? nullptr : &*it, key, owner_);
    }
    node require(std::string_view name, std::string_view what) const {
        node c = child(name);
        if (!c.present()) fail(fmt::format("'{}' is missing: {}", name, what));
        return c;
    }
    // Sorted by name, as config files are read: a population's index (and so its random
    // streams) must not depend on whether the network came from a script or a file.
    std::vector<std::pair<std::string, node>> entries(std::string_view expected) const {
        expect_object(expected);
        std::vector<std::pair<std::string, node>> out;
        for (const auto& [name, value] : value_->items()) out.emplace_back(name, child(name));
        std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        return out;
    }
    std::vector<node> items(std::string_view expected) const {
        if (!value_->is_array()) fail_type(expected);
        std::vector<node> out;
        for (std::size_t i = 0; i < value_->size(); ++i) {
            out.emplace_back(&(*value_)[i], fmt::format("{}[{}]", key_, i), owner_);
        }
        return out;
    }
    void allow_only(std::initializer_list<std::string_view> allowed) const {
        for (const auto& [name, value] : value_->items()) {
            if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) continue;
            const std::string where = key_.empty() ? "at the top level" : "in '" + key_ + "'";
            child(name).fail(fmt::format("unknown key '{}' {}; allowed keys: {}", name, where, fmt::join(allowed, ", ")));
        }
    }

    // "int 20", "str '20 ms'", "a list", ...: what was found, in the words of the Python user.
    static std::string describe(const json& value) {
        switch (value.type()) {
            case json::value_t::null: return "None";
            case json::value_t::boolean: return value.get<bool>() ? "True" : "False";
            case json::value_t::number_integer:
            case json::value_t::number_unsigned: return "int " + value.dump();
            case json::value_t::number_float: return "float " + value.dump();
            case json::value_t::string: return "str '" + value.get<std::string>() + "'";
            case json::value_t::array: return "a list";
            case json::value_t::object: return "a dict";
            default: return "a value of an unsupported type";
        }
    }

private:
    const json* value_;
    std::string key_, owner_;
};

// -- typed values ---------------------------------------------------------------------------

std::string read_string(const node& at, std::string_view expected) {
    if (!at.value().is_string()) at.fail_type(expected);
    return at.value().get<std::string>();
}

std::int64_t read_integer(const node& at, std::string_view expected) {
    const json& v = at.value();
    if (v.is_number_unsigned() && v.get<std::uint64_t>() > std::uint64_t(std::numeric_limits<std::int64_t>::max())) {
        at.fail(fmt::format("{} is too large", v.dump()));
    }
    if (!v.is_number_integer()) at.fail_type(expected);
    return v.get<std::int64_t>();
}

double read_number(const node& at, std::string_view expected) {
    if (!at.value().is_number()) at.fail_type(expected);
    return at.value().get<double>();
}

bool read_bool(const node& at) {
    if (!at.value().is_boolean()) at.fail_type("True or False");
    return at.value().get<bool>();
}

quantity_input located(const node& at, quantity_input input) {
    input.site = at.site();
    return input;
}

constexpr std::string_view quantity_expectation = "a number in SI units or a string with a unit like \"20 ms\"";

// A quantity kept as given: text with a unit is parsed by the builder, which knows its dimension.
quantity_input read_quantity(const node& at) {
    if (at.value().is_string()) return located(at, {at.value().get<std::string>(), {}});
    if (at.value().is_number()) return located(at, {at.value().get<double>(), {}});
    at.fail_type(quantity_expectation);
}

std::vector<quantity_input> read_quantity_list(const node& at) {
    std::vector<quantity_input> out;
    for (const node& item : at.items("a list of quantities (numbers in SI units or strings like \"1 nA\")")) {
        out.push_back(read_quantity(item));
    }
    return out;
}

std::vector<double> read_si_values(const node& at) {
    std::vector<double> out;
    for (const node& item : at.items("a list or 1-D numpy array of numbers in SI units")) {
        out.push_back(read_number(item, "a number in SI units"));
    }
    return out;
}

// Neuron indices; any numeric dtype is accepted as long as the values are whole and >= 0.
std::vector<std::int64_t> read_ids(const node& at) {
    std::vector<std::int64_t> out;
    for (const node& item : at.items("a list or 1-D numpy array of neuron indices")) {
        const json& v = item.value();
        if (v.is_number_float()) {
            const double d = v.get<double>();
            if (d != std::floor(d) || std::fabs(d) > 9.0e15) item.fail(fmt::format("{} is not a neuron index", d));
            out.push_back(static_cast<std::int64_t>(d));
        } else {
            out.push_back(read_integer(item, "a neuron index (an integer >= 0)"));
        }
        if (out.back() < 0) item.fail(fmt::format("neuron index {} is negative", out.back()));
    }
    return out;
}

// number | "q" | [v, ...] | {"uniform": [low, high]} | {"normal": [mean, std]}
net::value_spec read_value(const node& at) {
    net::value_spec spec;
    spec.site = at.site();
    const json& v = at.value();
    if (v.is_string() || v.is_number()) {
        spec.a = read_quantity(at);
    } else if (v.is_array()) {
        spec.k = net::value_spec::kind::array;
        spec.values = read_si_values(at);
    } else if (v.is_object()) {
        at.allow_only({"uniform", "normal"});
        if (v.size() != 1) at.fail(fmt::format("expected exactly one of uniform or normal, got {} names", v.size()));
        const bool uniform = v.contains("uniform");
        const node pair = at.child(uniform ? "uniform" : "normal");
        const auto items = pair.items(uniform ? "a pair [low, high]" : "a pair [mean, std]");
        if (items.size() != 2) pair.fail(fmt::format("expected a pair of values, got {}", items.size()));
        spec.k = uniform ? net::value_spec::kind::uniform : net::value_spec::kind::normal;
        spec.a = read_quantity(items[0]);
        spec.b = read_quantity(items[1]);
    } else {
        at.fail_type("a quantity, a list or array of numbers in SI units, fluxon.uniform(...) or fluxon.normal(...)");
    }
    return spec;
}

// Names become HDF5 group names and parts of dotted keys, as in config files.
void check_name(const node& at, const std::string& name, std::string_view kind) {
    const bool valid = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
    if (!valid) at.fail(fmt::format("{} name '{}' is not valid: use one or more letters, digits, '_' or '-'", kind, name));
}

// -- sections -------------------------------------------------------------------------------

net::run_spec read_run(const node& at) {
    net::run_spec run;
    run.site = at.site();
    run.dt.site = at.child("dt").site();
    run.duration.site = at.child("duration").site();
    if (!at.present()) return run;
    at.expect_object("a dict of run settings");
    at.allow_only({"dt", "duration", "seed", "threads", "time_base", "flush_interval"});
    if (const node dt = at.child("dt"); dt.present()) run.dt = read_quantity(dt);
    if (const node d = at.child("duration"); d.present()) run.duration = read_quantity(d);
    if (const node seed = at.child("seed"); seed.present()) {
        const json& v = seed.value();
        if (v.is_number_unsigned()) {
            run.seed = v.get<std::uint64_t>();
        } else {
            const std::int64_t s = read_integer(seed, "an integer >= 0");
            if (s < 0) seed.fail(fmt::format("seed must be >= 0, got {}", s));
            run.seed = static_cast<std::uint64_t>(s);
        }
    }
    if (const node threads = at.child("threads"); threads.present()) {
        const std::int64_t t = read_integer(threads, "an integer >= 1");
        if (t < 1 || t > std::numeric_limits<int>::max()) threads.fail(fmt::format("threads must be >= 1, got {}", t));
        run.threads = static_cast<int>(t);
    }
    if (const node base = at.child("time_base"); base.present()) {
        run.time_base = read_string(base, "\"ps\" or \"fs\"");
        if (run.time_base != "ps" && run.time_base != "fs") {
            base.fail(fmt::format("time_base must be \"ps\" or \"fs\", got \"{}\"", run.time_base));
        }
    }
    if (const node flush = at.child("flush_interval"); flush.present()) {
        run.flush_interval = read_number(flush, "a number of wall-clock seconds");
        if (!(run.flush_interval > 0)) flush.fail(fmt::format("flush_interval must be > 0, got {}", run.flush_interval));
    }
    return run;
}

std::uint32_t read_size(const node& at) {
    const std::int64_t size = read_integer(at, "a number of neurons (an integer >= 1)");
    if (size < 1) at.fail(fmt::format("size must be >= 1, got {}", size));
    if (size > std::numeric_limits<std::uint32_t>::max()) at.fail(fmt::format("size {} is above 2^32 - 1", size));
    return static_cast<std::uint32_t>(size);
}

// The data of a spike_times source; any other model would silently ignore them.
void read_source_arrays(const node& at, net::population_spec& pop) {
    const node times = at.child("times"), ids = at.child("ids");
    if (pop.model != "spike_times") {
        for (const node& given : {times, ids}) {
            if (given.present()) given.fail("only a population of model \"spike_times\" takes times and ids");
        }
        return;
    }
    pop.arrays["times"] = read_si_values(at.require("times", "the spike times in s"));
    const node ids_at = at.require("ids", "the neuron of each spike time");
    const std::vector<std::int64_t> neuron_ids = read_ids(ids_at);
    pop.arrays["ids"].assign(neuron_ids.begin(), neuron_ids.end());
    if (pop.arrays["ids"].size() != pop.arrays["times"].size()) {
        ids_at.fail(fmt::format("times has {} entries but ids has {}; they must match", pop.arrays["times"].size(),
                                pop.arrays["ids"].size()));
    }
}

net::population_spec read_population(const node& at, const std::string& name) {
    check_name(at, name, "population");
    at.expect_object("a dict with size and model");
    at.allow_only({"size", "model", "params", "initial", "times", "ids"});
    net::population_spec pop;
    pop.name = name;
    pop.site = at.site();
    pop.size = read_size(at.require("size", "the number of neurons"));
    pop.model = read_string(at.require("model", "a model name such as \"lif\""), "a model name such as \"lif\"");
    if (const node params = at.child("params"); params.present()) {
        for (const auto& [param, value] : params.entries("a dict of parameters")) {
            pop.params.emplace(param, read_quantity(value));
        }
    }
    if (const node initial = at.child("initial"); initial.present()) {
        for (const auto& [variable, value] : initial.entries("a dict of initial values")) {
            pop.initial.push_back({variable, read_value(value), value.site()});
        }
    }
    read_source_arrays(at, pop);
    return pop;
}

struct connector_type {
    std::string_view name;
    net::connector_spec::kind kind;
    std::initializer_list<std::string_view> keys;
};

// Each type takes only the keys it reads, so a key that would be ignored is an error.
const connector_type& find_connector_type(const node& at) {
    using kind = net::connector_spec::kind;
    static const connector_type types[] = {
        {"all_to_all", kind::all_to_all, {"type", "autapses"}},
        {"one_to_one", kind::one_to_one, {"type", "autapses"}},
        {"fixed_probability", kind::fixed_probability, {"type", "p", "autapses"}},
        {"fixed_indegree", kind::fixed_indegree, {"type", "n", "autapses", "multapses"}},
        {"fixed_outdegree", kind::fixed_outdegree, {"type", "n", "autapses", "multapses"}},
        {"explicit", kind::explicit_list, {"type", "pre", "post"}},
    };
    const node type = at.require("type", "the connector type, e.g. \"all_to_all\"");
    const std::string name = read_string(type, "a connector type name such as \"all_to_all\"");
    std::vector<std::string_view> names;
    for (const connector_type& t : types) {
        if (t.name == name) return t;
        names.push_back(t.name);
    }
    type.fail(fmt::format("unknown connector type \"{}\"; known types: {}", name, fmt::join(names, ", ")));
}

net::connector_spec read_connector(const node& at) {
    at.expect_object("a connector such as fluxon.fixed_probability(0.1)");
    net::connector_spec c;
    c.site = at.site();
    const connector_type& type = find_connector_type(at);
    c.k = type.kind;
    at.allow_only(type.keys);
    if (c.k == net::connector_spec::kind::fixed_probability) {
        const node p = at.require("p", "the connection probability");
        c.p = read_number(p, "a probability (a number in [0, 1])");
        if (!(c.p >= 0 && c.p <= 1)) p.fail(fmt::format("p must be in [0, 1], got {}", c.p));
    }
    if (c.k == net::connector_spec::kind::fixed_indegree || c.k == net::connector_spec::kind::fixed_outdegree) {
        const node n = at.require("n", "the number of connections per neuron");
        const std::int64_t value = read_integer(n, "an integer >= 0");
        if (value < 0) n.fail(fmt::format("n must be >= 0, got {}", value));
        c.n = static_cast<std::uint64_t>(value);
    }
    if (c.k == net::connector_spec::kind::explicit_list) {
        c.pre_ids = read_ids(at.require("pre", "the presynaptic index of each synapse"));
        const node post = at.require("post", "the postsynaptic index of each synapse");
        c.post_ids = read_ids(post);
        if (c.pre_ids.size() != c.post_ids.size()) {
            post.fail(fmt::format("pre has {} indices but post has {}; they must match", c.pre_ids.size(),
                                  c.post_ids.size()));
        }
    }
    if (const node autapses = at.child("autapses"); autapses.present()) c.allow_autapses = read_bool(autapses);
    if (const node multapses = at.child("multapses"); multapses.present()) c.allow_multapses = read_bool(multapses);
    return c;
}

net::projection_spec read_projection(const node& at, const std::string& name) {
    check_name(at, name, "projection");
    at.expect_object("a dict with pre, post, receptor, connector and weight");
    at.allow_only({"pre", "post", "receptor", "connector", "weight", "delay"});
    net::projection_spec proj;
    proj.name = name;
    proj.site = at.site();
    proj.pre = read_string(at.require("pre", "the presynaptic population"), "a population name");
    proj.post = read_string(at.require("post", "the postsynaptic population"), "a population name");
    proj.receptor = read_string(at.require("receptor", "the receptor of post, e.g. \"exc\""), "a receptor name");
    proj.connector = read_connector(at.require("connector", "a connector such as fluxon.all_to_all()"));
    proj.weight = read_value(at.require("weight", "the synaptic weight, e.g. \"0.5 mV\""));
    const node delay = at.child("delay");
    proj.delay.site = delay.site();
    if (delay.present()) {
        proj.delay = read_value(delay);
        proj.delay_given = true;
    }
    return proj;
}

net::current_spec read_current(const node& at, const std::string& name) {
    check_name(at, name, "current");
    at.expect_object("a dict with target and amplitude");
    at.allow_only({"target", "ids", "amplitude", "times", "amplitudes"});
    net::current_spec cur;
    cur.name = name;
    cur.site = at.site();
    cur.target = read_string(at.require("target", "the population it drives"), "a population name");
    if (const node ids = at.child("ids"); ids.present()) cur.ids = read_ids(ids);
    if (const node amplitude = at.child("amplitude"); amplitude.present()) {
        for (const char* other : {"times", "amplitudes"}) {
            if (at.child(other).present()) at.child(other).fail("give either amplitude or times and amplitudes");
        }
        cur.times = {quantity_input{0.0, amplitude.site()}};
        cur.amplitudes = {read_quantity(amplitude)};
        return cur;
    }
    const node times = at.require("times", "the step times (or give amplitude for a constant current)");
    const node amplitudes = at.require("amplitudes", "the amplitude from each time on");
    cur.times = read_quantity_list(times);
    cur.amplitudes = read_quantity_list(amplitudes);
    if (cur.times.empty()) times.fail("a step current needs at least one step");
    if (cur.times.size() != cur.amplitudes.size()) {
        amplitudes.fail(fmt::format("times has {} entries but amplitudes has {}; they must match", cur.times.size(),
                                    cur.amplitudes.size()));
    }
    return cur;
}

template <typename Spec, typename Reader>
std::vector<Spec> read_named(const node& section, std::string_view expected, Reader reader) {
    std::vector<Spec> out;
    if (!section.present()) return out;
    for (const auto& [name, entry] : section.entries(expected)) out.push_back(reader(entry.with_owner(name), name));
    return out;
}

net::spike_record_spec read_spike_entry(const node& item) {
    net::spike_record_spec entry;
    if (item.value().is_string()) {
        entry.population = item.value().get<std::string>();
        entry.site = item.with_owner(entry.population).site();
        return entry;
    }
    item.expect_object("a population name or a dict with population and ids");
    item.allow_only({"population", "ids"});
    entry.population = read_string(item.require("population", "the population to record"), "a population name");
    const node at = item.with_owner(entry.population);
    entry.site = at.site();
    if (const node ids = at.child("ids"); ids.present()) {
        entry.ids = read_ids(ids);
        entry.all = false;
    }
    return entry;
}

net::probe_spec read_probe(const node& item) {
    item.expect_object("a dict with population and variable");
    item.allow_only({"population", "variable", "ids", "interval"});
    net::probe_spec probe;
    probe.population = read_string(item.require("population", "the population to probe"), "a population name");
    const node at = item.with_owner(probe.population);
    probe.site = at.site();
    probe.variable = read_string(at.require("variable", "a state variable such as \"v\""), "a variable name");
    if (const node ids = at.child("ids"); ids.present()) probe.ids = read_ids(ids);
    if (const node interval = at.child("interval"); interval.present()) probe.interval = read_quantity(interval);
    return probe;
}

void read_record(const node& record, net::experiment_spec& spec) {
    if (!record.present()) return;
    record.expect_object("a dict with spikes and probes");
    record.allow_only({"spikes", "probes"});
    if (const node spikes = record.child("spikes"); spikes.present()) {
        if (spikes.value().is_string()) {
            if (spikes.value() != "all") spikes.fail_type("\"all\" or a list of populations");
            for (const auto& pop : spec.network.populations) {
                spec.spikes.push_back({pop.name, {}, true, spikes.with_owner(pop.name).site()});
            }
        } else {
            for (const node& item : spikes.items("\"all\" or a list of populations")) {
                spec.spikes.push_back(read_spike_entry(item));
            }
        }
    }
    if (const node probes = record.child("probes"); probes.present()) {
        for (const node& item : probes.items("a list of probes")) spec.probes.push_back(read_probe(item));
    }
}

// The conversion to JSON knows keys but not the schema; the node an entry belongs to is the
// second part of keys under the named sections ("populations.exc.initial.v" -> "exc").
json to_json(const py::dict& description) {
    try {
        return json_from_python(description, "");
    } catch (const config_error& e) {
        error_site site = e.site();
        for (const std::string_view section : {"populations.", "projections.", "currents."}) {
            if (!site.key.starts_with(section)) continue;
            const std::string rest = site.key.substr(section.size());
            site.node = rest.substr(0, rest.find_first_of(".["));
        }
        throw config_error(e.detail(), site);
    }
}

}  // namespace

net::experiment_spec spec_from_python(const py::dict& description) {
    const json doc = to_json(description);
    const node root(&doc, "", "");
    root.allow_only({"run", "populations", "projections", "currents", "record"});
    net::experiment_spec spec;
    spec.run = read_run(root.child("run"));
    spec.network.populations =
        read_named<net::population_spec>(root.child("populations"), "a dict of populations", read_population);
    spec.network.projections =
        read_named<net::projection_spec>(root.child("projections"), "a dict of projections", read_projection);
    spec.network.currents = read_named<net::current_spec>(root.child("currents"), "a dict of currents", read_current);
    read_record(root.child("record"), spec);
    spec.config_text = doc.dump();
    spec.config_source = "python";
    spec.config_format = "json";
    return spec;
}

}  // namespace fluxon::py_bindings
