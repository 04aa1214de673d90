// NumPy .npy array files, read as weights are.
#include "io/array_file.hpp"
#include "targets.hpp"

namespace fluxon::fuzz {

int array_npy(input data) {
    return expect_named_errors([&] { io::read_tensor(as_file(data, "fuzz.npy"), "fuzz array"); });
}

}  // namespace fluxon::fuzz
