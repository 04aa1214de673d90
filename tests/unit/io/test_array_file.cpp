#include <doctest/doctest.h>

#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include "engine/base/errors.hpp"
#include "io/array_file.hpp"
#include "io/hdf5.hpp"

namespace fs = std::filesystem;
using namespace fluxon;
using namespace fluxon::io;

TEST_SUITE_BEGIN("io");

namespace {

struct array_dir {
    fs::path path;
    array_dir() {
        static std::atomic<int> counter{0};
        path = fs::temp_directory_path() /
               ("fluxon_array_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~array_dir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    std::string file(const std::string& name) const { return (path / name).string(); }
};

template <class T>
std::string raw_bytes(const std::vector<T>& values) {
    std::string out(values.size() * sizeof(T), '\0');
    if (!values.empty()) std::memcpy(out.data(), values.data(), out.size());
    return out;  // the test machine is little-endian, like the .npy data fluxon accepts
}

// Writes a .npy file byte by byte as numpy.save does: magic, version, header length, the dict
// padded with spaces to a multiple of 64 bytes and ended by '\n', then the data.
void write_npy(const std::string& path, const std::string& descr, const std::string& shape, const std::string& data,
               const std::string& fortran = "False", int major = 1) {
    std::string dict = "{'descr': '" + descr + "', 'fortran_order': " + fortran + ", 'shape': " + shape + ", }";
    const std::size_t preamble = major == 1 ? 10 : 12;
    while ((preamble + dict.size() + 1) % 64 != 0) dict += ' ';
    dict += '\n';
    std::string file = "\x93NUMPY";
    file += static_cast<char>(major);
    file += '\0';
    const std::size_t n = dict.size();
    file += static_cast<char>(n & 0xff);
    file += static_cast<char>((n >> 8) & 0xff);
    if (major != 1) {
        file += static_cast<char>((n >> 16) & 0xff);
        file += static_cast<char>((n >> 24) & 0xff);
    }
    std::ofstream(path, std::ios::binary) << file << dict << data;
}

template <class F>
const io_error expect_io_error(F f) {
    try {
        f();
    } catch (const io_error& e) {
        return e;
    }
    FAIL("expected an io_error");
    return io_error("", {});
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

constexpr std::string_view weights = "projection 'ee' weights";

}  // namespace

TEST_CASE("io: read_numeric_array reads .npy files of every supported dtype") {
    array_dir dir;
    const auto check = [&](const std::string& descr, const std::string& shape, const std::string& data,
                           const std::vector<double>& expected) {
        CAPTURE(descr);
        const std::string path = dir.file("a.npy");
        write_npy(path, descr, shape, data);
        CHECK(read_numeric_array(path, weights) == expected);
    };
    check("<f8", "(3,)", raw_bytes<double>({1.5, -2.0, 3e10}), {1.5, -2.0, 3e10});
    check("<f4", "(2,)", raw_bytes<float>({0.5f, 2.25f}), {0.5, 2.25});
    check("<i8", "(2, 3)", raw_bytes<std::int64_t>({1, 2, 3, -4, 5, -6}), {1, 2, 3, -4, 5, -6});
    check("<i4", "(2,)", raw_bytes<std::int32_t>({-7, 2147483647}), {-7, 2147483647.0});
    check("<u4", "(2,)", raw_bytes<std::uint32_t>({0, 4294967295u}), {0, 4294967295.0});
    check("<u8", "(1,)", raw_bytes<std::uint64_t>({1ull << 40}), {1099511627776.0});
    check("<i2", "(2,)", raw_bytes<std::int16_t>({-32768, 5}), {-32768, 5});
    check("<u2", "(1,)", raw_bytes<std::uint16_t>({65535}), {65535});
    check("|u1", "(3,)", raw_bytes<std::uint8_t>({0, 7, 255}), {0, 7, 255});
    check("|i1", "(2,)", raw_bytes<std::int8_t>({-128, 127}), {-128, 127});
    check("|b1", "(3,)", raw_bytes<std::uint8_t>({1, 0, 1}), {1, 0, 1});
    check("<f8", "(0,)", "", {});
    check("<f8", "(2, 0)", "", {});

    const std::string v2 = dir.file("v2.npy");
    write_npy(v2, "<f8", "(2,)", raw_bytes<double>({0.25, 4.0}), "False", 2);
    CHECK(read_numeric_array(v2, weights) == std::vector<double>{0.25, 4.0});
    const std::string v3 = dir.file("v3.NPY");
    write_npy(v3, "<i4", "(2, 1)", raw_bytes<std::int32_t>({9, 8}), "False", 3);
    CHECK(read_numeric_array(v3, weights) == std::vector<double>{9, 8});
}

TEST_CASE("io: read_index_array accepts integers and whole floats only") {
    array_dir dir;
    const std::string path = dir.file("idx.npy");
    write_npy(path, "<i8", "(3,)", raw_bytes<std::int64_t>({0, 5, 9}));
    CHECK(read_index_array(path, "ids") == std::vector<std::int64_t>{0, 5, 9});
    write_npy(path, "<u2", "(2,)", raw_bytes<std::uint16_t>({3, 65535}));
    CHECK(read_index_array(path, "ids") == std::vector<std::int64_t>{3, 65535});
    write_npy(path, "<f8", "(3,)", raw_bytes<double>({0.0, 3.0, 7.0}));
    CHECK(read_index_array(path, "ids") == std::vector<std::int64_t>{0, 3, 7});

    write_npy(path, "<f8", "(2,)", raw_bytes<double>({1.0, 1.5}));
    io_error e = expect_io_error([&] { read_index_array(path, "source 'in' ids"); });
    CHECK(e.site().file == path);
    CHECK(contains(e.what(), "source 'in' ids"));
    CHECK(contains(e.what(), "element 1 is 1.5, not an integer"));

    write_npy(path, "<f4", "(1,)", raw_bytes<float>({std::numeric_limits<float>::quiet_NaN()}));
    CHECK(contains(expect_io_error([&] { read_index_array(path, "ids"); }).what(), "not an integer"));

    write_npy(path, "<u8", "(1,)", raw_bytes<std::uint64_t>({1ull << 63}));
    CHECK(contains(expect_io_error([&] { read_index_array(path, "ids"); }).what(), "too large"));
    CHECK(read_numeric_array(path, "ids") == std::vector<double>{9223372036854775808.0});
}

TEST_CASE("io: bad .npy files are io_errors naming the file and the array") {
    array_dir dir;
    const std::string path = dir.file("bad.npy");
    const auto error_for = [&](auto write) {
        write();
        return expect_io_error([&] { read_numeric_array(path, weights); });
    };
    const auto check_error = [&](const io_error& e, const std::string& part) {
        const std::string message = e.what();
        CAPTURE(message);
        CHECK(e.site().file == path);
        CHECK(contains(e.what(), std::string(weights)));
        CHECK(contains(e.what(), part));
    };

    check_error(error_for([&] { write_npy(path, "<f8", "(2,)", raw_bytes<double>({1, 2}), "True"); }),
                "fortran_order is True");
    check_error(error_for([&] { write_npy(path, ">f8", "(1,)", raw_bytes<double>({1})); }), "big-endian");
    check_error(error_for([&] { write_npy(path, ">f8", "(1,)", raw_bytes<double>({1})); }), "'>f8'");
    check_error(error_for([&] { write_npy(path, "|O", "(1,)", std::string(8, '\0')); }), "object arrays");
    check_error(error_for([&] { write_npy(path, "<c16", "(1,)", std::string(16, '\0')); }), "'<c16'");
    check_error(error_for([&] { write_npy(path, "<f8", "(1, 2, 3)", std::string(48, '\0')); }),
                "1-D or 2-D array, got shape (1, 2, 3)");
    check_error(error_for([&] { write_npy(path, "<f8", "()", std::string(8, '\0')); }), "1-D or 2-D");
    check_error(error_for([&] { write_npy(path, "<f8", "(4,)", raw_bytes<double>({1, 2, 3})); }),
                "truncated .npy file: the header promises 4 elements (32 bytes of data) but only 24 bytes follow");
    check_error(error_for([&] { std::ofstream(path) << "1.0, 2.0\n"; }), "not a .npy file");
    // Literals with embedded NULs, so written with their exact lengths.
    static constexpr char short_header[] = "\x93NUMPY\x01\x00\x40\x00{'descr'";
    static constexpr char no_descr[] = "\x93NUMPY\x01\x00\x10\x00{'shape': (1,)}\n";
    const auto write_literal = [&](const char* bytes, std::size_t n) {
        std::ofstream(path, std::ios::binary).write(bytes, static_cast<std::streamsize>(n));
    };
    check_error(error_for([&] { write_literal(short_header, sizeof short_header - 1); }), "truncated .npy header");
    // A version 3 header claiming 4 GiB in a 62-byte file (found by tests/fuzz/array_npy): refused
    // before anything that size is allocated.
    static constexpr char huge_header[] = "\x93NUMPY\x03\x00\x8b\xff\xff\xff{'descr': '<f8'}";
    check_error(error_for([&] { write_literal(huge_header, sizeof huge_header - 1); }),
                "it says it is 4294967179 bytes long, more than the 1048576");
    check_error(error_for([&] { write_npy(path, "<f8", "[2]", raw_bytes<double>({1, 2})); }), "shape is not a tuple");
    check_error(error_for([&] { write_literal(no_descr, sizeof no_descr - 1); }), "no 'descr' entry");
    fs::remove(path);
    check_error(error_for([] {}), "file not found");

    const io_error odd = expect_io_error([&] { read_numeric_array(dir.file("w.txt"), weights); });
    CHECK(odd.site().file == dir.file("w.txt"));
    CHECK(contains(odd.what(), "expected a .npy file or FILE.h5:/group/dataset"));
    const io_error bare = expect_io_error([&] { read_numeric_array(dir.file("w.h5"), weights); });
    CHECK(contains(bare.what(), "needs a dataset path"));
}

TEST_CASE("io: array specs split at the last ':' after .h5 or .hdf5") {
    CHECK(parse_array_spec("w.npy", weights).file == "w.npy");
    CHECK(parse_array_spec("w.npy", weights).dataset.empty());
    const array_spec a = parse_array_spec("data/w.h5:/g/w", weights);
    CHECK(a.file == "data/w.h5");
    CHECK(a.dataset == "/g/w");
    const array_spec b = parse_array_spec("C:/runs.h5:old/w.HDF5:/x:y", weights);
    CHECK(b.file == "C:/runs.h5:old/w.HDF5");
    CHECK(b.dataset == "/x:y");
    CHECK_THROWS_AS(parse_array_spec("w.h5:", weights), io_error);

    const array_spec c = parse_array_spec("runs:1/w.NPZ:fc1.weight", weights);
    CHECK(c.file == "runs:1/w.NPZ");
    CHECK(c.member == "fc1.weight");
    CHECK(c.dataset.empty());
    CHECK(parse_array_spec("w.npz:a:b", weights).member == "a:b");
    CHECK(parse_array_spec("w.h5:/x", weights).member.empty());
    const io_error bare = expect_io_error([] { parse_array_spec("w.npz", weights); });
    CHECK(bare.site().file == "w.npz");
    CHECK(contains(bare.what(), "write FILE.npz:name"));
    CHECK(contains(expect_io_error([] { parse_array_spec("w.npz:", weights); }).what(), "write FILE.npz:name"));
}

TEST_CASE("io: arrays from HDF5 datasets") {
    array_dir dir;
    fs::create_directories(dir.path / "with:colon");
    const std::string path = (dir.path / "with:colon" / "arrays.h5").string();
    {
        h5::file f = h5::file::create(path);
        const h5::group g = f.root().create_group("net");
        g.write_vector<double>("w", std::vector<double>{0.5, -1.25, 2.0});
        g.write_vector<std::int32_t>("ids", std::vector<std::int32_t>{4, 0, 2});
        g.write_vector<double>("fractional", std::vector<double>{1.0, 2.5});
        g.write_vector<std::uint64_t>("huge", std::vector<std::uint64_t>{1ull << 63});
        g.write_string("label", "not numbers");
        const h5::group deep = g.create_group("deep");
        deep.write_scalar("scalar", 1.0);
        h5::dataset m = g.create_extendible_rows<float>("matrix", 2, 16);
        m.append_rows<float>(std::vector<float>{1, 2, 3, 4, 5, 6}, 3);
        f.close();
    }
    CHECK(read_numeric_array(path + ":/net/w", weights) == std::vector<double>{0.5, -1.25, 2.0});
    CHECK(read_numeric_array(path + ":net/w", weights) == std::vector<double>{0.5, -1.25, 2.0});
    CHECK(read_numeric_array(path + ":/net/matrix", weights) == std::vector<double>{1, 2, 3, 4, 5, 6});
    CHECK(read_index_array(path + ":/net/ids", "ids") == std::vector<std::int64_t>{4, 0, 2});
    CHECK(read_index_array(path + ":/net/matrix", "ids") == std::vector<std::int64_t>{1, 2, 3, 4, 5, 6});

    const auto check_error = [&](const std::string& spec, const std::string& file, const std::string& part) {
        CAPTURE(spec);
        const io_error e = expect_io_error([&] { read_index_array(spec, weights); });
        const std::string message = e.what();
        CAPTURE(message);
        CHECK(e.site().file == file);
        CHECK(contains(e.what(), std::string(weights)));
        CHECK(contains(e.what(), part));
    };
    check_error(path + ":/net/missing", path, "no dataset '/net/missing'");
    check_error(path + ":/nope/w", path, "no dataset '/nope/w'");
    check_error(path + ":/net/deep", path, "is a group");
    check_error(path + ":/net/label", path, "does not hold numbers");
    check_error(path + ":/net/deep/scalar", path, "0 dimensions");
    check_error(path + ":/net/fractional", path, "element 1 is 2.5, not an integer");
    check_error(path + ":/net/huge", path, "too large");
    check_error(dir.file("absent.h5") + ":/w", dir.file("absent.h5"), "file not found");
    const std::string text = dir.file("text.hdf5");
    std::ofstream(text) << "hello\n";
    check_error(text + ":/w", text, "not an HDF5 file");
}

namespace {

// Each element as the test wrote it, converted to double as the reader does.
template <class T>
std::vector<double> as_doubles(const std::vector<T>& values) {
    return std::vector<double>(values.begin(), values.end());
}

std::string file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("io: read_tensor keeps the shape of .npy arrays of any rank") {
    array_dir dir;
    std::vector<float> cube(24);
    for (std::size_t i = 0; i < cube.size(); ++i) cube[i] = static_cast<float>(i) * 0.25f - 3.0f;
    const std::string p3 = dir.file("w3.npy");
    write_npy(p3, "<f4", "(2, 3, 4)", raw_bytes(cube));
    const tensor t3 = read_tensor(p3, weights);
    CHECK(t3.shape == std::vector<std::int64_t>{2, 3, 4});
    CHECK(t3.values == as_doubles(cube));
    CHECK(t3.values[1 * 12 + 2 * 4 + 3] == 23 * 0.25 - 3.0);  // C order: [1][2][3] is the last

    std::vector<float> kernel(12);
    for (std::size_t i = 0; i < kernel.size(); ++i) kernel[i] = 0.1f * static_cast<float>(i) - 0.5f;
    const std::string p4 = dir.file("w4.npy");
    write_npy(p4, "<f4", "(2, 1, 3, 2)", raw_bytes(kernel));
    const tensor t4 = read_tensor(p4, weights);
    CHECK(t4.shape == std::vector<std::int64_t>{2, 1, 3, 2});
    CHECK(t4.values == as_doubles(kernel));

    const std::string p = dir.file("a.npy");
    write_npy(p, "<i2", "(3, 1, 2)", raw_bytes<std::int16_t>({-32768, 1, 2, 3, 4, 32767}));
    CHECK(read_tensor(p, weights).shape == std::vector<std::int64_t>{3, 1, 2});
    CHECK(read_tensor(p, weights).values == std::vector<double>{-32768, 1, 2, 3, 4, 32767});
    write_npy(p, "<u8", "(1, 1, 1, 1, 2)", raw_bytes<std::uint64_t>({0, 1ull << 63}), "False", 2);
    CHECK(read_tensor(p, weights).shape == std::vector<std::int64_t>{1, 1, 1, 1, 2});
    CHECK(read_tensor(p, weights).values == std::vector<double>{0, 9223372036854775808.0});
    write_npy(p, "|b1", "(4,)", raw_bytes<std::uint8_t>({1, 0, 0, 1}));
    CHECK(read_tensor(p, weights).shape == std::vector<std::int64_t>{4});
    CHECK(read_tensor(p, weights).values == std::vector<double>{1, 0, 0, 1});
    write_npy(p, "<f8", "(2, 0, 3)", "");
    CHECK(read_tensor(p, weights).shape == std::vector<std::int64_t>{2, 0, 3});
    CHECK(read_tensor(p, weights).values.empty());

    constexpr double inf = std::numeric_limits<double>::infinity();
    write_npy(p, "<f8", "(1, 3)", raw_bytes<double>({std::nan(""), inf, -inf}));
    const tensor odd = read_tensor(p, weights);
    CHECK(odd.shape == std::vector<std::int64_t>{1, 3});
    CHECK(std::isnan(odd.values[0]));
    CHECK(odd.values[1] == inf);
    CHECK(odd.values[2] == -inf);

    write_npy(p, "<f8", "()", raw_bytes<double>({1.0}));
    const io_error scalar = expect_io_error([&] { read_tensor(p, "layer 'fc1' weights"); });
    CHECK(scalar.site().file == p);
    CHECK(contains(scalar.what(), "layer 'fc1' weights: "));
    CHECK(contains(scalar.what(), "got a 0-d array"));
    write_npy(p, "<f4", "(2, 3, 4)", raw_bytes(std::vector<float>(23)));
    CHECK(contains(expect_io_error([&] { read_tensor(p, weights); }).what(), "truncated .npy file"));
    CHECK(contains(expect_io_error([&] { read_tensor(dir.file("none.npy"), weights); }).what(), "file not found"));

    // The config readers still take 1-D and 2-D arrays only.
    CHECK(contains(expect_io_error([&] { read_numeric_array(p3, weights); }).what(),
                   "expected a 1-D or 2-D array, got shape (2, 3, 4)"));
}

TEST_CASE("io: read_tensor reads HDF5 datasets of any rank") {
    array_dir dir;
    const std::string path = dir.file("net.hdf5");
    const std::vector<float> cube{0.5f, -1.5f, 2.25f, 3.0f, -0.125f, 8.0f, 1e-3f, 7.0f, 6.0f, 5.0f, 4.0f, 3.5f};
    const std::vector<std::int16_t> kernel{-3, -2, -1, 0, 1, 2, 3, 4};
    {
        h5::file f = h5::file::create(path);
        const h5::group g = f.root().create_group("net");
        // hdf5.hpp writes 1-D and 2-D datasets only; an N-D one takes the C API, with the
        // wrapper's handles to close what it opens.
        const auto write_nd = [&](const char* name, const std::vector<hsize_t>& dims, hid_t stored, hid_t memory,
                                  const void* data) {
            const h5::dataspace_handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr));
            const h5::dataset_handle d(
                H5Dcreate2(g.id(), name, stored, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
            REQUIRE(d);
            REQUIRE(H5Dwrite(d.get(), memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0);
        };
        write_nd("w3", {2, 3, 2}, H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, cube.data());
        write_nd("k4", {2, 1, 2, 2}, H5T_STD_I16LE, H5T_NATIVE_INT16, kernel.data());
        g.write_vector<double>("bias", std::vector<double>{0.5, std::nan("")});
        g.write_scalar("scalar", 1.0);
        g.write_string("label", "not numbers");
        f.close();
    }
    const tensor w3 = read_tensor(path + ":/net/w3", weights);
    CHECK(w3.shape == std::vector<std::int64_t>{2, 3, 2});
    CHECK(w3.values == as_doubles(cube));
    const tensor k4 = read_tensor(path + ":net/k4", weights);
    CHECK(k4.shape == std::vector<std::int64_t>{2, 1, 2, 2});
    CHECK(k4.values == as_doubles(kernel));
    const tensor bias = read_tensor(path + ":/net/bias", weights);
    CHECK(bias.shape == std::vector<std::int64_t>{2});
    CHECK(bias.values[0] == 0.5);
    CHECK(std::isnan(bias.values[1]));

    const auto check_error = [&](const std::string& spec, const std::string& part) {
        CAPTURE(spec);
        const io_error e = expect_io_error([&] { read_tensor(spec, weights); });
        const std::string message = e.what();
        CAPTURE(message);
        CHECK(e.site().file == path);
        CHECK(contains(message, std::string(weights) + ": "));
        CHECK(contains(message, part));
    };
    check_error(path + ":/net/scalar", "is a scalar");
    check_error(path + ":/net/label", "does not hold numbers");
    check_error(path + ":/net/missing", "no dataset '/net/missing'");
    check_error(path + ":/net", "is a group");
    CHECK(contains(expect_io_error([&] { read_numeric_array(path + ":/net/w3", weights); }).what(),
                   "dataset '/net/w3' has 3 dimensions, expected a 1-D or 2-D array"));
}

TEST_CASE("io: arrays from .npz archives (np.savez, np.savez_compressed)") {
    array_dir dir;
    // numpy writes the archives, so the reader is checked against the real format rather than
    // against this test's idea of it.
    const std::string script = dir.file("make.py");
    std::ofstream(script) << R"(import sys
import numpy as np
d = sys.argv[1]
arrays = {
    'fc1.weight': np.array([[0.5, -1.25, 3.0], [1e-3, 2.0, -0.0]]),
    'fc1.bias': np.array([-1, 7], dtype=np.int32),
    'conv': (np.arange(24, dtype=np.float32) * 0.25 - 3).reshape(2, 3, 4),
    'k4': (np.arange(12, dtype=np.int16) - 5).reshape(2, 1, 2, 3),
    'ids': np.array([0, 4, 2], dtype=np.int64),
    'odd': np.array([np.nan, np.inf, -np.inf], dtype=np.float32),
    'scalar': np.float64(2.5),
    'fortran': np.asfortranarray(np.ones((2, 3))),
}
np.savez(d + '/plain.npz', **arrays)
np.savez_compressed(d + '/packed.npz', **arrays)
np.savez(d + '/empty.npz')
np.savez(d + '/big.npz', big=np.arange(4096) * 0.37)
np.savez_compressed(d + '/bigz.npz', big=np.arange(4096) * 0.37)
)";
    const std::string command = "/usr/bin/python3 '" + script + "' '" + dir.path.string() + "'";
    REQUIRE_MESSAGE(std::system(command.c_str()) == 0, "cannot write .npz files with /usr/bin/python3 and numpy "
                                                       "(python3-numpy, installed by scripts/setup.sh)");

    std::vector<double> conv(24);
    for (std::size_t i = 0; i < conv.size(); ++i) conv[i] = static_cast<double>(i) * 0.25 - 3;
    for (const char* name : {"plain.npz", "packed.npz"}) {
        const std::string path = dir.file(name);
        CAPTURE(path);
        const tensor w = read_tensor(path + ":fc1.weight", weights);
        CHECK(w.shape == std::vector<std::int64_t>{2, 3});
        CHECK(w.values == std::vector<double>{0.5, -1.25, 3.0, 1e-3, 2.0, -0.0});
        CHECK(std::signbit(w.values[5]));
        const tensor b = read_tensor(path + ":fc1.bias", weights);
        CHECK(b.shape == std::vector<std::int64_t>{2});
        CHECK(b.values == std::vector<double>{-1, 7});
        const tensor c = read_tensor(path + ":conv", weights);
        CHECK(c.shape == std::vector<std::int64_t>{2, 3, 4});
        CHECK(c.values == conv);
        const tensor k = read_tensor(path + ":k4", weights);
        CHECK(k.shape == std::vector<std::int64_t>{2, 1, 2, 3});
        CHECK(k.values == std::vector<double>{-5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6});
        const tensor odd = read_tensor(path + ":odd", weights);
        CHECK(std::isnan(odd.values[0]));
        CHECK(odd.values[1] == std::numeric_limits<double>::infinity());
        CHECK(odd.values[2] == -std::numeric_limits<double>::infinity());

        // The config readers take .npz members too, 1-D and 2-D ones.
        CHECK(read_numeric_array(path + ":fc1.weight", weights) ==
              std::vector<double>{0.5, -1.25, 3.0, 1e-3, 2.0, -0.0});
        CHECK(read_index_array(path + ":ids", "ids") == std::vector<std::int64_t>{0, 4, 2});

        const auto check_error = [&](const io_error& e, const std::string& part) {
            const std::string message = e.what();
            CAPTURE(message);
            CHECK(e.site().file == path);
            CHECK(contains(message, std::string(weights) + ": "));
            CHECK(contains(message, part));
        };
        check_error(expect_io_error([&] { read_tensor(path + ":fc1", weights); }),
                    std::string("no array 'fc1' in ") + name +
                        "; it holds: fc1.weight, fc1.bias, conv, k4, ids, odd, scalar, fortran");
        check_error(expect_io_error([&] { read_numeric_array(path + ":conv", weights); }),
                    "array 'conv': expected a 1-D or 2-D array, got shape (2, 3, 4)");
        check_error(expect_io_error([&] { read_tensor(path + ":scalar", weights); }),
                    "array 'scalar': expected an array of one or more dimensions, got a 0-d array");
        check_error(expect_io_error([&] { read_tensor(path + ":fortran", weights); }),
                    "array 'fortran': unsupported .npy layout: fortran_order is True");
        check_error(expect_io_error([&] { read_index_array(path + ":fc1.weight", weights); }),
                    "element 0 is 0.5, not an integer");
        check_error(expect_io_error([&] { read_tensor(path, weights); }), "write FILE.npz:name");
    }

    const std::string empty = dir.file("empty.npz");
    CHECK(contains(expect_io_error([&] { read_tensor(empty + ":w", weights); }).what(),
                   "no array 'w' in empty.npz; it holds no arrays"));
    const io_error absent = expect_io_error([&] { read_tensor(dir.file("absent.npz") + ":w", weights); });
    CHECK(absent.site().file == dir.file("absent.npz"));
    CHECK(contains(absent.what(), "file not found"));

    for (const char* name : {"big.npz", "bigz.npz"}) {
        const tensor big = read_tensor(dir.file(name) + ":big", weights);
        CHECK(big.shape == std::vector<std::int64_t>{4096});
        CHECK(big.values[4095] == 4095 * 0.37);
    }

    // Corrupt archives: not a zip at all, cut short, and a flipped byte in the member's data
    // (caught by the CRC when stored, by the CRC or inflate when deflated).
    const auto check_corrupt = [&](const std::string& label, const std::string& bytes) {
        CAPTURE(label);
        const std::string path = dir.file("corrupt.npz");
        std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
        const io_error e = expect_io_error([&] { read_tensor(path + ":big", weights); });
        const std::string message = e.what();
        CAPTURE(message);
        CHECK(e.site().file == path);
        CHECK(contains(message, std::string(weights) + ": corrupt or unreadable .npz archive"));
    };
    check_corrupt("text", "these are not the weights you are looking for\n");
    for (const char* name : {"big.npz", "bigz.npz"}) {
        const std::string whole = file_bytes(dir.file(name));
        REQUIRE(whole.size() > 1000);
        check_corrupt(std::string(name) + " cut in half", whole.substr(0, whole.size() / 2));
        std::string flipped = whole;
        flipped[whole.size() / 3] = static_cast<char>(flipped[whole.size() / 3] ^ 0x5a);
        check_corrupt(std::string(name) + " with a flipped byte", flipped);
    }
}

TEST_SUITE_END();
