#include <doctest/doctest.h>

#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>
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

TEST_SUITE_END();
