// NIR files (HDF5): the graph, its nodes' fields and edges.
#include "io/nir_file.hpp"
#include "targets.hpp"

namespace fluxon::fuzz {

int nir_file(input data) {
    return expect_named_errors([&] { io::read_nir(as_file(data, "fuzz.nir")); });
}

}  // namespace fluxon::fuzz
