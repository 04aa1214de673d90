// The config reader: every field of the format lands in experiment_spec with its site, and
// every kind of mistake is a config_error naming the file, the line and the key.
#include <doctest/doctest.h>

#include "tests/unit/common/relative.hpp"

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "devices/crossbar/plugin/crossbar_settings.hpp"
#include "devices/dram/dram_preset.hpp"
#include "devices/neuromorphic/plugin/chip_settings.hpp"
#include "engine/base/errors.hpp"
#include "io/config.hpp"

namespace {

using fluxon::config_error;
using fluxon::io::parse_config_text;
using fluxon::net::value_spec;

// 1-based line of the first line containing `needle`, so tests do not hard-code line numbers.
int line_of(const std::string& text, std::string_view needle) {
    const std::size_t at = text.find(needle);
    REQUIRE(at != std::string::npos);
    int line = 1;
    for (std::size_t i = 0; i < at; ++i) line += text[i] == '\n' ? 1 : 0;
    return line;
}

std::string text_of(const fluxon::quantity_input& q) { return std::get<std::string>(q.value); }

const std::string full_config = R"([run]
dt = "0.1 ms"
duration = "1 s"
seed = 42
threads = 2
min_slice = 500
time_base = "fs"
flush_interval = 0.5

[populations.exc]
size = 3
model = "lif"
params = { tau_m = "20 ms", v_rest = "-49 mV", v_th = "-50 mV", reset = "subtract" }
initial = { v = { uniform = ["-60 mV", "-50 mV"] }, i_exc = { normal = ["1 mV", "0.1 mV"] }, i_inh = ["0 mV", "1 mV", "2 mV"] }

[populations.stim]
size = 2
model = "spike_times"
times = ["1 ms", "2.5 ms"]
ids = [0, 1]

[populations.noise]
size = 10
model = "poisson"
params = { rate = "5 Hz" }

[projections.ee]
pre = "exc"
post = "exc"
receptor = "exc"
connector = { type = "fixed_probability", p = 0.02, autapses = false }
weight = "1.62 mV"
delay = { uniform = ["0.1 ms", "0.5 ms"] }

[projections.se]
pre = "stim"
post = "exc"
receptor = "inh"
connector = { type = "explicit", pre = [0, 1], post = [2, 0] }
weight = ["1 mV", "2 mV"]

[projections.ne]
pre = "noise"
post = "exc"
receptor = "exc"
connector = { type = "fixed_indegree", n = 3, multapses = false }
weight = { normal = ["0.5 mV", "0.1 mV"] }

[currents.drive]
target = "exc"
ids = [0, 1]
times = ["0 ms", "100 ms"]
amplitudes = ["1 nA", "0 nA"]

[currents.bias]
target = "exc"
amplitude = "0.2 nA"

[record]
spikes = [{ population = "exc", ids = [0, 2] }, "stim"]

[[record.probes]]
population = "exc"
variable = "v"
ids = [0, 1, 2]
interval = "1 ms"

[[record.probes]]
population = "exc"
variable = "i_exc"
)";

// Parses `text` expecting a config_error; checks its file, line and key and that the message
// names the key.
config_error expect_error(const std::string& text, int line, const std::string& key,
                          const std::vector<std::string>& overrides = {}) {
    try {
        parse_config_text(text, "bad.toml", overrides);
    } catch (const config_error& e) {
        INFO("what(): " << std::string(e.what()));
        CHECK(e.site().file == "bad.toml");
        CHECK(e.site().line == line);
        CHECK(e.site().key == key);
        if (!key.empty()) CHECK(std::string(e.what()).find(key) != std::string::npos);
        return e;
    }
    FAIL("no config_error for:\n" << text);
    throw std::logic_error("unreachable");
}

bool mentions(const config_error& e, std::string_view words) {
    return std::string(e.what()).find(words) != std::string::npos;
}

}  // namespace

TEST_CASE("config: the run section maps onto run_spec with sites") {
    const auto spec = parse_config_text(full_config, "full.toml");
    CHECK(text_of(spec.run.dt) == "0.1 ms");
    CHECK(spec.run.dt.site.file == "full.toml");
    CHECK(spec.run.dt.site.line == line_of(full_config, "dt = "));
    CHECK(spec.run.dt.site.key == "run.dt");
    CHECK(text_of(spec.run.duration) == "1 s");
    CHECK(spec.run.duration.site.key == "run.duration");
    CHECK(spec.run.seed == 42);
    CHECK(spec.run.threads == 2);
    CHECK(spec.run.min_slice == 500);
    CHECK(spec.run.time_base == "fs");
    CHECK(spec.run.flush_interval == fluxon::test::approx(0.5));
    CHECK(spec.run.site.key == "run");
    CHECK(spec.run.site.line == 1);
    CHECK(spec.config_text == full_config);
    CHECK(spec.config_source == "full.toml");
    CHECK(spec.config_format == "toml");
}

TEST_CASE("config: run defaults when [run] is absent") {
    const auto spec = parse_config_text("[populations.a]\nsize = 1\nmodel = \"lif\"\n", "d.toml");
    CHECK(std::get<double>(spec.run.dt.value) == fluxon::test::approx(0.1e-3));
    CHECK(std::get<double>(spec.run.duration.value) == fluxon::test::approx(1.0));
    CHECK(spec.run.dt.site.key == "run.dt");
    CHECK(spec.run.dt.site.file == "d.toml");
    CHECK(spec.run.seed == 1);
    CHECK(spec.run.threads == 1);
    CHECK(spec.run.min_slice == 2048);
    CHECK(spec.run.time_base == "ps");
}

TEST_CASE("config: populations in name order, with params and initial values") {
    const auto spec = parse_config_text(full_config, "full.toml");
    const auto& pops = spec.network.populations;
    REQUIRE(pops.size() == 3);
    // Name order, so that a run rebuilt from a re-serialized document numbers them alike.
    CHECK(pops[0].name == "exc");
    CHECK(pops[1].name == "noise");
    CHECK(pops[2].name == "stim");

    const auto& exc = pops[0];
    CHECK(exc.size == 3);
    CHECK(exc.model == "lif");
    CHECK(exc.site.key == "populations.exc");
    CHECK(exc.site.node == "exc");
    CHECK(exc.site.line == line_of(full_config, "[populations.exc]"));
    REQUIRE(exc.params.size() == 4);
    const auto& tau_m = exc.params.at("tau_m");
    CHECK(text_of(tau_m) == "20 ms");
    CHECK(tau_m.site.file == "full.toml");
    CHECK(tau_m.site.line == line_of(full_config, "params = { tau_m"));
    CHECK(tau_m.site.key == "populations.exc.params.tau_m");
    CHECK(tau_m.site.node == "exc");
    CHECK(text_of(exc.params.at("reset")) == "subtract");

    REQUIRE(exc.initial.size() == 3);
    const auto find_init = [&](const std::string& var) {
        for (const auto& init : exc.initial) {
            if (init.variable == var) return init;
        }
        FAIL("no initial value for " << var);
        return exc.initial.front();
    };
    const auto v = find_init("v");
    CHECK(v.value.k == value_spec::kind::uniform);
    CHECK(text_of(v.value.a) == "-60 mV");
    CHECK(text_of(v.value.b) == "-50 mV");
    CHECK(v.value.a.site.key == "populations.exc.initial.v.uniform[0]");
    CHECK(v.value.b.site.key == "populations.exc.initial.v.uniform[1]");
    CHECK(v.site.key == "populations.exc.initial.v");
    CHECK(v.site.line == line_of(full_config, "initial = {"));
    const auto i_exc = find_init("i_exc");
    CHECK(i_exc.value.k == value_spec::kind::normal);
    CHECK(text_of(i_exc.value.a) == "1 mV");
    CHECK(text_of(i_exc.value.b) == "0.1 mV");
    const auto i_inh = find_init("i_inh");
    CHECK(i_inh.value.k == value_spec::kind::array);
    REQUIRE(i_inh.value.values.size() == 3);
    CHECK(i_inh.value.values[1] == fluxon::test::approx(1e-3));
    CHECK(i_inh.value.values[2] == fluxon::test::approx(2e-3));
}

TEST_CASE("config: spike_times and poisson sources") {
    const auto spec = parse_config_text(full_config, "full.toml");
    const auto& stim = spec.network.populations[2];
    CHECK(stim.model == "spike_times");
    REQUIRE(stim.arrays.at("times").size() == 2);
    CHECK(stim.arrays.at("times")[0] == fluxon::test::approx(1e-3));
    CHECK(stim.arrays.at("times")[1] == fluxon::test::approx(2.5e-3));
    CHECK(stim.arrays.at("ids") == std::vector<double>{0, 1});
    CHECK(stim.params.empty());
    const auto& noise = spec.network.populations[1];
    CHECK(noise.size == 10);
    CHECK(text_of(noise.params.at("rate")) == "5 Hz");
    CHECK(noise.params.at("rate").site.key == "populations.noise.params.rate");
}

TEST_CASE("config: projections, connectors, weights and delays") {
    const auto spec = parse_config_text(full_config, "full.toml");
    const auto& projs = spec.network.projections;
    REQUIRE(projs.size() == 3);
    const auto& ee = projs[0];
    CHECK(ee.name == "ee");
    CHECK(ee.pre == "exc");
    CHECK(ee.post == "exc");
    CHECK(ee.receptor == "exc");
    CHECK(ee.site.key == "projections.ee");
    CHECK(ee.site.node == "ee");
    CHECK(ee.connector.k == fluxon::net::connector_spec::kind::fixed_probability);
    CHECK(ee.connector.p == fluxon::test::approx(0.02));
    CHECK_FALSE(ee.connector.allow_autapses);
    CHECK(ee.connector.allow_multapses);
    CHECK(ee.connector.site.key == "projections.ee.connector");
    CHECK(ee.weight.k == value_spec::kind::constant);
    CHECK(text_of(ee.weight.a) == "1.62 mV");
    CHECK(ee.weight.site.key == "projections.ee.weight");
    CHECK(ee.weight.site.line == line_of(full_config, "weight = \"1.62 mV\""));
    CHECK(ee.weight.a.site.key == "projections.ee.weight");
    CHECK(ee.delay_given);
    CHECK(ee.delay.k == value_spec::kind::uniform);
    CHECK(text_of(ee.delay.b) == "0.5 ms");

    const auto& se = projs[2];
    CHECK(se.connector.k == fluxon::net::connector_spec::kind::explicit_list);
    CHECK(se.connector.pre_ids == std::vector<std::int64_t>{0, 1});
    CHECK(se.connector.post_ids == std::vector<std::int64_t>{2, 0});
    CHECK(se.weight.k == value_spec::kind::array);
    REQUIRE(se.weight.values.size() == 2);
    CHECK(se.weight.values[0] == fluxon::test::approx(1e-3));
    CHECK(se.weight.values[1] == fluxon::test::approx(2e-3));
    CHECK_FALSE(se.delay_given);
    CHECK(se.delay.site.key == "projections.se.delay");

    const auto& ne = projs[1];
    CHECK(ne.connector.k == fluxon::net::connector_spec::kind::fixed_indegree);
    CHECK(ne.connector.n == 3);
    CHECK_FALSE(ne.connector.allow_multapses);
    CHECK(ne.weight.k == value_spec::kind::normal);
}

TEST_CASE("config: step and constant currents") {
    const auto spec = parse_config_text(full_config, "full.toml");
    const auto& currents = spec.network.currents;
    REQUIRE(currents.size() == 2);
    const auto& drive = currents[1];
    CHECK(drive.name == "drive");
    CHECK(drive.target == "exc");
    CHECK(drive.ids == std::vector<std::int64_t>{0, 1});
    REQUIRE(drive.times.size() == 2);
    CHECK(text_of(drive.times[1]) == "100 ms");
    CHECK(text_of(drive.amplitudes[0]) == "1 nA");
    CHECK(drive.amplitudes[0].site.key == "currents.drive.amplitudes[0]");
    CHECK(drive.amplitudes[0].site.node == "drive");
    CHECK(drive.site.line == line_of(full_config, "[currents.drive]"));
    const auto& bias = currents[0];
    CHECK(bias.ids.empty());
    REQUIRE(bias.times.size() == 1);
    CHECK(std::get<double>(bias.times[0].value) == 0.0);
    CHECK(text_of(bias.amplitudes[0]) == "0.2 nA");
    CHECK(bias.amplitudes[0].site.key == "currents.bias.amplitude");
    CHECK(bias.amplitudes[0].site.line == line_of(full_config, "amplitude = \"0.2 nA\""));
}

TEST_CASE("config: spike recording and probes") {
    const auto spec = parse_config_text(full_config, "full.toml");
    REQUIRE(spec.spikes.size() == 2);
    CHECK(spec.spikes[0].population == "exc");
    CHECK_FALSE(spec.spikes[0].all);
    CHECK(spec.spikes[0].ids == std::vector<std::int64_t>{0, 2});
    CHECK(spec.spikes[0].site.key == "record.spikes[0]");
    CHECK(spec.spikes[0].site.node == "exc");
    CHECK(spec.spikes[1].population == "stim");
    CHECK(spec.spikes[1].all);
    CHECK(spec.spikes[1].site.key == "record.spikes[1]");

    REQUIRE(spec.probes.size() == 2);
    CHECK(spec.probes[0].population == "exc");
    CHECK(spec.probes[0].variable == "v");
    CHECK(spec.probes[0].ids == std::vector<std::int64_t>{0, 1, 2});
    REQUIRE(spec.probes[0].interval.has_value());
    CHECK(text_of(*spec.probes[0].interval) == "1 ms");
    CHECK(spec.probes[0].interval->site.key == "record.probes[0].interval");
    CHECK(spec.probes[0].site.key == "record.probes[0]");
    CHECK(spec.probes[1].variable == "i_exc");
    CHECK(spec.probes[1].ids.empty());
    CHECK_FALSE(spec.probes[1].interval.has_value());

    const auto all = parse_config_text(full_config + "\n", "full.toml",
                                       {"record.spikes=\"all\""});
    REQUIRE(all.spikes.size() == 3);
    CHECK(all.spikes[1].population == "noise");
    CHECK(all.spikes[1].all);
}

TEST_CASE("config: weights recorded on request") {
    CHECK(parse_config_text(full_config, "full.toml").weight_records.empty());
    const auto some = parse_config_text(full_config, "full.toml", {"record.weights=[\"se\"]"});
    REQUIRE(some.weight_records.size() == 1);
    CHECK(some.weight_records[0].projection == "se");
    const auto all = parse_config_text(full_config, "full.toml", {"record.weights=\"all\""});
    REQUIRE(all.weight_records.size() == 3);  // in name order, as the projections are read
    CHECK(all.weight_records[0].projection == "ee");
    CHECK(all.weight_records[1].projection == "ne");
    CHECK(all.weight_records[2].projection == "se");
    const std::string bad = "[run]\n[populations.a]\nsize = 1\nmodel = \"lif\"\n[projections.aa]\npre = \"a\"\n"
                            "post = \"a\"\nreceptor = \"exc\"\nconnector = { type = \"all_to_all\" }\nweight = \"1 mV\"\n"
                            "[record]\nweights = [\"ab\"]\n";
    CHECK(mentions(expect_error(bad, 12, "record.weights[0]"),
                   "no projection 'ab' to record the weights of; the projections are: aa"));
}

TEST_CASE("config errors: TOML syntax") {
    const auto e = expect_error("[run]\ndt = 0.1 ms\n", 2, "");
    CHECK(mentions(e, "column"));
    CHECK(mentions(e, "bad.toml:2"));
}

TEST_CASE("config errors: unknown keys list the allowed ones") {
    CHECK(mentions(expect_error("colour = 1\n", 1, "colour"), "allowed keys: run, populations"));
    CHECK(mentions(expect_error("[run]\nsed = 3\n", 2, "run.sed"), "allowed keys: dt, duration, seed"));
    CHECK(mentions(expect_error("[populations.a]\nsize = 1\nmodel = \"lif\"\ncolour = 2\n", 4,
                                "populations.a.colour"),
                   "size, model"));
    CHECK(expect_error("[populations.a]\nsize = 1\nmodel = \"lif\"\n"
                       "initial = { v = { uniform = [\"1 mV\", \"2 mV\"], x = 1 } }\n",
                       4, "populations.a.initial.v.x")
              .site().node == "a");
    CHECK(mentions(expect_error("[projections.p]\npre = \"a\"\npost = \"a\"\nreceptor = \"exc\"\n"
                                "connector = { type = \"all_to_all\", p = 0.5 }\nweight = \"1 mV\"\n",
                                5, "projections.p.connector.p"),
                   "allowed keys: type, autapses"));
    expect_error("[currents.c]\ntarget = \"a\"\namplitude = \"1 nA\"\nwhen = 3\n", 4, "currents.c.when");
    expect_error("[record]\nspikes = \"all\"\nprobes_every = 1\n", 3, "record.probes_every");
    expect_error("[record]\nspikes = [{ population = \"a\", ids = [1], all = true }]\n", 2,
                 "record.spikes[0].all");
    expect_error("[[record.probes]]\npopulation = \"a\"\nvariable = \"v\"\nvar = 1\n", 4,
                 "record.probes[0].var");
    expect_error("[run]\ndt = { file = \"x.npy\" }\n", 2, "run.dt");
}

TEST_CASE("config errors: wrong types say what was expected") {
    auto e = expect_error("[run]\ndt = 1\n", 2, "run.dt");
    CHECK(mentions(e, "expected a quantity string like \"20 ms\", got integer 1"));
    e = expect_error("[run]\nseed = 1.5\n", 2, "run.seed");
    CHECK(mentions(e, "got float 1.5"));
    e = expect_error("[run]\ntime_base = 3\n", 2, "run.time_base");
    CHECK(mentions(e, "\"ps\" or \"fs\""));
    e = expect_error("[populations.a]\nsize = \"3\"\nmodel = \"lif\"\n", 2, "populations.a.size");
    CHECK(mentions(e, "got string \"3\""));
    e = expect_error("[populations.a]\nsize = 3\nmodel = \"lif\"\nparams = { tau_m = 20 }\n", 4,
                     "populations.a.params.tau_m");
    CHECK(mentions(e, "got integer 20"));
    e = expect_error("[populations.a]\nsize = 3\nmodel = \"lif\"\nparams = \"fast\"\n", 4, "populations.a.params");
    CHECK(mentions(e, "expected a table"));
    e = expect_error("[projections.p]\npre = \"a\"\npost = \"a\"\nreceptor = \"exc\"\n"
                     "connector = { type = \"all_to_all\", autapses = 1 }\nweight = \"1 mV\"\n",
                     5, "projections.p.connector.autapses");
    CHECK(mentions(e, "true or false"));
    e = expect_error("[projections.p]\npre = \"a\"\npost = \"a\"\nreceptor = \"exc\"\n"
                     "connector = { type = \"all_to_all\" }\nweight = true\n",
                     6, "projections.p.weight");
    CHECK(mentions(e, "got boolean true"));
    e = expect_error("[projections.p]\npre = \"a\"\npost = \"a\"\nreceptor = \"exc\"\n"
                     "connector = { type = \"all_to_all\" }\nweight = [\"1 mV\", \"abc\"]\n",
                     6, "projections.p.weight[1]");
    CHECK(mentions(e, "'abc' is not a number with a unit"));
    e = expect_error("[projections.p]\npre = \"a\"\npost = \"a\"\nreceptor = \"exc\"\n"
                     "connector = { type = \"all_to_all\" }\nweight = \"1 mV\"\ndelay = [\"1 mV\"]\n",
                     7, "projections.p.delay[0]");
    e = expect_error("[currents.c]\ntarget = \"a\"\ntimes = [0, \"1 ms\"]\namplitudes = [\"1 nA\", \"0 nA\"]\n",
                     3, "currents.c.times[0]");
    CHECK(mentions(e, "got integer 0"));
    e = expect_error("[record]\nspikes = \"some\"\n", 2, "record.spikes");
    CHECK(mentions(e, "\"all\" or a list"));
    e = expect_error("[record]\nspikes = [3]\n", 2, "record.spikes[0]");
    e = expect_error("[record]\nprobes = [\"a\"]\n", 2, "record.probes[0]");
    e = expect_error("[record]\nspikes = [{ population = \"a\", ids = [-1] }]\n", 2, "record.spikes[0].ids[0]");
    CHECK(mentions(e, "negative"));
    e = expect_error("populations = 3\n", 1, "populations");
}

TEST_CASE("config errors: missing required keys") {
    const std::string pop = "[populations.a]\nsize = 3\nmodel = \"lif\"\n";
    expect_error("[populations.a]\nmodel = \"lif\"\n", 1, "populations.a.size");
    const auto e = expect_error("[populations.a]\nsize = 3\n", 1, "populations.a.model");
    CHECK(mentions(e, "missing required key 'model'"));
    CHECK(e.site().node == "a");
    const std::string pre = "pre = \"a\"\n", post = "post = \"a\"\n", receptor = "receptor = \"exc\"\n",
                      connector = "connector = { type = \"all_to_all\" }\n", weight = "weight = \"1 mV\"\n";
    const int header = line_of(pop + "[projections.p]\n", "[projections.p]");
    expect_error(pop + "[projections.p]\n" + post + receptor + connector + weight, header, "projections.p.pre");
    expect_error(pop + "[projections.p]\n" + pre + receptor + connector + weight, header, "projections.p.post");
    expect_error(pop + "[projections.p]\n" + pre + post + connector + weight, header, "projections.p.receptor");
    expect_error(pop + "[projections.p]\n" + pre + post + receptor + weight, header, "projections.p.connector");
    expect_error(pop + "[projections.p]\n" + pre + post + receptor + connector, header, "projections.p.weight");
    expect_error(pop + "[projections.p]\n" + pre + post + receptor + "connector = { p = 0.1 }\n" + weight,
                 header + 4, "projections.p.connector.type");
    expect_error(pop + "[projections.p]\n" + pre + post + receptor +
                     "connector = { type = \"fixed_probability\" }\n" + weight,
                 header + 4, "projections.p.connector.p");
    expect_error(pop + "[projections.p]\n" + pre + post + receptor +
                     "connector = { type = \"fixed_outdegree\" }\n" + weight,
                 header + 4, "projections.p.connector.n");
    expect_error(pop + "[projections.p]\n" + pre + post + receptor +
                     "connector = { type = \"explicit\", pre = [0] }\n" + weight,
                 header + 4, "projections.p.connector.post");
    expect_error("[populations.s]\nsize = 1\nmodel = \"spike_times\"\nids = [0]\n", 1, "populations.s.times");
    expect_error("[populations.s]\nsize = 1\nmodel = \"spike_times\"\ntimes = [\"1 ms\"]\n", 1, "populations.s.ids");
    expect_error("[currents.c]\namplitude = \"1 nA\"\n", 1, "currents.c.target");
    expect_error("[currents.c]\ntarget = \"a\"\n", 1, "currents.c.times");
    expect_error("[currents.c]\ntarget = \"a\"\ntimes = [\"0 ms\"]\n", 1, "currents.c.amplitudes");
    expect_error("[[record.probes]]\npopulation = \"a\"\n", 1, "record.probes[0].variable");
    expect_error("[record]\nspikes = [{ ids = [1] }]\n", 2, "record.spikes[0].population");
}

TEST_CASE("config errors: bad values") {
    CHECK(mentions(expect_error("[populations.a]\nsize = 0\nmodel = \"lif\"\n", 2, "populations.a.size"),
                   "size must be >= 1, got 0"));
    expect_error("[populations.a]\nsize = -3\nmodel = \"lif\"\n", 2, "populations.a.size");
    expect_error("[populations.a]\nsize = 5000000000\nmodel = \"lif\"\n", 2, "populations.a.size");
    const std::string proj = "[projections.p]\npre = \"a\"\npost = \"a\"\nreceptor = \"exc\"\nweight = \"1 mV\"\n";
    CHECK(mentions(expect_error(proj + "connector = { type = \"fixed_probability\", p = 1.5 }\n", 6,
                                "projections.p.connector.p"),
                   "p must be in [0, 1], got 1.5"));
    expect_error(proj + "connector = { type = \"fixed_probability\", p = -0.1 }\n", 6, "projections.p.connector.p");
    expect_error(proj + "connector = { type = \"fixed_probability\", p = nan }\n", 6, "projections.p.connector.p");
    expect_error(proj + "connector = { type = \"fixed_indegree\", n = -1 }\n", 6, "projections.p.connector.n");
    CHECK(mentions(expect_error(proj + "connector = { type = \"random\" }\n", 6, "projections.p.connector.type"),
                   "known types: all_to_all, one_to_one, fixed_probability"));
    expect_error(proj + "connector = { type = \"explicit\", pre = [0, 1], post = [0] }\n", 6,
                 "projections.p.connector.post");
    expect_error(proj + "connector = \"all_to_all\"\n", 6, "projections.p.connector");
    CHECK(mentions(expect_error("[run]\nseed = -1\n", 2, "run.seed"), ">= 0"));
    expect_error("[run]\nthreads = 0\n", 2, "run.threads");
    // A bound independent of the machine (networks/spec.hpp): beyond it a run only aborted or
    // exhausted memory starting threads.
    CHECK(mentions(expect_error("[run]\nthreads = 1025\n", 2, "run.threads"), "between 1 and 1024"));
    expect_error("[run]\nthreads = 100000\n", 2, "run.threads");
    expect_error("[run]\nthreads = 2147483647\n", 2, "run.threads");
    CHECK(parse_config_text("[run]\nthreads = 1024\n", "t.toml").run.threads == 1024);
    expect_error("[run]\nmin_slice = 0\n", 2, "run.min_slice");
    expect_error("[run]\nmin_slice = 1.5\n", 2, "run.min_slice");
    expect_error("[run]\ntime_base = \"ns\"\n", 2, "run.time_base");
    expect_error("[run]\nflush_interval = 0\n", 2, "run.flush_interval");
    expect_error("[run]\nflush_interval = inf\n", 2, "run.flush_interval");
    expect_error("[populations.a]\nsize = 2\nmodel = \"lif\"\ntimes = [\"1 ms\"]\n", 4, "populations.a.times");
    expect_error("[populations.a]\nsize = 2\nmodel = \"lif\"\ninitial = { v = { uniform = [\"1 mV\"] } }\n", 4,
                 "populations.a.initial.v.uniform");
    expect_error("[populations.a]\nsize = 2\nmodel = \"lif\"\ninitial = { v = { uniform = [\"1 mV\", \"2 mV\"], "
                 "normal = [\"1 mV\", \"2 mV\"] } }\n",
                 4, "populations.a.initial.v");
    expect_error("[populations.a]\nsize = 2\nmodel = \"lif\"\ninitial = { v = {} }\n", 4, "populations.a.initial.v");
    expect_error("[currents.c]\ntarget = \"a\"\namplitude = \"1 nA\"\ntimes = [\"0 ms\"]\n", 4, "currents.c.times");
    expect_error("[currents.c]\ntarget = \"a\"\ntimes = [\"0 ms\"]\namplitudes = [\"1 nA\", \"2 nA\"]\n", 4,
                 "currents.c.amplitudes");
    expect_error("[currents.c]\ntarget = \"a\"\ntimes = []\namplitudes = []\n", 3, "currents.c.times");
}

TEST_CASE("config errors: entry names") {
    auto e = expect_error("[populations.\"\"]\nsize = 1\nmodel = \"lif\"\n", 1, "populations.");
    CHECK(mentions(e, "population name \"\" is not valid"));
    e = expect_error("[populations.\"a.b\"]\nsize = 1\nmodel = \"lif\"\n", 1, "populations.a.b");
    e = expect_error("[projections.\"x y\"]\n", 1, "projections.x y");
    CHECK(mentions(e, "projection name"));
    e = expect_error("[currents.\"\"]\n", 1, "currents.");
}

TEST_CASE("config overrides: values are set before conversion") {
    const auto spec = parse_config_text(full_config, "full.toml",
                                        {"run.seed=3", "populations.exc.params.tau_m=10 ms",
                                         "populations.exc.params.t_ref = 1 ms",
                                         "projections.ee.connector={ type = \"all_to_all\" }",
                                         "run.time_base=\"ps\"", "record.spikes=[\"stim\"]"});
    CHECK(spec.run.seed == 3);
    CHECK(spec.run.time_base == "ps");
    const auto& tau_m = spec.network.populations[0].params.at("tau_m");
    CHECK(text_of(tau_m) == "10 ms");
    CHECK(tau_m.site.key == "populations.exc.params.tau_m");
    CHECK(tau_m.site.line == line_of(full_config, "params = { tau_m"));
    CHECK(tau_m.site.file == "full.toml");
    // A key the file did not have is reported at its nearest parent.
    const auto& t_ref = spec.network.populations[0].params.at("t_ref");
    CHECK(text_of(t_ref) == "1 ms");
    CHECK(t_ref.site.line == line_of(full_config, "params = { tau_m"));
    CHECK(spec.network.projections[0].connector.k == fluxon::net::connector_spec::kind::all_to_all);
    REQUIRE(spec.spikes.size() == 1);
    CHECK(spec.spikes[0].population == "stim");
    // The run file must hold what the run was built from: the modified document.
    CHECK(spec.config_text != full_config);
    CHECK(spec.config_text.find("10 ms") != std::string::npos);
    const auto again = parse_config_text(spec.config_text, "again.toml");
    CHECK(again.run.seed == 3);
    CHECK(text_of(again.network.populations[0].params.at("tau_m")) == "10 ms");
    REQUIRE(again.network.populations.size() == 3);
    REQUIRE(again.network.projections.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
        CHECK(again.network.populations[i].name == spec.network.populations[i].name);
        CHECK(again.network.projections[i].name == spec.network.projections[i].name);
    }
}

TEST_CASE("config overrides: a later override wins, and new [run] keys are created") {
    const auto spec = parse_config_text("[populations.a]\nsize = 1\nmodel = \"lif\"\n", "o.toml",
                                        {"run.seed=3", "run.seed=5", "populations.a.size=4"});
    CHECK(spec.run.seed == 5);
    CHECK(spec.network.populations[0].size == 4);
}

TEST_CASE("config override errors") {
    const std::string base = "[run]\nseed = 1\n\n[populations.a]\nsize = 1\nmodel = \"lif\"\n";
    auto e = expect_error(base, 1, "run.sed", {"run.sed=3"});
    CHECK(mentions(e, "unknown key 'sed'"));
    CHECK(mentions(e, "allowed: dt, duration, seed"));
    e = expect_error(base, 4, "populations.b.size", {"populations.b.size=3"});
    CHECK(mentions(e, "there is no 'b' in 'populations'; declared: a"));
    CHECK(e.site().node == "b");
    e = expect_error(base, 1, "colour", {"colour=3"});
    e = expect_error(base, 2, "run.seed.x", {"run.seed.x=1"});
    CHECK(mentions(e, "no sub-keys"));
    e = expect_error(base, 1, "record.probes.interval", {"record.probes.interval=\"1 ms\""});
    e = expect_error(base, 2, "run.seed", {"run.seed"});
    CHECK(mentions(e, "expected key=value"));
    e = expect_error(base, 2, "run.seed", {"run.seed="});
    e = expect_error(base, 1, "run..seed", {"run..seed=1"});
    // Malformed values: text that starts like a TOML array but is not one, and a value of the
    // wrong type, reported at the line of the key it replaced.
    e = expect_error(base, 1, "record.spikes", {"record.spikes=[\"a\","});
    CHECK(mentions(e, "not a valid TOML value"));
    e = expect_error(base, 2, "run.seed", {"run.seed=abc"});
    CHECK(mentions(e, "expected an integer >= 0, got string \"abc\""));
    CHECK(mentions(e, "set by --set run.seed=abc"));
    e = expect_error(base, 5, "populations.a.size", {"populations.a.size=0"});
    CHECK(mentions(e, "set by --set"));
    e = expect_error("[populations.a]\nsize = 1\nmodel = \"lif\"\nparams = \"x\"\n", 4,
                     "populations.a.params.tau_m", {"populations.a.params.tau_m=1 ms"});
    CHECK(mentions(e, "not a table"));
}

namespace {

// A .npy file of float64 (descr '<f8') or int64 ('<i8') values, version 1.0.
template <typename T>
void write_npy(const std::filesystem::path& path, const std::string& descr, const std::vector<T>& values) {
    std::string header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" +
                         std::to_string(values.size()) + ",), }";
    const std::size_t unpadded = 10 + header.size() + 1;
    header.append((64 - unpadded % 64) % 64, ' ');
    header += '\n';
    std::ofstream out(path, std::ios::binary);
    out.write("\x93NUMPY\x01\x00", 8);
    const std::uint16_t length = static_cast<std::uint16_t>(header.size());
    out.put(static_cast<char>(length & 0xff));
    out.put(static_cast<char>(length >> 8));
    out.write(header.data(), static_cast<std::streamsize>(header.size()));
    out.write(reinterpret_cast<const char*>(values.data()), static_cast<std::streamsize>(values.size() * sizeof(T)));
}

struct temp_dir {
    std::filesystem::path path;
    temp_dir() {
        path = std::filesystem::temp_directory_path() /
               ("fluxon_config_test_" + std::to_string(std::hash<std::string>{}(
                                            std::to_string(reinterpret_cast<std::uintptr_t>(this)))));
        std::filesystem::create_directories(path / "data");
    }
    ~temp_dir() { std::filesystem::remove_all(path); }
};

void write_text(const std::filesystem::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

}  // namespace

TEST_CASE("config: file forms are read relative to the config file") {
    temp_dir dir;
    write_npy<double>(dir.path / "data" / "v0.npy", "<f8", {-0.06, -0.055, -0.05});
    write_npy<double>(dir.path / "data" / "times.npy", "<f8", {0.001, 0.002, 0.003});
    write_npy<std::int64_t>(dir.path / "data" / "ids.npy", "<i8", {0, 1, 0});
    write_npy<double>(dir.path / "data" / "w.npy", "<f8", {1e-3, 2e-3});
    write_text(dir.path / "exp.toml", R"([populations.exc]
size = 3
model = "lif"
initial = { v = { file = "data/v0.npy" } }

[populations.stim]
size = 2
model = "spike_times"
times = { file = "data/times.npy" }
ids = { file = "data/ids.npy" }

[projections.se]
pre = "stim"
post = "exc"
receptor = "exc"
connector = { type = "explicit", pre = { file = "data/ids.npy" }, post = [0, 1, 2] }
weight = { file = "data/w.npy" }
delay = ["1 ms", "2 ms", "3 ms"]
)");
    const std::string path = (dir.path / "exp.toml").string();
    const auto spec = fluxon::io::load_config(path);
    const auto& v = spec.network.populations[0].initial.at(0);
    CHECK(v.variable == "v");
    CHECK(v.value.k == value_spec::kind::array);
    CHECK(v.value.values == std::vector<double>{-0.06, -0.055, -0.05});
    CHECK(v.value.site.file == path);
    CHECK(v.value.site.line == 4);
    const auto& stim = spec.network.populations[1];
    CHECK(stim.arrays.at("times") == std::vector<double>{0.001, 0.002, 0.003});
    CHECK(stim.arrays.at("ids") == std::vector<double>{0, 1, 0});
    const auto& se = spec.network.projections[0];
    CHECK(se.connector.pre_ids == std::vector<std::int64_t>{0, 1, 0});
    CHECK(se.weight.values == std::vector<double>{1e-3, 2e-3});
    CHECK(se.delay.values[2] == fluxon::test::approx(3e-3));
    CHECK(spec.config_source == path);

    write_text(dir.path / "missing.toml", "[populations.exc]\nsize = 3\nmodel = \"lif\"\n"
                                          "initial = { v = { file = \"nope.npy\" } }\n");
    try {
        fluxon::io::load_config((dir.path / "missing.toml").string());
        FAIL("a missing data file must be an error");
    } catch (const config_error& e) {
        CHECK(e.site().line == 4);
        CHECK(e.site().key == "populations.exc.initial.v.file");
        CHECK(std::string(e.what()).find("nope.npy") != std::string::npos);
    }
    // Ids from a file must be whole numbers (the reader checks) and >= 0 (the config checks).
    write_npy<std::int64_t>(dir.path / "data" / "negative.npy", "<i8", {0, -1});
    for (const char* file : {"data/v0.npy", "data/negative.npy"}) {
        write_text(dir.path / "ids.toml", std::string("[populations.exc]\nsize = 3\nmodel = \"lif\"\n[record]\n"
                                                      "spikes = [{ population = \"exc\", ids = { file = \"") +
                                              file + "\" } }]\n");
        try {
            fluxon::io::load_config((dir.path / "ids.toml").string());
            FAIL("bad ids in " << file << " must be an error");
        } catch (const config_error& e) {
            CHECK(e.site().line == 5);
            CHECK(e.site().key.starts_with("record.spikes[0].ids"));
        }
    }
}

TEST_CASE("config: a config file that cannot be read is an io_error naming it") {
    try {
        fluxon::io::load_config("/nonexistent/fluxon.toml");
        FAIL("expected io_error");
    } catch (const fluxon::io_error& e) {
        CHECK(e.site().file == "/nonexistent/fluxon.toml");
    }
}

TEST_CASE("config: the full example of docs/config.md parses") {
    std::ifstream in(std::string(FLUXON_SOURCE_DIR) + "/docs/config.md");
    REQUIRE(in);
    const std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string open = "## A full example\n\n```toml\n";
    const std::size_t begin = doc.find(open);
    REQUIRE(begin != std::string::npos);
    const std::size_t end = doc.find("```", begin + open.size());
    const std::string example = doc.substr(begin + open.size(), end - begin - open.size());
    const auto spec = parse_config_text(example, "config.md");
    CHECK(spec.network.populations.size() == 4);
    CHECK(spec.network.projections.size() == 4);
    CHECK(spec.network.currents.size() == 2);
    CHECK(spec.spikes.size() == 2);
    CHECK(spec.probes.size() == 1);
}

namespace {

// The one device a config describes, with the settings its family read.
template <class Settings>
const Settings& only_device(const fluxon::net::experiment_spec& spec, const std::string& family,
                            const std::string& instance) {
    REQUIRE(spec.devices.size() == 1);
    const fluxon::device_request& d = spec.devices.front();
    CHECK(d.family == family);
    CHECK(d.instance == instance);
    REQUIRE(d.settings);
    const auto* settings = dynamic_cast<const Settings*>(d.settings.get());
    REQUIRE(settings != nullptr);
    return *settings;
}

}  // namespace

TEST_CASE("config: the hardware section") {
    using fluxon::chip_settings;
    const auto spec = parse_config_text("[hardware]\npreset = \"loihi\"\nfidelity = \"timed\"\ntopology = \"tree\"\n"
                                        "weight_bits = 6\nstep_period = \"0.1 ms\"\nmapper = \"sequential\"\n"
                                        "chunk_neurons = 64\n",
                                        "hw.toml");
    const chip_settings& hw = only_device<chip_settings>(spec, "neuromorphic", "chip");
    CHECK(spec.devices.front().site.file == "hw.toml");
    CHECK(spec.devices.front().site.line == 1);
    CHECK(spec.devices.front().site.key == "hardware");
    CHECK(hw.preset.origin == "builtin:loihi");
    CHECK(hw.chip.name == "loihi");
    CHECK(hw.options.timed);
    // The preset is a mesh; the run asked for a tree of as many tiles.
    CHECK(hw.preset.params.noc.topology == fluxon::noc_topology_kind::mesh);
    CHECK(hw.chip.noc.topology == fluxon::noc_topology_kind::tree);
    CHECK(hw.chip.tree_tiles == hw.preset.params.noc.mesh_width * hw.preset.params.noc.mesh_height);
    CHECK(hw.chip.weight_bits == 6);
    CHECK(hw.options.step_period == fluxon::test::approx(0.1e-3));
    CHECK(hw.step_period_site.line == 6);
    CHECK(hw.step_period_site.key == "hardware.step_period");
    CHECK(hw.mapper == fluxon::mapper_strategy::sequential);
    CHECK(hw.chunk_neurons == 64);
    // The preset's site (line 2) is where an unknown preset is reported.
    expect_error("[hardware]\npreset = \"loihi9\"\n", 2, "hardware.preset");
    const auto asap = parse_config_text("[hardware]\npreset = \"loihi\"\nstep_period = \"asap\"\n", "hw.toml");
    CHECK(only_device<chip_settings>(asap, "neuromorphic", "chip").options.step_period == 0);
    const auto defaults = parse_config_text("[hardware]\npreset = \"loihi\"\n", "hw.toml");
    const chip_settings& plain = only_device<chip_settings>(defaults, "neuromorphic", "chip");
    CHECK_FALSE(plain.options.timed);
    CHECK(plain.options.step_period == 0);
    CHECK(plain.mapper == fluxon::mapper_strategy::metis);
    CHECK(plain.chunk_neurons == 0);
    CHECK(plain.chip.noc.topology == plain.preset.params.noc.topology);
    CHECK(parse_config_text("[run]\nseed = 2\n", "hw.toml").devices.empty());
}

TEST_CASE("config: synaptic rows in DRAM") {
    using fluxon::chip_settings;
    const auto spec = parse_config_text("[hardware]\npreset = \"loihi\"\nsynapse_dram = \"ddr4_3200\"\n"
                                        "bytes_per_synapse = 2\n",
                                        "hw.toml");
    const chip_settings& hw = only_device<chip_settings>(spec, "neuromorphic", "chip");
    REQUIRE(hw.synapse_dram);
    CHECK(hw.synapse_dram->origin == "builtin:ddr4_3200");
    CHECK(hw.bytes_per_synapse == 2);
    // The DRAM's site (line 3) is where an unknown DRAM preset is reported.
    expect_error("[hardware]\npreset = \"loihi\"\nsynapse_dram = \"ddr9\"\n", 3, "hardware.synapse_dram");
    const auto plain = parse_config_text("[hardware]\npreset = \"loihi\"\n", "hw.toml");
    CHECK_FALSE(only_device<chip_settings>(plain, "neuromorphic", "chip").synapse_dram);
    CHECK(only_device<chip_settings>(plain, "neuromorphic", "chip").bytes_per_synapse == 4);

    // A DRAM preset file is relative to the config file, like the chip's (the family reads it
    // with the section, so it has to exist).
    temp_dir dir;
    std::filesystem::create_directories(dir.path / "parts");
    write_text(dir.path / "parts" / "mem.toml", fluxon::load_dram_preset("ddr4_3200", {}).text);
    write_text(dir.path / "exp.toml", "[hardware]\npreset = \"loihi\"\nsynapse_dram = \"parts/mem.toml\"\n");
    const auto from_file = fluxon::io::load_config((dir.path / "exp.toml").string());
    const chip_settings& read = only_device<chip_settings>(from_file, "neuromorphic", "chip");
    REQUIRE(read.synapse_dram);
    CHECK(read.synapse_dram->origin == (dir.path / "parts" / "mem.toml").lexically_normal().string());
}

TEST_CASE("config errors: synaptic rows in DRAM") {
    const std::string hw = "[hardware]\npreset = \"loihi\"\n";
    expect_error(hw + "synapse_dram = 3\n", 3, "hardware.synapse_dram");
    expect_error(hw + "synapse_dram = \"\"\n", 3, "hardware.synapse_dram");
    CHECK(mentions(expect_error(hw + "bytes_per_synapse = 0\n", 3, "hardware.bytes_per_synapse"), "from 1"));
    expect_error(hw + "bytes_per_synapse = \"4 B\"\n", 3, "hardware.bytes_per_synapse");
    expect_error(hw + "bytes_per_synapse = 2000000\n", 3, "hardware.bytes_per_synapse");
}

TEST_CASE("config errors: the hardware section") {
    const std::string hw = "[hardware]\npreset = \"loihi\"\n";
    expect_error("[hardware]\nfidelity = \"timed\"\n", 1, "hardware.preset");
    CHECK(mentions(expect_error(hw + "fidelity = \"exact\"\n", 3, "hardware.fidelity"), "\"annotated\" or \"timed\""));
    expect_error(hw + "topology = \"ring\"\n", 3, "hardware.topology");
    CHECK(mentions(expect_error(hw + "weight_bits = 1\n", 3, "hardware.weight_bits"), "0 (exact) or from 2 to 24"));
    expect_error(hw + "weight_bits = 25\n", 3, "hardware.weight_bits");
    expect_error(hw + "mapper = \"greedy\"\n", 3, "hardware.mapper");
    expect_error(hw + "chunk_neurons = 0\n", 3, "hardware.chunk_neurons");
    // Unknown keys list the family's keys.
    CHECK(mentions(expect_error(hw + "cores = 4\n", 3, "hardware.cores"),
                   "allowed keys: preset, fidelity, topology, weight_bits, step_period, mapper, chunk_neurons, "
                   "synapse_dram, bytes_per_synapse"));
}

TEST_CASE("config: the crossbar section") {
    using fluxon::crossbar_settings;
    const auto spec = parse_config_text("[crossbar]\npreset = \"reram_neurosim\"\nprojections = [\"ee\", \"ie\"]\n"
                                        "weight_bits = 4\nread_sigma = 0.05\nreplicas = 2\n",
                                        "xb.toml");
    const crossbar_settings& xb = only_device<crossbar_settings>(spec, "crossbar", "crossbar");
    CHECK(spec.devices.front().site.line == 1);
    CHECK(xb.spec.preset == "reram_neurosim");
    CHECK(xb.spec.preset_site.line == 2);
    CHECK(xb.preset.origin == "builtin:reram_neurosim");
    CHECK(xb.spec.projections == std::vector<std::string>{"ee", "ie"});
    REQUIRE(xb.spec.projection_sites.size() == 2);
    CHECK(xb.spec.projection_sites[1].line == 3);
    CHECK(xb.spec.weight_bits == 4);
    CHECK(xb.params.periphery.weight_bits == 4);
    CHECK(xb.spec.read_sigma == fluxon::test::approx(0.05));
    CHECK(xb.params.variation.read_sigma == fluxon::test::approx(0.05));
    CHECK(xb.spec.replicas == 2);
    CHECK(xb.drift_age == 0);
}

TEST_CASE("config errors: the crossbar section") {
    const std::string xb = "[crossbar]\npreset = \"reram_neurosim\"\n";
    expect_error("[crossbar]\nweight_bits = 4\n", 1, "crossbar.preset");
    expect_error(xb + "weight_bits = 25\n", 3, "crossbar.weight_bits");
    expect_error(xb + "read_sigma = -1\n", 3, "crossbar.read_sigma");
    expect_error(xb + "replicas = 0\n", 3, "crossbar.replicas");
    CHECK(mentions(expect_error(xb + "cells = 4\n", 3, "crossbar.cells"),
                   "allowed keys: preset, projections, layers, random_weights, weight_bits, adc_bits, d2d_sigma, "
                   "programming_sigma, read_sigma, drift_age, replicas"));
}
