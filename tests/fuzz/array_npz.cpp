// NumPy .npz archives (zip files of .npy members), read as weights are: the member "x".
#include "io/array_file.hpp"
#include "targets.hpp"

namespace fluxon::fuzz {

int array_npz(input data) {
    return expect_named_errors([&] { io::read_tensor(as_file(data, "fuzz.npz") + ":x", "fuzz array"); });
}

}  // namespace fluxon::fuzz
