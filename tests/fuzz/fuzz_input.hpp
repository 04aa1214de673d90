#pragma once
// What every harness shares: the input as text or as a file (the readers under test take
// paths), and the rule that decides what counts as a finding.
#include <cstdint>
#include <new>
#include <span>
#include <string>
#include <string_view>

#include "engine/base/errors.hpp"

namespace fluxon::fuzz {

using input = std::span<const std::uint8_t>;

std::string as_text(input data);

// Writes `data` to `name` in this process's scratch directory (made on first use under $TMPDIR
// or /tmp, removed at exit) and returns the path. Each call overwrites the file of that name.
std::string as_file(input data, std::string_view name);

// Runs `read`. A fluxon::user_error (a named error for bad input) is the expected outcome of
// most inputs, and std::bad_alloc is reported by name by the command; every other exception
// propagates and ends the process (std::terminate), which libFuzzer and the replay driver
// report as a finding: bad input must never give an internal error.
template <class Read>
int expect_named_errors(Read&& read) {
    try {
        read();
    } catch (const user_error&) {
    } catch (const std::bad_alloc&) {
    }
    return 0;
}

}  // namespace fluxon::fuzz
