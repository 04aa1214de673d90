#pragma once
// Numeric arrays given by file in configs (explicit weights, delays, index lists): either a
// NumPy .npy file, "path/to/a.npy", or an HDF5 dataset, "path/to/file.h5:/group/dataset".
// 1-D and 2-D arrays are accepted; 2-D ones come back flattened in C (row-major) order.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fluxon::io {

// Where an array spec points.
struct array_spec {
    std::string file;     // the .npy or HDF5 file
    std::string dataset;  // HDF5 dataset path, empty for .npy
};

// Splits at the last ':' that directly follows ".h5" or ".hdf5" (case-insensitive), so paths
// that themselves contain ':' keep working. Throws io_error when the spec names neither a .npy
// file nor an HDF5 dataset.
array_spec parse_array_spec(const std::string& spec, std::string_view what);

// Every element converted to double. `what` says what the array is for, e.g. "projection
// 'ee' weights"; it starts every error message. Errors are io_error{file = the file}.
std::vector<double> read_numeric_array(const std::string& spec, std::string_view what);

// Every element as an integer; floating-point elements must hold whole numbers. Ranges are the
// caller's to check, since only it knows the population sizes.
std::vector<std::int64_t> read_index_array(const std::string& spec, std::string_view what);

}  // namespace fluxon::io
