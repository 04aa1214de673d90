#pragma once
// Numeric arrays given by file: explicit weights, delays and index lists in configs, and the
// weights of layered networks trained elsewhere. A spec names one of
//   "path/to/a.npy"                      a NumPy .npy file;
//   "path/to/file.h5:/group/dataset"     an HDF5 dataset (also .hdf5);
//   "path/to/w.npz:name"                 the array `name` of a NumPy .npz archive, as saved by
//                                        np.savez or np.savez_compressed (member "name.npy").
// read_numeric_array and read_index_array take 1-D and 2-D arrays and flatten 2-D ones in C
// (row-major) order, since the config values they serve are per-neuron or per-synapse lists;
// read_tensor takes any number of dimensions and keeps the shape.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "neurons/layers/layer.hpp"

namespace fluxon::io {

// Where an array spec points.
struct array_spec {
    std::string file;     // the .npy, HDF5 or .npz file
    std::string dataset;  // HDF5 dataset path, empty otherwise
    std::string member;   // array name inside a .npz archive (without ".npy"), empty otherwise
};

// Splits at the last ':' that directly follows ".h5", ".hdf5" or ".npz" (case-insensitive), so
// paths that themselves contain ':' keep working. Throws io_error when the spec names no .npy
// file, HDF5 dataset or .npz array.
array_spec parse_array_spec(const std::string& spec, std::string_view what);

// Every element converted to double. `what` says what the array is for, e.g. "projection
// 'ee' weights"; it starts every error message. Errors are io_error{file = the file}.
std::vector<double> read_numeric_array(const std::string& spec, std::string_view what);

// Every element as an integer; floating-point elements must hold whole numbers. Ranges are the
// caller's to check, since only it knows the population sizes.
std::vector<std::int64_t> read_index_array(const std::string& spec, std::string_view what);

// An array of one or more dimensions with its shape, every element converted to double, in C
// order. NaN and infinities are passed through: whether they are acceptable is the caller's to
// say. Errors as read_numeric_array's.
tensor read_tensor(const std::string& spec, std::string_view what);

}  // namespace fluxon::io
