#include "io/isolated_read.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <vector>
#include <new>

#include <fmt/format.h>

#include "engine/base/errors.hpp"

namespace fluxon::io {

namespace {

// The child's answer on the pipe: one tag byte, then the payload.
constexpr char answer_text = 'T';      // payload: the text
constexpr char answer_user = 'U';      // payload: file, line, key, node, resource, message, '\0'-separated
constexpr char answer_internal = 'I';  // payload: what()
constexpr char answer_memory = 'M';    // payload: none

// The signals a crash inside the library ends a process with.
constexpr int crash_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP, SIGSYS};

error_site site_of(const std::string& file) {
    error_site site;
    site.file = file;
    return site;
}

void write_all(int fd, const std::string& data) {
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;  // the parent went away; nothing left to tell
        done += static_cast<std::size_t>(n);
    }
}

std::string encode_user_error(const user_error& e) {
    const error_site& s = e.site();
    std::string out(1, answer_user);
    for (const std::string& field : {s.file, std::to_string(s.line), s.key, s.node, s.resource}) {
        out += field;
        out += '\0';
    }
    out += e.detail();
    return out;
}

[[noreturn]] void throw_user_error(const std::string& payload) {
    std::vector<std::string> fields;
    std::size_t begin = 0;
    for (int i = 0; i < 5; ++i) {
        const std::size_t end = payload.find('\0', begin);
        if (end == std::string::npos) throw internal_error("isolated read: malformed error from the child process");
        fields.push_back(payload.substr(begin, end - begin));
        begin = end + 1;
    }
    error_site site;
    site.file = fields[0];
    site.line = std::atoi(fields[1].c_str());
    site.key = fields[2];
    site.node = fields[3];
    site.resource = fields[4];
    throw io_error(payload.substr(begin), site);
}

// The child: runs `read`, sends its answer, and leaves without running the parent's exit
// handlers or flushing its stdio buffers (_exit).
[[noreturn]] void child(int fd, const std::function<std::string()>& read) {
    // A crash here is to end the child by its signal, which the parent reports; handlers
    // inherited from the parent (a test framework's, a sanitizer's) would report it as theirs.
    for (const int sig : crash_signals) ::signal(sig, SIG_DFL);
    std::string answer;
    try {
        answer = answer_text + read();
    } catch (const user_error& e) {
        answer = encode_user_error(e);
    } catch (const std::bad_alloc&) {
        answer = std::string(1, answer_memory);
    } catch (const std::exception& e) {
        answer = answer_internal + std::string(e.what());
    } catch (...) {
        answer = answer_internal + std::string("unknown exception");
    }
    write_all(fd, answer);
    ::close(fd);
    ::_exit(0);
}

// Reads the child's answer until it closes the pipe or the deadline passes; false on timeout.
bool read_answer(int fd, std::chrono::steady_clock::time_point deadline, std::string& out) {
    char buffer[65536];
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return false;
        pollfd p{.fd = fd, .events = POLLIN, .revents = 0};
        const int ready = ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1 << 30)));
        if (ready < 0 && errno == EINTR) continue;
        if (ready < 0) throw internal_error(fmt::format("isolated read: poll failed: {}", std::strerror(errno)));
        if (ready == 0) continue;  // the deadline is checked at the top
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw internal_error(fmt::format("isolated read: read failed: {}", std::strerror(errno)));
        if (n == 0) return true;
        out.append(buffer, static_cast<std::size_t>(n));
    }
}

int wait_for(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
}

std::string signal_name(int sig) {
    const char* abbrev = sigabbrev_np(sig);
    const char* text = sigdescr_np(sig);
    return fmt::format("SIG{}, {}", abbrev != nullptr ? abbrev : std::to_string(sig).c_str(),
                       text != nullptr ? text : "unknown signal");
}

}  // namespace

std::chrono::milliseconds read_timeout() {
    const char* value = std::getenv("FLUXON_READ_TIMEOUT");
    if (value == nullptr || *value == '\0') return std::chrono::seconds(30);
    char* end = nullptr;
    const double seconds = std::strtod(value, &end);
    if (end == value || *end != '\0' || !std::isfinite(seconds) || seconds <= 0 || seconds > 1e6)
        throw io_error(fmt::format("environment variable FLUXON_READ_TIMEOUT is '{}', expected a number of seconds "
                                   "above 0 (and at most 1e6)",
                                   value),
                       {});
    return std::chrono::milliseconds(static_cast<long long>(std::ceil(seconds * 1000)));
}

std::string read_isolated(const std::string& file, const std::string& what, const std::function<std::string()>& read,
                          std::chrono::milliseconds timeout) {
    int fds[2];
    if (::pipe(fds) != 0) throw internal_error(fmt::format("isolated read: pipe failed: {}", std::strerror(errno)));
    const pid_t pid = ::fork();
    if (pid < 0) {
        const int err = errno;
        ::close(fds[0]);
        ::close(fds[1]);
        if (err == ENOMEM || err == EAGAIN) throw std::bad_alloc();
        throw internal_error(fmt::format("isolated read: fork failed: {}", std::strerror(err)));
    }
    if (pid == 0) {
        ::close(fds[0]);
        child(fds[1], read);
    }
    ::close(fds[1]);
    std::string answer;
    bool finished = false;
    try {
        finished = read_answer(fds[0], std::chrono::steady_clock::now() + timeout, answer);
    } catch (...) {
        ::close(fds[0]);
        ::kill(pid, SIGKILL);
        wait_for(pid);
        throw;
    }
    ::close(fds[0]);
    if (!finished) {
        ::kill(pid, SIGKILL);
        wait_for(pid);
        throw io_error(fmt::format("damaged {}: reading it did not finish within {:g} s (libhdf5 loops on a corrupt "
                                   "structure; FLUXON_READ_TIMEOUT sets the limit)",
                                   what, static_cast<double>(timeout.count()) / 1000),
                       site_of(file));
    }
    const int status = wait_for(pid);
    if (WIFSIGNALED(status) && std::find(std::begin(crash_signals), std::end(crash_signals), WTERMSIG(status)) ==
                                   std::end(crash_signals))
        throw io_error(fmt::format("reading the {} was stopped by {} (not a crash: an interrupt, or the system "
                                   "ending the process, e.g. when out of memory)",
                                   what, signal_name(WTERMSIG(status))),
                       site_of(file));
    if (WIFSIGNALED(status))
        throw io_error(fmt::format("damaged {}: libhdf5 crashed reading it ({}); its internal structures are corrupt",
                                   what, signal_name(WTERMSIG(status))),
                       site_of(file));
    // A child that exits without a whole answer died inside the library too, with a handler
    // that turned the signal into an exit status (a sanitizer's, for instance).
    if (answer.empty() || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw io_error(fmt::format("damaged {}: reading it stopped without an answer (exit status {}); its internal "
                                   "structures are corrupt",
                                   what, WIFEXITED(status) ? WEXITSTATUS(status) : -1),
                       site_of(file));
    const std::string payload = answer.substr(1);
    switch (answer[0]) {
        case answer_text: return payload;
        case answer_user: throw_user_error(payload);
        case answer_memory: throw std::bad_alloc();
        default: throw internal_error(payload);
    }
}

}  // namespace fluxon::io
