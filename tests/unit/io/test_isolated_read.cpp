// Reads isolated in a child process (io/isolated_read.hpp): what the child returns or throws
// reaches the caller unchanged, and a child that dies of a signal or does not finish becomes
// an io_error naming the file. Then the run files that once crashed or hung libhdf5 through
// the readers that use it.
#include <doctest/doctest.h>

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include "engine/base/errors.hpp"
#include "io/isolated_read.hpp"
#include "io/run_reader.hpp"

using namespace fluxon;
using namespace fluxon::io;
using namespace std::chrono_literals;

TEST_SUITE_BEGIN("io");

namespace {

// The message of the io_error `read` raises, or "no error".
template <class Read>
std::string error_of(Read read) {
    try {
        read();
    } catch (const io_error& e) {
        return e.what();
    }
    return "no error";
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Sets an environment variable for the scope of one test.
struct scoped_env {
    std::string name;
    scoped_env(std::string n, const char* value) : name(std::move(n)) { ::setenv(name.c_str(), value, 1); }
    ~scoped_env() { ::unsetenv(name.c_str()); }
    scoped_env(const scoped_env&) = delete;
    scoped_env& operator=(const scoped_env&) = delete;
};

}  // namespace

TEST_CASE("isolated read: the child's text and its named errors reach the caller unchanged") {
    CHECK(read_isolated("x.h5", "run file", [] { return std::string("summary\n\0with a NUL", 20); }, 10s) ==
          std::string("summary\n\0with a NUL", 20));
    const std::string big(1 << 20, 'x');  // more than a pipe holds at once
    CHECK(read_isolated("x.h5", "run file", [&] { return big; }, 10s) == big);
    error_site site;
    site.file = "cfg.toml";
    site.line = 7;
    site.key = "run.dt";
    try {
        read_isolated("x.h5", "run file", [&]() -> std::string { throw config_error("must be positive", site); }, 10s);
        FAIL("no error");
    } catch (const io_error& e) {
        CHECK(std::string(e.what()) == "cfg.toml:7: key 'run.dt': must be positive");
        CHECK(e.site().line == 7);
        CHECK(e.detail() == "must be positive");
    }
    CHECK_THROWS_AS(read_isolated("x.h5", "run file", []() -> std::string { throw std::runtime_error("bug"); }, 10s),
                    internal_error);
}

TEST_CASE("isolated read: a child that dies of a signal or hangs is a damaged file, named") {
    const std::string crashed = error_of([] {
        read_isolated("/data/run.h5", "run file", []() -> std::string { std::abort(); }, 10s);
    });
    CHECK(has(crashed, "/data/run.h5: damaged run file: libhdf5 crashed reading it (SIGABRT"));
    // A signal that is no crash (Ctrl-C, the system's out-of-memory killer) does not blame the file.
    const std::string stopped = error_of([] {
        read_isolated("/data/run.h5", "run file", []() -> std::string { ::raise(SIGTERM); return {}; }, 10s);
    });
    CHECK(has(stopped, "/data/run.h5: reading the run file was stopped by SIGTERM"));
    CHECK(!has(stopped, "damaged"));
    const auto start = std::chrono::steady_clock::now();
    const std::string hung = error_of([] {
        read_isolated("/data/run.h5", "run file", []() -> std::string { for (;;) std::this_thread::sleep_for(1s); },
                      300ms);
    });
    CHECK(has(hung, "/data/run.h5: damaged run file: reading it did not finish within 0.3 s"));
    CHECK(std::chrono::steady_clock::now() - start < 5s);
}

TEST_CASE("isolated read: FLUXON_READ_TIMEOUT sets the limit and a bad value is named") {
    CHECK(read_timeout() == 30s);
    {
        scoped_env env("FLUXON_READ_TIMEOUT", "2.5");
        CHECK(read_timeout() == 2500ms);
    }
    for (const char* bad : {"soon", "0", "-1", "nan", "1e9"}) {
        scoped_env env("FLUXON_READ_TIMEOUT", bad);
        CHECK(has(error_of([] { read_timeout(); }), std::string("FLUXON_READ_TIMEOUT is '") + bad + "'"));
    }
}

TEST_CASE("run files that crashed or hung libhdf5 give a named error from summarize_run") {
    scoped_env env("FLUXON_READ_TIMEOUT", "2");
    const std::filesystem::path crashers = std::filesystem::path(FLUXON_SOURCE_DIR) / "tests/integration/damaged/crashers";
    // A corrupt B-tree header (SIGSEGV), a corrupt chunk layout (SIGFPE), a looping global heap,
    // a string attribute pointing outside the global heap (SIGSEGV).
    for (const char* name : {"zero_1456_4.h5", "zero_16506_16.h5", "insert_3021_1.h5", "flip_3455_2.h5"}) {
        const std::string path = (crashers / name).string();
        CAPTURE(path);
        const std::string message = error_of([&] { summarize_run(path); });
        CHECK(has(message, path + ": damaged run file: "));
    }
    const std::string sound = (crashers.parent_path() / "base.h5").string();
    CHECK(has(summarize_run(sound), "exc/v            50 samples x 2 neurons"));
}

TEST_SUITE_END();
