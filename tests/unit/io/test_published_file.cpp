#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "engine/base/errors.hpp"
#include "tests/unit/common/temp_file.hpp"
#include "io/published_file.hpp"

namespace fs = std::filesystem;
using namespace fluxon;
using namespace fluxon::io;

TEST_SUITE_BEGIN("io");

namespace {

std::string read_text(const std::string& name) {
    std::ifstream in(name, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_text(const std::string& name, const std::string& text, std::ios::openmode mode = std::ios::trunc) {
    std::ofstream(name, std::ios::binary | mode) << text;
}

}  // namespace

TEST_CASE("io: a published file changes only when a working copy is published") {
    test::scratch_dir dir("published_test");
    const std::string path = dir.file("out.bin");
    published_file out(path);
    write_text(out.start_empty(), "first");
    CHECK_FALSE(fs::exists(path));
    out.publish();
    CHECK_FALSE(out.has_working_copy());
    CHECK(read_text(path) == "first");

    // Writing goes on in a copy; the file stays as published until the next publish().
    const std::string& copy = out.start_from_published();
    CHECK(read_text(copy) == "first");
    write_text(copy, " second", std::ios::app);
    CHECK(read_text(path) == "first");
    out.publish();
    CHECK(read_text(path) == "first second");

    out.start_from_published();
    write_text(out.working_name(), "dropped");
    out.discard();
    CHECK(read_text(path) == "first second");
    CHECK(dir.names() == std::vector<std::string>{"out.bin"});
}

TEST_CASE("io: a writer killed with a working copy open leaves the published file and nothing else") {
    test::scratch_dir dir("published_test");
    const std::string path = dir.file("out.bin");
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        published_file out(path);
        write_text(out.start_empty(), "published");
        out.publish();
        write_text(out.start_from_published(), "half written");
        std::raise(SIGKILL);
        ::_exit(4);
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFSIGNALED(status));
    CHECK(read_text(path) == "published");
    // The working copy stays behind; the next writer of the file starts it afresh.
    std::vector<std::string> names = dir.names();
    std::sort(names.begin(), names.end());
    CHECK(names == std::vector<std::string>{"out.bin", "out.bin.writing"});
    published_file again(path);
    CHECK(read_text(again.start_empty()).empty());
    again.discard();
    CHECK(dir.names() == std::vector<std::string>{"out.bin"});
}

TEST_CASE("io: a published file follows a symbolic link and names the path in its errors") {
    test::scratch_dir dir("published_test");
    const std::string target = dir.file("target.bin");
    const std::string link = dir.file("link.bin");
    write_text(target, "old");
    fs::create_symlink(target, link);
    published_file out(link);
    write_text(out.start_empty(), "new");
    out.publish();
    CHECK(fs::is_symlink(link));
    CHECK(read_text(target) == "new");

    const std::string missing = dir.file("no/such/dir/out.bin");
    published_file nowhere(missing);
    try {
        nowhere.start_empty();
        FAIL("expected an io_error");
    } catch (const io_error& e) {
        CHECK(e.site().file == missing);
        CHECK(std::string(e.what()).find("does not exist") != std::string::npos);
    }

    const std::string unpublished = dir.file("never.bin");
    published_file never(unpublished);
    try {
        never.start_from_published();
        FAIL("expected an io_error");
    } catch (const io_error& e) {
        CHECK(e.site().file == unpublished);
        CHECK(std::string(e.what()).find("No such file") != std::string::npos);
    }
    CHECK_FALSE(never.has_working_copy());
}

TEST_CASE("io: a working copy in use by another writer is refused, naming the file") {
    test::scratch_dir dir("published_test");
    const std::string path = dir.file("out.bin");
    published_file first(path);
    // HDF5 holds a lock on the files it writes; the first writer's copy is such a file.
    const int held = ::open(first.start_empty().c_str(), O_RDWR | O_CLOEXEC);
    REQUIRE(held >= 0);
    REQUIRE(::flock(held, LOCK_EX | LOCK_NB) == 0);
    write_text(first.working_name(), "first writer's data");
    published_file second(path);
    try {
        second.start_empty();
        FAIL("expected an io_error");
    } catch (const io_error& e) {
        CHECK(e.site().file == path);
        CHECK(std::string(e.what()).find("another run is writing this file") != std::string::npos);
    }
    CHECK(read_text(first.working_name()) == "first writer's data");  // left alone
    ::close(held);
    // Once no one holds it, it is a killed writer's leftover and is started afresh.
    CHECK(read_text(second.start_empty()).empty());
}
