#include <doctest/doctest.h>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/unit/common/relative.hpp"
#include "engine/base/synaptic_energy.hpp"
#include "engine/base/errors.hpp"
#include "tests/unit/common/temp_file.hpp"
#include "io/hdf5.hpp"
#include "io/run_reader.hpp"
#include "io/run_writer.hpp"

namespace fs = std::filesystem;
using namespace fluxon;
using namespace fluxon::io;

TEST_SUITE_BEGIN("io");

namespace {

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
    test::scratch_dir dir("io_test");
    const std::string path = dir.file("run.h5");
    write_complete_run(path);

    const h5::file file = h5::file::open_read_only(path);
    const h5::group root = file.root();
    CHECK(root.read_attr_string("format") == "fluxon-run");
    CHECK(root.read_attr<std::int64_t>("format_version") == 2);
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
    test::scratch_dir dir("io_test");
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
    CHECK(s.spikes[0].mean_rate_hz == fluxon::test::approx(125.0));
    CHECK(s.spikes[1].n_spikes == 1);
    CHECK(s.spikes[1].recorded_neurons == 2);
    CHECK(s.spikes[1].mean_rate_hz == fluxon::test::approx(50.0));
    REQUIRE(s.probes.size() == 1);
    CHECK(s.probes[0].population == "exc");
    CHECK(s.probes[0].variable == "v");
    CHECK(s.probes[0].n_samples == 4);
    CHECK(s.probes[0].n_neurons == 3);
    REQUIRE(s.counters.has_value());
    CHECK(s.counters->synaptic_events == 1234);
    CHECK(s.counters->wall_time == 0.5);
    CHECK(s.counters->synaptic_events_per_second == fluxon::test::approx(2468.0));
    CHECK(s.counters->events_per_second == fluxon::test::approx(4000.0));
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
    test::scratch_dir dir("io_test");
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
    test::scratch_dir dir("io_test");
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
    test::scratch_dir dir("io_test");
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
    test::scratch_dir dir("io_test");
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

TEST_CASE("io: a write error stops the writer with a named error and marks the file failed as last flushed") {
    test::scratch_dir dir("io_test");
    const std::string path = dir.file("limited.h5");
    constexpr std::size_t flushed = 100'000;
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        // A file may grow to 2 MiB only: writes past it fail with EFBIG, as on a full disk.
        std::signal(SIGXFSZ, SIG_IGN);
        const rlimit limit{2 << 20, 2 << 20};
        if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) ::_exit(6);
        try {
            run_writer writer(path, two_population_layout(), 3600);
            writer.append_spikes(0, ramp(0, flushed), ids_for(0, flushed));
            writer.progress(0.5);
            writer.flush();
            // Incompressible values, so the file outgrows the limit.
            for (std::size_t round = 0; round < 100; ++round) {
                std::vector<double> noise(30'000);
                for (std::size_t k = 0; k < noise.size(); ++k)
                    noise[k] = static_cast<double>((k * 2654435761u + round * 97u) % 1000003u) / 7.0;
                writer.append_probe(0, std::vector<double>(10'000, 0.75), noise);
                writer.progress(1.0 + static_cast<double>(round));
                writer.flush();
            }
            ::_exit(7);  // the limit was never hit
        } catch (const io_error& e) {
            const std::string what = e.what();
            const bool named = e.site().file == path && what.find("File too large") != std::string::npos;
            ::_exit(named ? 0 : 8);
        } catch (...) {
            ::_exit(9);
        }
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);
    const run_summary s = read_run_summary(path);
    CHECK(s.status == "failed");
    CHECK(contains(s.message, "File too large"));
    CHECK(s.time_reached >= 0.5);
    CHECK(s.spikes[0].n_spikes == flushed);
    const h5::file file = h5::file::open_read_only(path);
    const h5::group root = file.root();
    CHECK(root.read_vector<double>("spikes/exc/times") == ramp(0, flushed));
    const std::vector<double> times = root.read_vector<double>("probes/exc/v/times");
    CHECK(root.read_vector<double>("probes/exc/v/values").size() == 3 * times.size());
    // Each flush after the first added 10000 samples and reached the next whole second.
    CHECK(times.size() == 10'000 * static_cast<std::size_t>(std::floor(s.time_reached)));
    std::vector<std::string> left;
    for (const auto& entry : fs::directory_iterator(dir.path)) left.push_back(entry.path().filename().string());
    CHECK(left == std::vector<std::string>{"limited.h5"});
}

TEST_CASE("io: progress() flushes once flush_interval has passed") {
    test::scratch_dir dir("io_test");
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

int run_python(const test::scratch_dir& dir, const std::string& script, const std::string& h5_path) {
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
    test::scratch_dir dir("io_test");
    const std::string path = dir.file("run.h5");
    write_complete_run(path);
    const std::string script = R"(
import sys
import h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
assert f.attrs["format"] == "fluxon-run", f.attrs["format"]
assert int(f.attrs["format_version"]) == 2
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

TEST_CASE("io: the run's ledger is summed and broken down whichever device filled it") {
    test::scratch_dir dir("io_test");
    const std::string path = dir.file("chip.h5");
    run_layout layout = two_population_layout();
    device_report chip;
    chip.family = "neuromorphic";
    chip.instance = "chip";
    layout.devices.push_back(chip);
    run_writer writer(path, layout);
    chip.ledger.component = {"chip/core[0]/synapse", "chip/core[1]/soma", "chip/core[0]"};
    chip.ledger.action = {"spike_op", "update_inactive", "static"};
    chip.ledger.source = {"test", "test", "test"};
    chip.ledger.count = {30, 100, 1};
    chip.ledger.energy = {30e-12, 400e-12, 70e-12};
    chip.ledger.latency = {30e-9, 100e-9, 1e-6};
    chip.static_energy = 70e-12;
    chip.dynamic_energy = 430e-12;
    chip.has_ledger = true;
    // 24 of the network's 30 synaptic events on the chip (the others elsewhere): 30 pJ of
    // synaptic operations over 24 events is 1.25 pJ, the chip's 500 pJ over them 20.83 pJ.
    add_synaptic_energy(chip.stats, 24, 30e-12);
    writer.finish_device(chip);
    run_counters counters = test_counters();
    counters.synaptic_events = 30;
    writer.finish(counters, "complete");

    const run_summary s = read_run_summary(path);
    REQUIRE(s.ledger);
    CHECK(s.ledger->rows == 3);
    CHECK(s.ledger->total_energy == fluxon::test::approx(500e-12));
    CHECK(s.ledger->static_energy == fluxon::test::approx(70e-12));
    REQUIRE(s.ledger->shares.size() == 3);
    CHECK(s.ledger->shares.front().type == "soma");  // the largest share first
    const std::string text = format_run_summary(s);
    CHECK(text.find("energy          500 pJ = 430 pJ dynamic + 70 pJ static") != std::string::npos);
    CHECK(text.find("per syn. event  16.67 pJ total, 14.33 pJ dynamic (30 synaptic events of the whole network)") !=
          std::string::npos);
    CHECK(text.find("    chip          1.25 pJ synaptic actions, all its energy 20.83 pJ (24 synaptic events)") !=
          std::string::npos);
    CHECK(*s.devices.front().stats.number("", "energy_per_synaptic_event") == test::relative(1.25e-12, 1e-12));
    CHECK(text.find("soma/update_inactive") != std::string::npos);
}

TEST_SUITE_BEGIN("io");

namespace {

// A chip as a family would describe it when the run starts: settings, preset and mapping.
device_report chip_at_start() {
    device_report r;
    r.family = "neuromorphic";
    r.instance = "chip";
    r.preset = "loihi";
    r.preset_origin = "builtin:loihi";
    r.preset_text = "name = \"loihi\"\n";
    r.stats.add("", "cores", std::int64_t{4});
    r.stats.add("", "step_period", 1e-6, "s");
    data_table placement{.name = "placement", .columns = {}};
    placement.add("population", std::vector<std::string>{"exc", "inp", "exc"})
        .add("core", std::vector<std::int64_t>{0, 1, 2})
        .add("load", std::vector<double>{0.5, 0.25, 1.0}, "1");
    data_table links{.name = "links", .columns = {}};
    links.add("name", std::vector<std::string>{"tile(0,0)->tile(1,0)", "tile(1,0)->tile(0,0)"})
        .add("length", std::vector<double>{1.5e-3, 2.5e-3}, "m")
        .add("messages_per_round", std::vector<std::int64_t>{7, -3});
    r.tables = {placement, links};
    return r;
}

// The same chip when the run ends: what it counted, one more table, and its ledger. Its
// placement table differs from the one written at the start, which must stay.
device_report chip_at_end() {
    device_report r;
    r.family = "neuromorphic";
    r.instance = "chip";
    r.stats.add("", "messages", std::int64_t{1234});
    r.stats.add("", "hardware_time", 1.5e-3, "s");
    r.stats.add("", "mode", std::string("timed"));
    r.stats.add("", "energy_per_message", 2.5e-12, "J");
    r.stats.add("noc", "hops", std::int64_t{99});
    r.stats.add("noc", "bandwidth", 2.5e9, "B/s");
    r.stats.add("core[0]", "utilisation", 0.75, "");
    r.stats.add("core[1]", "label", std::string("hot"));
    data_table placement{.name = "placement", .columns = {}};
    placement.add("population", std::vector<std::string>{"other"});
    data_table traffic{.name = "traffic", .columns = {}};
    traffic.add("link", std::vector<std::string>{"a", "b", "c", "d"})
        .add("messages", std::vector<std::int64_t>{10, 0, 3, 1})
        .add("busy", std::vector<double>{1e-9, 0.0, 3e-9, 4e-9}, "s");
    r.tables = {placement, traffic};
    r.has_ledger = true;
    r.ledger.component = {"chip/core[0]/synapse", "chip/core[0]"};
    r.ledger.action = {"spike_op", "static"};
    r.ledger.source = {"Davies 2018", "estimate"};
    r.ledger.count = {30, 1};
    r.ledger.energy = {30e-12, 70e-12};
    r.ledger.latency = {30e-9, 1e-6};
    r.static_energy = 70e-12;
    r.dynamic_energy = 30e-12;
    return r;
}

// A device the layout did not list, reported only when the run ends.
device_report dram_at_end() {
    device_report r;
    r.family = "dram";
    r.instance = "dram0";
    r.preset = "ddr4";
    r.preset_origin = "/presets/ddr4.toml";
    r.stats.add("", "requests", std::int64_t{5});
    r.has_ledger = true;
    r.ledger.component = {"dram/bank[0]", "dram"};
    r.ledger.action = {"read", "refresh"};
    r.ledger.source = {"JEDEC", "JEDEC"};
    r.ledger.count = {5, 2};
    r.ledger.energy = {5e-12, 2e-12};
    r.ledger.latency = {5e-9, 2e-9};
    r.static_energy = 0;
    r.dynamic_energy = 7e-12;
    return r;
}

run_layout device_layout() {
    run_layout layout = two_population_layout();
    layout.devices = {chip_at_start()};
    return layout;
}

void write_device_run(const std::string& path) {
    run_writer writer(path, device_layout());
    writer.append_spikes(0, exc_times, exc_ids);
    writer.finish_device(chip_at_end());
    writer.finish_device(dram_at_end());
    writer.progress(0.01);
    writer.finish(test_counters(), "complete");
}

// A handle on a closed run file for changing it the way another writer (or an older fluxon)
// would have written it.
struct writable_file {
    h5::file_handle id;
    h5::group root;
    explicit writable_file(const std::string& path)
        : id(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT)),
          root(path, "/", h5::group_handle(H5Gopen2(id.get(), "/", H5P_DEFAULT))) {
        REQUIRE(id);
    }
};

}  // namespace

TEST_CASE("io: a device report is written under /devices/<instance>") {
    test::scratch_dir dir("io_test");
    const std::string path = dir.file("devices.h5");
    write_device_run(path);

    const h5::file file = h5::file::open_read_only(path);
    const h5::group root = file.root();
    CHECK(root.read_attr<std::int64_t>("format_version") == 2);
    CHECK(root.open_group("devices").children() == std::vector<std::string>{"chip", "dram0"});

    const h5::group chip = root.open_group("devices/chip");
    CHECK(chip.read_attr_string("family") == "neuromorphic");
    CHECK(chip.read_attr_string("instance") == "chip");
    CHECK(chip.read_attr_string("preset") == "loihi");
    CHECK(chip.read_attr_string("preset_origin") == "builtin:loihi");
    CHECK(chip.read_attr_string("status") == "complete");
    CHECK(chip.read_string("preset_text") == "name = \"loihi\"\n");

    // The statistics reported at the end replace those of the start.
    const h5::group stats = chip.open_group("stats");
    CHECK(stats.open_dataset("path").read_strings() ==
          std::vector<std::string>{"", "", "", "", "noc", "noc", "core[0]", "core[1]"});
    CHECK(stats.open_dataset("name").read_strings() ==
          std::vector<std::string>{"messages", "hardware_time", "mode", "energy_per_message", "hops", "bandwidth",
                                   "utilisation", "label"});
    CHECK(stats.open_dataset("unit").read_strings() == std::vector<std::string>{"", "s", "", "J", "", "B/s", "", ""});
    CHECK(stats.open_dataset("kind").read_strings() ==
          std::vector<std::string>{"integer", "real", "text", "real", "integer", "real", "real", "text"});
    CHECK(stats.read_vector<std::int64_t>("integer") == std::vector<std::int64_t>{1234, 0, 0, 0, 99, 0, 0, 0});
    const std::vector<double> real = stats.read_vector<double>("real");
    REQUIRE(real.size() == 8);
    CHECK(std::isnan(real[0]));
    CHECK(real[1] == 1.5e-3);
    CHECK(std::isnan(real[2]));
    CHECK(real[3] == 2.5e-12);
    CHECK(std::isnan(real[4]));
    CHECK(real[5] == 2.5e9);
    CHECK(real[6] == 0.75);
    CHECK(std::isnan(real[7]));
    CHECK(stats.open_dataset("text").read_strings() == std::vector<std::string>{"", "", "timed", "", "", "", "", "hot"});
    CHECK(stats.open_dataset("integer").type().type_class == H5T_INTEGER);
    CHECK(stats.open_dataset("integer").type().size == 8);
    CHECK(stats.open_dataset("integer").type().is_signed);
    CHECK(stats.open_dataset("real").type().type_class == H5T_FLOAT);
    CHECK(stats.open_dataset("real").type().size == 8);
    // Device-level statistics are also attributes of the stats group; the others are not.
    CHECK(stats.read_attr<std::int64_t>("messages") == 1234);
    CHECK(stats.read_attr<double>("hardware_time") == 1.5e-3);
    CHECK(stats.read_attr_string("mode") == "timed");
    CHECK(stats.read_attr<double>("energy_per_message") == 2.5e-12);
    CHECK_FALSE(stats.has_attr("hops"));
    CHECK_FALSE(stats.has_attr("cores"));  // reported at the start only, so replaced

    // Tables of the start stay as written then; the end adds the new ones.
    const h5::group tables = chip.open_group("tables");
    CHECK(tables.children() == std::vector<std::string>{"placement", "links", "traffic"});
    CHECK(tables.open_group("placement").children() == std::vector<std::string>{"population", "core", "load"});
    CHECK(tables.open_dataset("placement/population").read_strings() ==
          std::vector<std::string>{"exc", "inp", "exc"});
    CHECK(tables.read_vector<std::int64_t>("placement/core") == std::vector<std::int64_t>{0, 1, 2});
    CHECK(tables.open_dataset("placement/core").type().size == 8);
    CHECK(tables.read_vector<double>("placement/load") == std::vector<double>{0.5, 0.25, 1.0});
    CHECK(tables.open_dataset("placement/load").read_attr_string("unit") == "1");
    CHECK_FALSE(tables.open_dataset("placement/core").has_attr("unit"));
    CHECK_FALSE(tables.open_dataset("placement/population").has_attr("unit"));
    CHECK(tables.open_dataset("links/name").read_strings() ==
          std::vector<std::string>{"tile(0,0)->tile(1,0)", "tile(1,0)->tile(0,0)"});
    CHECK(tables.read_vector<double>("links/length") == std::vector<double>{1.5e-3, 2.5e-3});
    CHECK(tables.open_dataset("links/length").read_attr_string("unit") == "m");
    CHECK(tables.read_vector<std::int64_t>("links/messages_per_round") == std::vector<std::int64_t>{7, -3});
    CHECK(tables.open_dataset("traffic/link").read_strings() == std::vector<std::string>{"a", "b", "c", "d"});
    CHECK(tables.read_vector<std::int64_t>("traffic/messages") == std::vector<std::int64_t>{10, 0, 3, 1});
    CHECK(tables.read_vector<double>("traffic/busy") == std::vector<double>{1e-9, 0.0, 3e-9, 4e-9});
    CHECK(tables.open_dataset("traffic/busy").read_attr_string("unit") == "s");

    const h5::group chip_ledger = chip.open_group("ledger");
    CHECK(chip_ledger.read_attr_string("status") == "complete");
    CHECK(chip_ledger.open_dataset("component").read_strings() ==
          std::vector<std::string>{"chip/core[0]/synapse", "chip/core[0]"});
    CHECK(chip_ledger.open_dataset("action").read_strings() == std::vector<std::string>{"spike_op", "static"});
    CHECK(chip_ledger.open_dataset("source").read_strings() == std::vector<std::string>{"Davies 2018", "estimate"});
    CHECK(chip_ledger.read_vector<std::int64_t>("count") == std::vector<std::int64_t>{30, 1});
    CHECK(chip_ledger.read_vector<double>("energy") == std::vector<double>{30e-12, 70e-12});
    CHECK(chip_ledger.read_vector<double>("latency") == std::vector<double>{30e-9, 1e-6});
    CHECK(chip_ledger.read_attr<double>("static_energy") == 70e-12);
    CHECK(chip_ledger.read_attr<double>("dynamic_energy") == 30e-12);
    CHECK(chip_ledger.read_attr<double>("total_energy") == 70e-12 + 30e-12);

    // A device the layout did not list gets its group when it finishes.
    const h5::group dram = root.open_group("devices/dram0");
    CHECK(dram.read_attr_string("family") == "dram");
    CHECK(dram.read_attr_string("preset") == "ddr4");
    CHECK(dram.read_attr_string("preset_origin") == "/presets/ddr4.toml");
    CHECK(dram.read_attr_string("status") == "complete");
    CHECK_FALSE(dram.has("preset_text"));
    CHECK(dram.open_group("stats").read_attr<std::int64_t>("requests") == 5);
    CHECK(dram.open_group("tables").children().empty());
    CHECK(dram.read_vector<double>("ledger/energy") == std::vector<double>{5e-12, 2e-12});

    // The run's ledger is the union, in device order, with the energies summed.
    const h5::group ledger = root.open_group("ledger");
    CHECK(ledger.read_attr_string("status") == "complete");
    CHECK(ledger.open_dataset("component").read_strings() ==
          std::vector<std::string>{"chip/core[0]/synapse", "chip/core[0]", "dram/bank[0]", "dram"});
    CHECK(ledger.open_dataset("action").read_strings() ==
          std::vector<std::string>{"spike_op", "static", "read", "refresh"});
    CHECK(ledger.open_dataset("source").read_strings() ==
          std::vector<std::string>{"Davies 2018", "estimate", "JEDEC", "JEDEC"});
    CHECK(ledger.read_vector<std::int64_t>("count") == std::vector<std::int64_t>{30, 1, 5, 2});
    CHECK(ledger.read_vector<double>("energy") == std::vector<double>{30e-12, 70e-12, 5e-12, 2e-12});
    CHECK(ledger.read_vector<double>("latency") == std::vector<double>{30e-9, 1e-6, 5e-9, 2e-9});
    CHECK(ledger.read_attr<double>("static_energy") == 70e-12 + 0.0);
    CHECK(ledger.read_attr<double>("dynamic_energy") == 30e-12 + 7e-12);
    CHECK(ledger.read_attr<double>("total_energy") == (70e-12 + 0.0) + (30e-12 + 7e-12));
}

TEST_CASE("io: read_run_summary and inspect report every device without knowing its family") {
    test::scratch_dir dir("io_test");
    const std::string path = dir.file("devices.h5");
    write_device_run(path);

    const run_summary s = read_run_summary(path);
    CHECK(s.format_version == 2);
    REQUIRE(s.devices.size() == 2);
    const device_summary& chip = s.devices[0];
    CHECK(chip.family == "neuromorphic");
    CHECK(chip.instance == "chip");
    CHECK(chip.preset == "loihi");
    CHECK(chip.preset_origin == "builtin:loihi");
    CHECK(chip.status == "complete");
    REQUIRE(chip.stats.entries().size() == 8);
    const stat_entry* messages = chip.stats.find("", "messages");
    REQUIRE(messages != nullptr);
    CHECK(std::get<std::int64_t>(messages->value) == 1234);
    CHECK(messages->unit == "");
    const stat_entry* time = chip.stats.find("", "hardware_time");
    REQUIRE(time != nullptr);
    CHECK(std::get<double>(time->value) == 1.5e-3);
    CHECK(time->unit == "s");
    CHECK(chip.stats.text("", "mode") == "timed");
    CHECK(chip.stats.text("core[1]", "label") == "hot");
    CHECK(chip.stats.number("noc", "hops") == 99.0);
    CHECK(chip.stats.find("noc", "bandwidth")->unit == "B/s");
    CHECK(chip.stats.number("core[0]", "utilisation") == 0.75);
    CHECK(chip.stats.find("", "cores") == nullptr);
    REQUIRE(chip.tables.size() == 3);
    CHECK(chip.tables[0].name == "placement");
    CHECK(chip.tables[0].rows == 3);
    CHECK(chip.tables[0].columns == std::vector<std::string>{"population", "core", "load"});
    CHECK(chip.tables[1].name == "links");
    CHECK(chip.tables[1].rows == 2);
    CHECK(chip.tables[2].name == "traffic");
    CHECK(chip.tables[2].rows == 4);
    CHECK(chip.tables[2].columns == std::vector<std::string>{"link", "messages", "busy"});
    REQUIRE(chip.ledger.has_value());
    CHECK(chip.ledger->rows == 2);
    CHECK(chip.ledger->static_energy == 70e-12);
    CHECK(chip.ledger->dynamic_energy == 30e-12);
    CHECK(chip.ledger->total_energy == 70e-12 + 30e-12);
    const device_summary& dram = s.devices[1];
    CHECK(dram.family == "dram");
    CHECK(dram.instance == "dram0");
    CHECK(dram.tables.empty());
    REQUIRE(dram.ledger.has_value());
    CHECK(dram.ledger->rows == 2);
    CHECK(dram.ledger->static_energy == 0.0);
    CHECK(dram.ledger->total_energy == 7e-12);
    REQUIRE(s.ledger.has_value());
    CHECK(s.ledger->rows == 4);
    CHECK(s.ledger->total_energy == fluxon::test::approx(107e-12));

    const std::string text = format_run_summary(s);
    CAPTURE(text);
    CHECK(contains(text, "device chip (neuromorphic, preset loihi from builtin:loihi): complete\n"
                         "  energy            100 pJ (static 70 pJ, dynamic 30 pJ)\n"
                         "  messages          1234\n"
                         "  hardware_time     1.5 ms\n"
                         "  mode              timed\n"
                         "  energy_per_message 2.5 pJ\n"
                         "  detail            4 statistics under noc, core[0], core[1]\n"
                         "  tables            placement (3 rows), links (2 rows), traffic (4 rows)\n"));
    CHECK(contains(text, "device dram0 (dram, preset ddr4 from /presets/ddr4.toml): complete\n"
                         "  energy            7 pJ (static 0 J, dynamic 7 pJ)\n"
                         "  requests          5\n"));
}

TEST_CASE("io: device statistics at path \"\" keep their types and units in inspect") {
    test::scratch_dir dir("io_test");
    const std::string path = dir.file("units.h5");
    run_layout layout = two_population_layout();
    device_report r;
    r.family = "test";
    r.instance = "probe";
    r.stats.add("", "bandwidth", 1.25e10, "B/s");
    r.stats.add("", "long_time", 1500.0, "s");
    r.stats.add("", "share", 12.5, "%");
    r.stats.add("", "ratio", 0.125, "");
    r.stats.add("", "bytes", std::int64_t{4096}, "B");
    r.stats.add("", "negative", std::int64_t{-7});
    r.stats.add("", "note", std::string(100'000, 'x'));  // longer than HDF5 keeps in an object header
    layout.devices = {r};
    {
        run_writer writer(path, layout);
        writer.finish({}, "complete");
    }
    const run_summary s = read_run_summary(path);
    REQUIRE(s.devices.size() == 1);
    CHECK(s.devices[0].status == "running");  // it never reported its end
    CHECK(s.devices[0].stats.text("", "note") == std::string(100'000, 'x'));
    CHECK(s.devices[0].stats.number("", "negative") == -7.0);
    const std::string text = format_run_summary(s);
    CAPTURE(text.substr(text.find("device probe")).substr(0, 600));
    CHECK(contains(text, "device probe (test): running\n"));
    CHECK(contains(text, "  bandwidth         12.5 GB/s\n"));
    CHECK(contains(text, "  long_time         1500 s\n"));
    CHECK(contains(text, "  share             12.5 %\n"));
    CHECK(contains(text, "  ratio             0.125\n"));
    CHECK(contains(text, "  bytes             4096 B\n"));
    CHECK(contains(text, "  negative          -7\n"));
    CHECK_FALSE(contains(text, "  energy            "));
    const h5::file file = h5::file::open_read_only(path);
    CHECK(file.root().open_group("devices/probe/stats").read_attr_string("note") == std::string(100'000, 'x'));
}

TEST_CASE("io: a finishing report without statistics keeps those of the start") {
    test::scratch_dir dir("io_test");
    const std::string path = dir.file("keep.h5");
    {
        run_writer writer(path, device_layout());
        device_report end = chip_at_end();
        end.stats = {};
        writer.finish_device(end);
        writer.finish({}, "complete");
    }
    const run_summary s = read_run_summary(path);
    REQUIRE(s.devices.size() == 1);
    CHECK(s.devices[0].status == "complete");
    CHECK(s.devices[0].stats.number("", "cores") == 4.0);
    CHECK(s.devices[0].stats.number("", "step_period") == 1e-6);
    CHECK(s.devices[0].stats.entries().size() == 2);
    const h5::file file = h5::file::open_read_only(path);
    CHECK(file.root().open_group("devices/chip/stats").read_attr<std::int64_t>("cores") == 4);
}

TEST_CASE("io: without device ledgers /ledger stays empty") {
    test::scratch_dir dir("io_test");
    const std::string costless_path = dir.file("costless.h5");
    {
        run_writer writer(costless_path, device_layout());
        device_report end = chip_at_end();
        end.has_ledger = false;
        writer.finish_device(end);
        writer.finish({}, "complete");
    }
    const run_summary s = read_run_summary(costless_path);
    CHECK(s.ledger->status == "empty");
    CHECK(s.ledger->rows == 0);
    REQUIRE(s.devices.size() == 1);
    CHECK_FALSE(s.devices[0].ledger.has_value());
    CHECK(s.devices[0].status == "complete");
}

TEST_CASE("io: device names that cannot name an HDF5 object are refused with io_error") {
    test::scratch_dir dir("io_test");
    const std::string path = dir.file("bad.h5");
    for (const std::string& bad : {std::string("a/b"), std::string(""), std::string(".."), std::string(".")}) {
        CAPTURE(bad);
        run_layout layout = device_layout();
        layout.devices[0].instance = bad;
        CHECK(site_of([&] { run_writer w(path, layout); }).file == path);
        CHECK(contains(message_of([&] { run_writer w(path, layout); }), "invalid device instance name"));
        CHECK_FALSE(fs::exists(path));
    }
    run_layout twice = device_layout();
    twice.devices.push_back(chip_at_start());
    CHECK(contains(message_of([&] { run_writer w(path, twice); }), "two device instances are both named 'chip'"));
    CHECK(site_of([&] { run_writer w(path, twice); }).node == "chip");
    run_layout bad_table = device_layout();
    bad_table.devices[0].tables[1].name = "placement";
    CHECK(contains(message_of([&] { run_writer w(path, bad_table); }),
                   "two tables in device 'chip' are both named 'placement'"));
    run_layout bad_column = device_layout();
    bad_column.devices[0].tables[0].columns[1].name = "x/y";
    CHECK(contains(message_of([&] { run_writer w(path, bad_column); }),
                   "invalid column name 'x/y' of table 'placement' in device 'chip'"));
    run_layout twice_stat = device_layout();
    twice_stat.devices[0].stats.add("", "cores", std::int64_t{5});
    CHECK(contains(message_of([&] { run_writer w(path, twice_stat); }), "'cores' at path '' in device 'chip'"));
    CHECK_FALSE(fs::exists(path));

    run_writer writer(path, device_layout());
    device_report nested = dram_at_end();
    nested.instance = "dram/0";
    CHECK(site_of([&] { writer.finish_device(nested); }).file == path);
    device_report other_family = dram_at_end();
    other_family.instance = "chip";
    CHECK(contains(message_of([&] { writer.finish_device(other_family); }),
                   "two devices are both named 'chip' (a neuromorphic device and a dram device)"));
    writer.finish_device(chip_at_end());
    CHECK_THROWS_AS(writer.finish_device(chip_at_end()), internal_error);
    writer.finish({}, "complete");
    CHECK_THROWS_AS(writer.finish_device(dram_at_end()), internal_error);
    const run_summary s = read_run_summary(path);
    REQUIRE(s.devices.size() == 1);  // nothing of the refused reports was written
    CHECK(s.devices[0].instance == "chip");
    CHECK(s.ledger->rows == 2);
}

TEST_CASE("io: a run that ends without finish keeps its device groups readable") {
    test::scratch_dir dir("io_test");
    const std::string destroyed = dir.file("destroyed.h5");
    {
        run_writer writer(destroyed, device_layout(), 3600);
        writer.append_spikes(0, exc_times, exc_ids);
    }
    const run_summary s = read_run_summary(destroyed);
    CHECK(s.status == "failed");
    REQUIRE(s.devices.size() == 1);
    CHECK(s.devices[0].status == "running");
    CHECK(s.devices[0].stats.number("", "cores") == 4.0);
    CHECK(s.devices[0].tables.size() == 2);
    CHECK_FALSE(s.devices[0].ledger.has_value());

    const std::string killed = dir.file("killed.h5");
    run_and_kill([&] {
        run_writer writer(killed, device_layout(), 3600);
        writer.finish_device(dram_at_end());
        kill_self();
    });
    const run_summary k = read_run_summary(killed);
    CHECK(k.status == "running");
    REQUIRE(k.devices.size() == 2);
    CHECK(k.devices[0].instance == "chip");
    CHECK(k.devices[0].status == "running");
    CHECK(k.devices[0].preset == "loihi");
    CHECK(k.devices[0].tables[0].rows == 3);
    CHECK(k.devices[1].instance == "dram0");
    CHECK(k.devices[1].status == "complete");  // finish_device flushes
    REQUIRE(k.devices[1].ledger.has_value());
    CHECK(k.devices[1].ledger->total_energy == 7e-12);
    CHECK(k.ledger->rows == 0);  // the union is written by finish()
    const h5::file file = h5::file::open_read_only(killed);
    CHECK(file.root().read_string("devices/chip/preset_text") == "name = \"loihi\"\n");
}

TEST_CASE("io: run files of format version 1 still read; newer ones are refused") {
    test::scratch_dir dir("io_test");
    const std::string path = dir.file("v1.h5");
    write_device_run(path);
    {
        writable_file f(path);
        f.root.write_attr("format_version", std::int64_t{1});
        f.root.remove("devices");
    }
    const run_summary s = read_run_summary(path);
    CHECK(s.format_version == 1);
    CHECK(s.devices.empty());
    CHECK(s.ledger->rows == 4);
    CHECK(contains(format_run_summary(s), "(format 1)"));
    {
        writable_file f(path);
        f.root.write_attr("format_version", std::int64_t{3});
    }
    CHECK(contains(message_of([&] { read_run_summary(path); }), "format_version 3 is not supported"));
}

// Writes the device run to $FLUXON_DEVICE_RUN_FILE when set: tests/python reads that file with
// fluxon.runfile, so the Python reader is checked against what this writer writes.
TEST_CASE("io: device run file for fluxon.runfile") {
    test::scratch_dir dir("io_test");
    const char* target = std::getenv("FLUXON_DEVICE_RUN_FILE");
    const std::string path = target != nullptr && *target != '\0' ? std::string(target) : dir.file("devices.h5");
    write_device_run(path);
    CHECK(read_run_summary(path).devices.size() == 2);
}

TEST_CASE("io: plain h5py reads the devices of a run file") {
    if (!python_has_h5py()) {
        MESSAGE("skipped: /usr/bin/python3 with h5py and numpy is not available");
        return;
    }
    test::scratch_dir dir("io_test");
    const std::string path = dir.file("devices.h5");
    write_device_run(path);
    const std::string script = R"(
import sys
import h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
assert int(f.attrs["format_version"]) == 2
assert list(f["devices"]) == ["chip", "dram0"], list(f["devices"])
chip = f["devices/chip"]
assert chip.attrs["family"] == "neuromorphic" and chip.attrs["status"] == "complete"
assert chip["preset_text"].asstr()[()] == 'name = "loihi"\n'
stats = chip["stats"]
a = stats.attrs
assert a["messages"] == 1234 and a["messages"].dtype == np.int64, a["messages"].dtype
assert a["hardware_time"] == 1.5e-3 and a["hardware_time"].dtype == np.float64
assert a["mode"] == "timed", a["mode"]
assert "hops" not in a
assert list(stats["name"].asstr()[()]) == ["messages", "hardware_time", "mode", "energy_per_message",
                                           "hops", "bandwidth", "utilisation", "label"]
assert list(stats["kind"].asstr()[()])[:3] == ["integer", "real", "text"]
assert stats["integer"].dtype == np.int64 and stats["real"].dtype == np.float64
assert stats["integer"][4] == 99 and np.isnan(stats["real"][0]) and stats["real"][5] == 2.5e9
assert list(stats["text"].asstr()[()])[7] == "hot"
t = chip["tables"]
assert list(t) == ["placement", "links", "traffic"], list(t)
assert list(t["placement"]) == ["population", "core", "load"]
assert list(t["placement/population"].asstr()[()]) == ["exc", "inp", "exc"]
assert t["placement/core"].dtype == np.int64 and list(t["placement/core"][()]) == [0, 1, 2]
assert t["links/length"].attrs["unit"] == "m" and "unit" not in t["links/name"].attrs
assert list(t["traffic/busy"][()]) == [1e-9, 0.0, 3e-9, 4e-9]
led = chip["ledger"]
assert list(led["count"][()]) == [30, 1] and led.attrs["total_energy"] == 70e-12 + 30e-12
assert list(f["ledger/component"].asstr()[()]) == ["chip/core[0]/synapse", "chip/core[0]", "dram/bank[0]", "dram"]
assert f["ledger"].attrs["dynamic_energy"] == 30e-12 + 7e-12
)";
    CHECK(run_python(dir, script, path) == 0);
}

TEST_SUITE_END();
