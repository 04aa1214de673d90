#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "engine/base/errors.hpp"
#include "io/hdf5.hpp"
#include "io/run_reader.hpp"
#include "io/run_writer.hpp"

namespace fs = std::filesystem;
using namespace fluxon;
using namespace fluxon::io;

TEST_SUITE_BEGIN("io");

namespace {

// A fresh directory per test, removed afterwards.
struct scratch_dir {
    fs::path path;
    scratch_dir() {
        static std::atomic<int> counter{0};
        path = fs::temp_directory_path() /
               ("fluxon_io_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~scratch_dir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    std::string file(const std::string& name) const { return (path / name).string(); }
};

run_layout two_population_layout() {
    run_layout layout;
    layout.meta = {.fluxon_version = "0.1.0-test",
                   .seed = 42,
                   .ticks_per_second = 1'000'000'000'000,
                   .dt = 1e-4,
                   .duration = 1.0,
                   .threads = 2,
                   .config_text = "[run]\nduration = \"1 s\"\n",
                   .config_source = "examples/test.toml",
                   .config_format = "toml"};
    layout.populations = {
        {.name = "exc", .model = "lif", .kind = "neuron", .size = 4, .params_json = R"({"tau_m":0.02})"},
        {.name = "inp", .model = "poisson", .kind = "source", .size = 3, .params_json = R"({"rate":10.0})"},
    };
    layout.projections = {{.name = "ie",
                           .pre = "inp",
                           .post = "exc",
                           .receptor = "exc",
                           .connector = "all_to_all",
                           .n_synapses = 12}};
    layout.spikes = {
        {.population = "exc", .n_neurons = 4, .all = true, .recorded_ids = {}},
        {.population = "inp", .n_neurons = 3, .all = false, .recorded_ids = {0, 2}},
    };
    layout.probes = {
        {.population = "exc", .variable = "v", .units = "V", .ids = {0, 1, 3}, .interval = 1e-3},
    };
    return layout;
}

const std::vector<double> exc_times = {0.001, 0.001, 0.002, 0.005, 0.007};
const std::vector<std::uint32_t> exc_ids = {0, 3, 1, 2, 2};
const std::vector<double> probe_times = {0.0, 0.001, 0.002, 0.003};
const std::vector<double> probe_values = {-0.070, -0.065, -0.060,  // t = 0
                                          -0.069, -0.064, -0.059,  // t = 1 ms
                                          -0.068, -0.063, -0.058,  // t = 2 ms
                                          -0.067, -0.062, -0.057};

run_counters test_counters() {
    run_counters c;
    c.steps = 100;
    c.spikes = 6;
    c.synaptic_events = 1234;
    c.events = 2000;
    c.wall_time = 0.5;
    c.build_time = 0.125;
    c.spikes_per_population = {{"exc", 5}, {"inp", 1}};
    return c;
}

// Two spike appends per stream and two probe appends, as a simulator would at window ends.
void write_complete_run(const std::string& path) {
    run_writer writer(path, two_population_layout());
    const std::span<const double> t(exc_times);
    const std::span<const std::uint32_t> i(exc_ids);
    writer.append_spikes(0, t.first(3), i.first(3));
    writer.append_spikes(1, std::vector<double>{0.0015}, std::vector<std::uint32_t>{2});
    writer.progress(0.004);
    writer.append_spikes(0, t.subspan(3), i.subspan(3));
    const std::span<const double> v(probe_values);
    writer.append_probe(0, std::span<const double>(probe_times).first(2), v.first(6));
    writer.append_probe(0, std::span<const double>(probe_times).subspan(2), v.subspan(6));
    writer.progress(0.01);
    writer.finish(test_counters(), "complete");
}

template <class F>
error_site site_of(F f) {
    try {
        f();
    } catch (const io_error& e) {
        return e.site();
    }
    FAIL("expected an io_error");
    return {};
}

template <class F>
std::string message_of(F f) {
    try {
        f();
    } catch (const io_error& e) {
        return e.what();
    }
    FAIL("expected an io_error");
    return {};
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("io: run_writer writes the documented layout") {
    scratch_dir dir;
    const std::string path = dir.file("run.h5");
    write_complete_run(path);

    const h5::file file = h5::file::open_read_only(path);
    const h5::group root = file.root();
    CHECK(root.read_attr_string("format") == "fluxon-run");
    CHECK(root.read_attr<std::int64_t>("format_version") == 1);
    CHECK(root.read_attr_string("fluxon_version") == "0.1.0-test");
    CHECK(root.read_attr<std::uint64_t>("seed") == 42);
    CHECK(root.read_attr<std::int64_t>("ticks_per_second") == 1'000'000'000'000);
    CHECK(root.read_attr<double>("dt") == 1e-4);
    CHECK(root.read_attr<double>("duration") == 1.0);
    CHECK(root.read_attr<int>("threads") == 2);
    const std::string created = root.read_attr_string("created");
    CHECK(created.size() == 20);
    CHECK(created.back() == 'Z');
    CHECK(created[10] == 'T');

    CHECK(root.read_string("run/status") == "complete");
    CHECK(root.read_string("run/message") == "");
    CHECK(root.read_scalar<double>("run/time_reached") == 0.01);
    CHECK(root.read_string("config/text") == "[run]\nduration = \"1 s\"\n");
    CHECK(root.read_string("config/source") == "examples/test.toml");
    CHECK(root.read_string("config/format") == "toml");

    const h5::group exc = root.open_group("populations/exc");
    CHECK(exc.read_attr<std::uint32_t>("size") == 4);
    CHECK(exc.read_attr_string("model") == "lif");
    CHECK(exc.read_attr_string("kind") == "neuron");
    CHECK(exc.read_attr_string("params_json") == R"({"tau_m":0.02})");
    CHECK(root.open_group("populations/inp").read_attr_string("kind") == "source");
    CHECK(root.open_group("populations").children() == std::vector<std::string>{"exc", "inp"});

    const h5::group ie = root.open_group("projections/ie");
    CHECK(ie.read_attr_string("pre") == "inp");
    CHECK(ie.read_attr_string("post") == "exc");
    CHECK(ie.read_attr_string("receptor") == "exc");
    CHECK(ie.read_attr_string("connector") == "all_to_all");
    CHECK(ie.read_attr<std::uint64_t>("n_synapses") == 12);

    CHECK(root.read_vector<double>("spikes/exc/times") == exc_times);
    CHECK(root.read_vector<std::uint32_t>("spikes/exc/ids") == exc_ids);
    CHECK(root.open_dataset("spikes/exc/ids").type().size == 4);
    CHECK_FALSE(root.open_dataset("spikes/exc/ids").type().is_signed);
    CHECK(root.open_group("spikes/exc").read_attr<std::uint32_t>("n_neurons") == 4);
    CHECK(root.open_group("spikes/exc").read_attr_string("subset") == "all");
    CHECK_FALSE(root.has("spikes/exc/recorded_ids"));
    CHECK(root.open_group("spikes/inp").read_attr_string("subset") == "list");
    CHECK(root.read_vector<std::uint32_t>("spikes/inp/recorded_ids") == std::vector<std::uint32_t>{0, 2});
    CHECK(root.read_vector<double>("spikes/inp/times") == std::vector<double>{0.0015});
    CHECK(root.read_vector<std::uint32_t>("spikes/inp/ids") == std::vector<std::uint32_t>{2});

    const h5::group probe = root.open_group("probes/exc/v");
    CHECK(probe.read_attr_string("units") == "V");
    CHECK(probe.read_attr<double>("interval") == 1e-3);
    CHECK(probe.read_vector<std::uint32_t>("ids") == std::vector<std::uint32_t>{0, 1, 3});
    CHECK(probe.read_vector<double>("times") == probe_times);
    CHECK(probe.open_dataset("values").dims() == std::vector<hsize_t>{4, 3});
    CHECK(probe.read_vector<double>("values") == probe_values);

    const h5::group counters = root.open_group("counters");
    CHECK(counters.read_scalar<std::int64_t>("steps") == 100);
    CHECK(counters.read_scalar<std::int64_t>("spikes") == 6);
    CHECK(counters.read_scalar<std::int64_t>("synaptic_events") == 1234);
    CHECK(counters.read_scalar<std::int64_t>("events") == 2000);
    CHECK(counters.read_scalar<double>("wall_time") == 0.5);
    CHECK(counters.read_scalar<double>("build_time") == 0.125);
    CHECK(counters.read_scalar<std::int64_t>("spikes_per_population/exc") == 5);
    CHECK(counters.read_scalar<std::int64_t>("spikes_per_population/inp") == 1);

    const h5::group ledger = root.open_group("ledger");
    CHECK(ledger.read_attr_string("status") == "empty");
    for (const char* column : {"component", "action", "count", "energy", "latency", "source"}) {
        CAPTURE(column);
        CHECK(ledger.open_dataset(column).dims() == std::vector<hsize_t>{0});
    }
    CHECK(ledger.open_dataset("count").type().type_class == H5T_INTEGER);
    CHECK(ledger.open_dataset("energy").type().type_class == H5T_FLOAT);
    CHECK(ledger.open_dataset("source").type().type_class == H5T_STRING);
}

TEST_CASE("io: read_run_summary and summarize_run report the run") {
    scratch_dir dir;
    const std::string path = dir.file("run.h5");
    write_complete_run(path);

    const run_summary s = read_run_summary(path);
    CHECK(s.status == "complete");
    CHECK(s.seed == 42);
    CHECK(s.dt == 1e-4);
    CHECK(s.duration == 1.0);
    CHECK(s.time_reached == 0.01);
    CHECK(s.threads == 2);
    CHECK(s.config_source == "examples/test.toml");
    CHECK(s.config_format == "toml");
    REQUIRE(s.populations.size() == 2);
    CHECK(s.populations[0].name == "exc");
    CHECK(s.populations[0].size == 4);
    CHECK(s.populations[1].model == "poisson");
    REQUIRE(s.projections.size() == 1);
    CHECK(s.projections[0].n_synapses == 12);
    REQUIRE(s.spikes.size() == 2);
    // exc: 5 spikes / 4 neurons / 0.01 s; inp: 1 spike / 2 recorded neurons / 0.01 s.
    CHECK(s.spikes[0].n_spikes == 5);
    CHECK(s.spikes[0].recorded_neurons == 4);
    CHECK(s.spikes[0].mean_rate_hz == doctest::Approx(125.0));
    CHECK(s.spikes[1].n_spikes == 1);
    CHECK(s.spikes[1].recorded_neurons == 2);
    CHECK(s.spikes[1].mean_rate_hz == doctest::Approx(50.0));
    REQUIRE(s.probes.size() == 1);
    CHECK(s.probes[0].population == "exc");
    CHECK(s.probes[0].variable == "v");
    CHECK(s.probes[0].n_samples == 4);
    CHECK(s.probes[0].n_neurons == 3);
    REQUIRE(s.counters.has_value());
    CHECK(s.counters->synaptic_events == 1234);
    CHECK(s.counters->wall_time == 0.5);
    CHECK(s.counters->synaptic_events_per_second == doctest::Approx(2468.0));
    CHECK(s.counters->events_per_second == doctest::Approx(4000.0));
    REQUIRE(s.ledger.has_value());
    CHECK(s.ledger->status == "empty");
    CHECK(s.ledger->rows == 0);

    const std::string text = summarize_run(path);
    CAPTURE(text);
    CHECK(contains(text, "status:         complete"));
    CHECK(contains(text, "seed:           42"));
    CHECK(contains(text, "examples/test.toml"));
    CHECK(contains(text, "mean rate 125 Hz"));
    CHECK(contains(text, "mean rate 50 Hz"));
    CHECK(contains(text, "4 samples x 3 neurons"));
    CHECK(contains(text, "1234 (2468 events/s)"));
    CHECK(contains(text, "ledger:         present, empty"));
}

TEST_CASE("io: bad run paths throw io_error naming the file") {
    scratch_dir dir;
    const std::string in_missing_dir = dir.file("no_such_dir/run.h5");
    CHECK(site_of([&] { run_writer w(in_missing_dir, two_population_layout()); }).file == in_missing_dir);
    CHECK(contains(message_of([&] { run_writer w(in_missing_dir, two_population_layout()); }), "does not exist"));
    CHECK(site_of([&] { read_run_summary(in_missing_dir); }).file == in_missing_dir);

    const std::string text_file = dir.file("notes.h5");
    std::ofstream(text_file) << "not an HDF5 file\n";
    CHECK(site_of([&] { read_run_summary(text_file); }).file == text_file);
    CHECK(contains(message_of([&] { read_run_summary(text_file); }), "not an HDF5 file"));

    const std::string no_format = dir.file("plain.h5");
    {
        h5::file f = h5::file::create(no_format);
        f.root().create_group("data");
        f.close();
    }
    CHECK(site_of([&] { summarize_run(no_format); }).file == no_format);
    CHECK(contains(message_of([&] { summarize_run(no_format); }), "format=\"fluxon-run\""));

    const std::string other_format = dir.file("other.h5");
    {
        h5::file f = h5::file::create(other_format);
        f.root().write_attr("format", "something-else");
        f.close();
    }
    const std::string message = message_of([&] { summarize_run(other_format); });
    CHECK(contains(message, "something-else"));
    CHECK(contains(message, "fluxon-run"));

    CHECK(site_of([&] { read_run_summary(dir.path.string()); }).file == dir.path.string());

    run_layout duplicate = two_population_layout();
    duplicate.populations.push_back(duplicate.populations[0]);
    const std::string dup_path = dir.file("dup.h5");
    CHECK(site_of([&] { run_writer w(dup_path, duplicate); }).node == "exc");
    CHECK_FALSE(fs::exists(dup_path));
    run_layout nested = two_population_layout();
    nested.projections[0].name = "a/b";
    CHECK(site_of([&] { run_writer w(dup_path, nested); }).file == dup_path);
}

TEST_CASE("io: run_writer misuse is an internal error") {
    scratch_dir dir;
    run_writer writer(dir.file("run.h5"), two_population_layout());
    CHECK(writer.path() == dir.file("run.h5"));
    CHECK_THROWS_AS(writer.append_spikes(2, {}, {}), internal_error);
    CHECK_THROWS_AS(writer.append_spikes(0, std::vector<double>{1.0}, {}), internal_error);
    CHECK_THROWS_AS(writer.append_probe(0, std::vector<double>{0.0}, std::vector<double>{1.0, 2.0}), internal_error);
    CHECK_THROWS_AS(writer.finish({}, "done"), internal_error);
    writer.finish({}, "interrupted", "stopped by SIGINT");
    CHECK_THROWS_AS(writer.flush(), internal_error);
    CHECK_THROWS_AS(writer.append_spikes(0, {}, {}), internal_error);
    const run_summary s = read_run_summary(dir.file("run.h5"));
    CHECK(s.status == "interrupted");
    CHECK(s.message == "stopped by SIGINT");
}

TEST_CASE("io: a writer destroyed without finish() marks the run failed and keeps its data") {
    scratch_dir dir;
    const std::string path = dir.file("run.h5");
    {
        run_writer writer(path, two_population_layout(), 3600);
        writer.append_spikes(0, exc_times, exc_ids);
        writer.progress(0.008);
    }
    const run_summary s = read_run_summary(path);
    CHECK(s.status == "failed");
    CHECK_FALSE(s.message.empty());
    CHECK(s.time_reached == 0.008);
    CHECK(s.spikes[0].n_spikes == 5);
    CHECK_FALSE(s.counters.has_value());
    CHECK(contains(format_run_summary(s), "not written"));
}

namespace {

std::vector<double> ramp(std::size_t begin, std::size_t n) {
    std::vector<double> out(n);
    for (std::size_t k = 0; k < n; ++k) out[k] = static_cast<double>(begin + k) * 1e-4;
    return out;
}

std::vector<std::uint32_t> ids_for(std::size_t begin, std::size_t n) {
    std::vector<std::uint32_t> out(n);
    for (std::size_t k = 0; k < n; ++k) out[k] = static_cast<std::uint32_t>((begin + k) % 4);
    return out;
}

// SIGKILL while the writer is still alive, so no destructor gets a chance to tidy up, as with
// an OOM killer or a cluster scheduler.
[[noreturn]] void kill_self() {
    std::raise(SIGKILL);
    ::_exit(4);
}

// Runs `body`, which must end with kill_self(), in a child process; returns once it is dead.
template <class Body>
void run_and_kill(Body body) {
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        try {
            body();
        } catch (...) {
            ::_exit(3);
        }
        ::_exit(5);
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFSIGNALED(status));
    REQUIRE(WTERMSIG(status) == SIGKILL);
}

}  // namespace

TEST_CASE("io: a run killed with SIGKILL leaves a readable file with everything flushed") {
    scratch_dir dir;
    const std::string path = dir.file("killed.h5");
    constexpr std::size_t flushed = 200'000;  // several 64k chunks, the last one partial
    run_and_kill([&] {
        run_writer writer(path, two_population_layout(), 3600);
        for (std::size_t begin = 0; begin < flushed; begin += 10'000)
            writer.append_spikes(0, ramp(begin, 10'000), ids_for(begin, 10'000));
        writer.append_probe(0, std::span<const double>(probe_times).first(2),
                            std::span<const double>(probe_values).first(6));
        writer.progress(0.25);
        writer.flush();
        // Unflushed work that grows the same datasets, including their partial last chunks.
        for (std::size_t begin = flushed; begin < 3 * flushed; begin += 10'000)
            writer.append_spikes(0, ramp(begin, 10'000), ids_for(begin, 10'000));
        writer.append_probe(0, std::span<const double>(probe_times).subspan(2),
                            std::span<const double>(probe_values).subspan(6));
        writer.progress(0.5);
        kill_self();
    });

    const run_summary s = read_run_summary(path);
    CHECK(s.status == "running");
    CHECK(s.time_reached == 0.25);
    CHECK(s.spikes[0].n_spikes == flushed);
    CHECK_FALSE(s.counters.has_value());
    const h5::file file = h5::file::open_read_only(path);
    const h5::group root = file.root();
    CHECK(root.read_vector<double>("spikes/exc/times") == ramp(0, flushed));
    CHECK(root.read_vector<std::uint32_t>("spikes/exc/ids") == ids_for(0, flushed));
    CHECK(root.read_vector<double>("probes/exc/v/values") ==
          std::vector<double>(probe_values.begin(), probe_values.begin() + 6));
}

TEST_CASE("io: progress() flushes once flush_interval has passed") {
    scratch_dir dir;
    const std::string path = dir.file("progress.h5");
    run_and_kill([&] {
        run_writer writer(path, two_population_layout(), 0.0);
        writer.append_spikes(0, exc_times, exc_ids);
        writer.progress(0.125);
        kill_self();
    });
    const run_summary s = read_run_summary(path);
    CHECK(s.status == "running");
    CHECK(s.time_reached == 0.125);
    CHECK(s.spikes[0].n_spikes == exc_times.size());
}

namespace {

bool python_has_h5py() {
    return fs::exists("/usr/bin/python3") &&
           std::system("/usr/bin/python3 -c 'import h5py, numpy' >/dev/null 2>&1") == 0;
}

int run_python(const scratch_dir& dir, const std::string& script, const std::string& h5_path) {
    const std::string script_path = dir.file("check.py");
    std::ofstream(script_path) << script;
    const std::string command = "/usr/bin/python3 '" + script_path + "' '" + h5_path + "'";
    const int status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST_CASE("io: plain h5py reads a run file") {
    if (!python_has_h5py()) {
        MESSAGE("skipped: /usr/bin/python3 with h5py and numpy is not available");
        return;
    }
    scratch_dir dir;
    const std::string path = dir.file("run.h5");
    write_complete_run(path);
    const std::string script = R"(
import sys
import h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
assert f.attrs["format"] == "fluxon-run", f.attrs["format"]
assert int(f.attrs["format_version"]) == 1
assert int(f.attrs["seed"]) == 42 and f.attrs["seed"].dtype == np.uint64
assert f["run/status"].asstr()[()] == "complete"
assert f["run/message"].asstr()[()] == ""
assert f["run/time_reached"][()] == 0.01
assert f["config/text"].asstr()[()] == '[run]\nduration = "1 s"\n'
t = f["spikes/exc/times"]; i = f["spikes/exc/ids"]
assert t.dtype == np.float64 and i.dtype == np.uint32, (t.dtype, i.dtype)
assert t.compression == "gzip" and t.compression_opts == 4 and t.shuffle
assert t.maxshape == (None,)
assert list(t[:]) == [0.001, 0.001, 0.002, 0.005, 0.007], t[:]
assert list(i[:]) == [0, 3, 1, 2, 2], i[:]
assert f["spikes/exc"].attrs["n_neurons"] == 4 and f["spikes/exc"].attrs["subset"] == "all"
assert list(f["spikes/inp/recorded_ids"][:]) == [0, 2]
v = f["probes/exc/v/values"][:]
assert v.shape == (4, 3) and v.dtype == np.float64, v.shape
assert v[1, 2] == -0.059 and v[3, 0] == -0.067
assert list(f["probes/exc/v/ids"][:]) == [0, 1, 3]
assert f["probes/exc/v"].attrs["units"] == "V" and f["probes/exc/v"].attrs["interval"] == 1e-3
assert f["populations/exc"].attrs["model"] == "lif" and f["populations/exc"].attrs["size"] == 4
assert f["projections/ie"].attrs["n_synapses"] == 12
assert int(f["counters/synaptic_events"][()]) == 1234
assert int(f["counters/spikes_per_population/exc"][()]) == 5
assert f["ledger"].attrs["status"] == "empty"
assert f["ledger/component"].shape == (0,) and f["ledger/energy"].dtype == np.float64
)";
    CHECK(run_python(dir, script, path) == 0);

    const std::string killed = dir.file("killed.h5");
    run_and_kill([&] {
        run_writer writer(killed, two_population_layout(), 3600);
        writer.append_spikes(0, exc_times, exc_ids);
        writer.flush();
        writer.append_spikes(0, exc_times, exc_ids);
        kill_self();
    });
    const std::string killed_script = R"(
import sys
import h5py
f = h5py.File(sys.argv[1], "r")
assert f["run/status"].asstr()[()] == "running"
assert list(f["spikes/exc/ids"][:]) == [0, 3, 1, 2, 2]
)";
    CHECK(run_python(dir, killed_script, killed) == 0);
}

TEST_SUITE_END();

TEST_CASE("io: a run mapped onto a chip keeps its mapping, ledger and hardware totals") {
    scratch_dir dir;
    const std::string path = dir.file("chip.h5");
    run_layout layout = two_population_layout();
    mapping_record m;
    m.preset = "unitchip";
    m.preset_origin = "builtin:unitchip";
    m.preset_text = "name = \"unitchip\"\n";
    m.fidelity = "annotated";
    m.topology = "mesh";
    m.mapper = "sequential";
    m.weight_bits = 8;
    m.neurons_per_core = 4;
    m.synapses_per_core = 10;
    m.placement.population = {"exc", "inp"};
    m.placement.first = {0, 0};
    m.placement.size = {4, 2};
    m.placement.core = {0, 1};
    m.placement.core_tile = {"tile(0,0)", "tile(1,0)"};
    m.placement.core_neurons = {4, 2};
    m.placement.core_synapses = {10, 0};
    m.placement.core_fan_in = {2, 0};
    m.placement.core_messages_in = {2, 0};
    m.link_name = {"tile(0,0)->tile(1,0)", "tile(1,0)->tile(0,0)"};
    m.link_messages_per_round = {0, 2};
    layout.mapping = m;
    run_writer writer(path, layout);
    ledger_columns rows;
    rows.component = {"chip/core[0]/synapse", "chip/core[1]/soma", "chip/core[0]"};
    rows.action = {"spike_op", "update_inactive", "static"};
    rows.source = {"test", "test", "test"};
    rows.count = {30, 100, 1};
    rows.energy = {30e-12, 400e-12, 70e-12};
    rows.latency = {30e-9, 100e-9, 1e-6};
    writer.write_ledger(rows, 70e-12, 430e-12);
    chip_record l;
    l.steps = 100;
    l.hardware_time = 1e-6;
    l.max_step_time = 12e-9;
    l.synaptic_events = 30;
    l.messages = 6;
    l.hops = 3;
    l.link_name = m.link_name;
    l.link_messages = {0, 3};
    writer.write_chip(l);
    writer.finish(test_counters(), "complete");

    const run_summary s = read_run_summary(path);
    REQUIRE(s.hardware);
    CHECK(s.hardware->cores == 2);
    CHECK(s.hardware->tiles == 2);
    CHECK(s.hardware->neurons.mean == doctest::Approx(0.75));  // (4 + 2) / 2 of 4
    CHECK(s.hardware->neurons.max == 1.0);
    CHECK(s.hardware->synapses.max == 1.0);
    CHECK(s.hardware->fan_in.limit == 0);
    CHECK(s.hardware->busiest_link == "tile(1,0)->tile(0,0)");
    REQUIRE(s.ledger);
    CHECK(s.ledger->rows == 3);
    CHECK(s.ledger->total_energy == doctest::Approx(500e-12));
    CHECK(s.ledger->static_energy == doctest::Approx(70e-12));
    REQUIRE(s.ledger->shares.size() == 3);
    CHECK(s.ledger->shares.front().type == "soma");  // the largest share first
    const std::string text = format_run_summary(s);
    CHECK(text.find("unitchip (builtin:unitchip), mesh topology, annotated fidelity, 2 cores on 2 tiles") !=
          std::string::npos);
    CHECK(text.find("neurons 75 % mean, 100 % max of 4") != std::string::npos);
    CHECK(text.find("energy          500 pJ = 430 pJ dynamic + 70 pJ static") != std::string::npos);
    CHECK(text.find("per syn. event  16.67 pJ total, 14.33 pJ dynamic (30 synaptic events)") != std::string::npos);
    CHECK(text.find("soma/update_inactive") != std::string::npos);
}
