#pragma once
// Reading a damaged HDF5 file can crash libhdf5 (a segmentation fault on a corrupt B-tree
// header, a division by zero on a corrupt chunk layout) or make it loop for ever (a corrupt
// global heap). No check before the call covers every structure of the format, so reads of
// files a user hands us run in a forked child process: a signal or a timeout there becomes an
// io_error naming the file, and the caller's process survives. POSIX only (fork, pipe, poll).
#include <chrono>
#include <functional>
#include <string>

namespace fluxon::io {

// How long an isolated read may take before the file is called damaged: the environment
// variable FLUXON_READ_TIMEOUT (seconds, > 0) when set, else 30 s. Throws io_error naming the
// variable when it is not a positive number.
std::chrono::milliseconds read_timeout();

// Runs `read` in a child process and returns the text it returns. `what` names the file's
// kind in messages ("run file"). Throws io_error{file}:
//   - "damaged <what>: libhdf5 crashed reading it (SIGSEGV, ...)" when the child dies of a signal,
//   - "damaged <what>: reading it did not finish within N s" when it times out (it is killed),
//   - the child's own user_error, with the same message and site, when `read` throws one;
// internal_error for any other exception in the child, std::bad_alloc for running out of memory.
std::string read_isolated(const std::string& file, const std::string& what,
                          const std::function<std::string()>& read, std::chrono::milliseconds timeout);

}  // namespace fluxon::io
