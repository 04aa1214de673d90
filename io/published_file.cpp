#include "io/published_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "engine/base/errors.hpp"

namespace fluxon::io {

namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const std::string& path, const std::string& what, int error_number) {
    error_site site;
    site.file = path;
    throw io_error(what + ": " + std::strerror(error_number), site);
}

// Copies all of `from` into `to` (both at offset 0). In-kernel copy_file_range (a reflink on
// file systems that share extents) where it works, plain reads and writes where it does not.
// Returns 0 or the errno of the failure.
int copy_all(int from, int to) {
    struct stat info{};
    if (::fstat(from, &info) != 0) return errno;
    const auto size = static_cast<std::size_t>(info.st_size);
    off_t in = 0, out = 0;
    bool kernel_copy = true;
    std::vector<char> buffer;
    while (static_cast<std::size_t>(in) < size) {
        const std::size_t left = size - static_cast<std::size_t>(in);
        if (kernel_copy) {
            const ssize_t n = ::copy_file_range(from, &in, to, &out, left, 0);
            if (n > 0) continue;
            if (n == 0) return EIO;  // the file shrank under us
            if (errno == EINTR) continue;
            if (errno != EXDEV && errno != ENOSYS && errno != EINVAL && errno != EOPNOTSUPP && errno != EBADF)
                return errno;
            kernel_copy = false;
            buffer.resize(std::size_t{1} << 20);
        }
        const ssize_t got = ::pread(from, buffer.data(), std::min(left, buffer.size()), in);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return got == 0 ? EIO : errno;
        for (ssize_t done = 0; done < got;) {
            const ssize_t put = ::pwrite(to, buffer.data() + done, static_cast<std::size_t>(got - done), out);
            if (put < 0 && errno == EINTR) continue;
            if (put <= 0) return put == 0 ? EIO : errno;
            done += put;
            out += put;
        }
        in += got;
    }
    return 0;
}

}  // namespace

published_file::published_file(const std::string& path) : path_(path), target_(path) {
    std::error_code ec;
    if (fs::is_symlink(path, ec)) {
        const fs::path resolved = fs::weakly_canonical(path, ec);
        if (!ec) target_ = resolved.string();
    }
}

published_file::~published_file() { discard(); }

const std::string& published_file::start_empty() {
    discard();
    const fs::path parent = fs::path(target_).parent_path();
    std::error_code ec;
    if (!parent.empty() && !fs::is_directory(parent, ec)) {
        error_site site;
        site.file = path_;
        throw io_error("cannot create file: directory '" + parent.string() + "' does not exist", site);
    }
    working_name_ = target_ + ".writing";
    fd_ = ::open(working_name_.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0666);
    if (fd_ < 0) {
        const int error_number = errno;
        working_name_.clear();
        fail(path_, "cannot create file", error_number);
    }
    // HDF5 locks the files it writes: a working copy that is locked belongs to a live writer
    // (another run writing the same file), one that is not was left by a killed one. Where
    // locks are not supported, there is no telling.
    const bool locked = ::flock(fd_, LOCK_EX | LOCK_NB) == 0;
    if (!locked && errno == EWOULDBLOCK) {
        ::close(fd_);
        fd_ = -1;
        working_name_.clear();
        error_site site;
        site.file = path_;
        throw io_error("another run is writing this file (its working copy " + target_ + ".writing is in use)", site);
    }
    const int error_number = ::ftruncate(fd_, 0) == 0 ? 0 : errno;
    if (locked) ::flock(fd_, LOCK_UN);  // HDF5 takes its own
    if (error_number != 0) {
        discard();
        fail(path_, "cannot create file", error_number);
    }
    return working_name_;
}

const std::string& published_file::start_from_published() {
    start_empty();
    const int from = ::open(target_.c_str(), O_RDONLY | O_CLOEXEC);
    if (from < 0) {
        const int error_number = errno;
        discard();
        fail(path_, "cannot reopen the file to write on", error_number);
    }
    const int error_number = copy_all(from, fd_);
    ::close(from);
    if (error_number != 0) {
        discard();
        fail(path_, "cannot copy the file to write on", error_number);
    }
    return working_name_;
}

void published_file::publish() {
    if (fd_ < 0) return;
    release_reserve();
    const int error_number = ::rename(working_name_.c_str(), target_.c_str()) == 0 ? 0 : errno;
    ::close(fd_);
    fd_ = -1;
    if (error_number != 0) ::unlink(working_name_.c_str());
    working_name_.clear();
    if (error_number != 0) fail(path_, "cannot replace the file with its new version", error_number);
}

void published_file::reserve(std::size_t bytes) {
    if (fd_ < 0 || bytes == 0) return;
    struct stat info{};
    if (::fstat(fd_, &info) != 0) fail(path_, "cannot write the file", errno);
    // Space set aside past the end is not held to the process's file size limit (ulimit -f).
    rlimit limit{};
    if (::getrlimit(RLIMIT_FSIZE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY &&
        static_cast<rlim_t>(info.st_size) + bytes > limit.rlim_cur)
        fail(path_, "cannot write the file", EFBIG);
    int error_number = 0;
    do {
        error_number = ::fallocate(fd_, FALLOC_FL_KEEP_SIZE, info.st_size, static_cast<off_t>(bytes)) == 0 ? 0 : errno;
    } while (error_number == EINTR);
    if (error_number == EOPNOTSUPP || error_number == ENOSYS) return;
    if (error_number != 0) fail(path_, "cannot write the file", error_number);
    reserved_end_ = std::max<std::size_t>(reserved_end_, static_cast<std::size_t>(info.st_size) + bytes);
}

void published_file::release_reserve() noexcept {
    struct stat info{};
    if (reserved_end_ == 0 || ::fstat(fd_, &info) != 0) return;
    // What was set aside and not written would stay allocated past the end of the file.
    if (reserved_end_ > static_cast<std::size_t>(info.st_size))
        ::fallocate(fd_, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, info.st_size,
                    static_cast<off_t>(reserved_end_ - static_cast<std::size_t>(info.st_size)));
    reserved_end_ = 0;
}

bool published_file::reserve_in_place(std::size_t bytes) noexcept {
    const int fd = ::open(target_.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) return false;
    struct stat info{};
    bool ok = ::fstat(fd, &info) == 0;
    if (ok && ::fallocate(fd, FALLOC_FL_KEEP_SIZE, info.st_size, static_cast<off_t>(bytes)) != 0)
        ok = errno == EOPNOTSUPP || errno == ENOSYS;
    ::close(fd);
    return ok;
}

void published_file::release_in_place() noexcept {
    const int fd = ::open(target_.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) return;
    struct stat info{};
    if (::fstat(fd, &info) == 0)
        ::fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, info.st_size, off_t{16} << 20);
    ::close(fd);
}

void published_file::discard() noexcept {
    reserved_end_ = 0;
    if (fd_ < 0) return;
    ::close(fd_);
    fd_ = -1;
    ::unlink(working_name_.c_str());
    working_name_.clear();
}

}  // namespace fluxon::io
