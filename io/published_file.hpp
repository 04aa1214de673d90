#pragma once
// A file that readers only ever see whole. Its writer works on a private working copy in the
// same directory and publishes it with rename(2), which replaces the file at `path` in one
// step: a process killed at any moment (SIGKILL, the OOM killer, a scheduler) leaves either the
// previous published version or the new one, never a file half way between, and a disk that
// fills up leaves the last published version. HDF5 cannot give that by itself: it rewrites
// B-tree nodes, object headers and partly filled chunks in place, so a kill during a flush can
// leave a file that opens but reads wrong values.
//
// The working copy is `<path>.writing`, which a killed writer leaves behind. (An unnamed
// O_TMPFILE copy would vanish with it, but HDF5 opens files by a name it resolves with
// realpath(), which /proc/self/fd/N does not survive.)
#include <cstddef>
#include <string>

namespace fluxon::io {

class published_file {
public:
    // Nothing is created yet. A symbolic link at `path` is followed, so its target is replaced.
    explicit published_file(const std::string& path);
    ~published_file();  // drops a working copy that was not published
    published_file(const published_file&) = delete;
    published_file& operator=(const published_file&) = delete;

    // A new, empty working copy (replacing one a killed writer left); returns its name.
    // Throws io_error naming `path` when it cannot be created.
    const std::string& start_empty();
    // A working copy holding the bytes of the published file (so writing continues where the
    // last publication ended). Throws io_error naming `path` (out of space, for example); no
    // working copy is left then.
    const std::string& start_from_published();
    // The working copy, closed by whoever wrote it, replaces the published file atomically.
    // Throws io_error naming `path` when it cannot; the working copy is dropped either way.
    void publish();
    // Sets aside `bytes` of disk beyond the working copy's end, so that writing that much more
    // cannot fail for want of space: a full disk is found here, before HDF5 meets it (HDF5 1.10
    // cannot close a file whose flush failed). Throws io_error naming `path` ("No space left on
    // device", "File too large"). Where the file system cannot set space aside (NFS), nothing
    // is checked.
    void reserve(std::size_t bytes);
    // For a change made to the published file in place (a last resort, when there is no room
    // for a copy): sets aside `bytes` beyond its end, false when the disk has not that much.
    bool reserve_in_place(std::size_t bytes) noexcept;
    // Gives back what reserve_in_place() set aside and the change did not use.
    void release_in_place() noexcept;
    // Drops the working copy; the published file is left as it is. Never throws.
    void discard() noexcept;

    bool has_working_copy() const noexcept { return fd_ >= 0; }
    const std::string& working_name() const noexcept { return working_name_; }
    // The published file: what readers open and what errors name.
    const std::string& path() const noexcept { return path_; }

private:
    void release_reserve() noexcept;

    std::string path_;     // as the caller gave it, for messages
    std::string target_;   // `path_` with symbolic links followed
    std::string working_name_;
    int fd_ = -1;          // the working copy, open while it exists
    std::size_t reserved_end_ = 0;  // bytes of the working copy set aside, from its start
};

}  // namespace fluxon::io
