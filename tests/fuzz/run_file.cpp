// Run files as `fluxon inspect` reads them. The fuzzer calls the reader in its own process
// (FLUXON_FUZZING), so that it sees the coverage of what it reads; libhdf5's own crashes on
// corrupt structures show up there and are what the isolated read turns into named errors.
// The replay driver goes through that isolated read, as the command does.
#include "io/run_reader.hpp"
#include "targets.hpp"

namespace fluxon::fuzz {

int run_file(input data) {
    const std::string path = as_file(data, "fuzz.h5");
#ifdef FLUXON_FUZZING
    return expect_named_errors([&] { io::format_run_summary(io::read_run_summary(path)); });
#else
    return expect_named_errors([&] { io::summarize_run(path); });
#endif
}

}  // namespace fluxon::fuzz
