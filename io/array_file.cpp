#include "io/array_file.hpp"

#include <algorithm>
#include <bit>
#include <cctype>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <istream>
#include <limits>
#include <memory>
#include <span>
#include <streambuf>

#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "engine/base/errors.hpp"
#include "io/hdf5.hpp"
#include "io/isolated_read.hpp"

namespace fluxon::io {

namespace {

[[noreturn]] void fail(const std::string& file, const std::string& message) {
    throw io_error(message, h5::file_site(file));
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

bool ends_with_ci(std::string_view s, std::string_view suffix) { return lower(s).ends_with(suffix); }

// Config values are per-neuron or per-synapse lists, so their readers take 1-D and 2-D arrays
// only; a layer's weights keep their shape and may have any number of dimensions.
enum class rank_rule { one_or_two, any };

// ---- .npy -------------------------------------------------------------------------------
// Format: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html

enum class element_kind { float64, float32, int64, int32, int16, int8, uint64, uint32, uint16, uint8, boolean };

struct npy_dtype {
    element_kind kind;
    std::size_t size;
};

// The one value kinds a .npy header dict uses, plus "other" for what fluxon does not read.
struct header_value {
    enum class type { string, boolean, tuple, other } kind = type::other;
    std::string text;
    bool flag = false;
    std::vector<std::uint64_t> numbers;
};

// Parses the Python dict literal of a .npy header, e.g.
// {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }
class header_parser {
public:
    header_parser(std::string_view text, const std::string& file) : text_(text), file_(file) {}

    std::vector<std::pair<std::string, header_value>> parse_dict() {
        std::vector<std::pair<std::string, header_value>> entries;
        expect('{');
        while (!consume('}')) {
            std::string key = parse_string();
            expect(':');
            entries.emplace_back(std::move(key), parse_value());
            if (!consume(',')) {
                expect('}');
                break;
            }
        }
        return entries;
    }

private:
    [[noreturn]] void malformed(std::string_view why) const {
        fail(file_, fmt::format("malformed .npy header ({} at offset {}): {}", why, pos_, text_));
    }

    void skip_space() {
        while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    }

    bool consume(char c) {
        skip_space();
        if (pos_ < text_.size() && text_[pos_] == c) {
            ++pos_;
            return true;
        }
        return false;
    }

    void expect(char c) {
        if (!consume(c)) malformed(fmt::format("expected '{}'", c));
    }

    std::string parse_string() {
        skip_space();
        if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"')) malformed("expected a string");
        const char quote = text_[pos_++];
        std::string out;
        while (pos_ < text_.size() && text_[pos_] != quote) {
            if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) ++pos_;
            out += text_[pos_++];
        }
        if (pos_ >= text_.size()) malformed("unterminated string");
        ++pos_;
        return out;
    }

    std::uint64_t parse_integer() {
        skip_space();
        const std::size_t begin = pos_;
        std::uint64_t value = 0;
        while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) {
            const std::uint64_t digit = static_cast<std::uint64_t>(text_[pos_++] - '0');
            if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) malformed("dimension too large");
            value = value * 10 + digit;
        }
        if (pos_ == begin) malformed("expected a dimension");
        if (pos_ < text_.size() && text_[pos_] == 'L') ++pos_;  // Python 2 long literal
        return value;
    }

    header_value parse_tuple() {
        header_value v;
        v.kind = header_value::type::tuple;
        while (!consume(')')) {
            v.numbers.push_back(parse_integer());
            if (!consume(',')) {
                expect(')');
                break;
            }
        }
        return v;
    }

    // Lists and nested dicts (structured dtypes) are skipped whole; the caller rejects them.
    header_value skip_nested(char open, char close) {
        int depth = 1;
        while (pos_ < text_.size() && depth > 0) {
            const char c = text_[pos_];
            if (c == '\'' || c == '"') {
                parse_string();
                continue;
            }
            depth += c == open ? 1 : c == close ? -1 : 0;
            ++pos_;
        }
        if (depth > 0) malformed("unterminated list");
        header_value v;
        v.text = "a structured dtype";
        return v;
    }

    header_value parse_value() {
        skip_space();
        if (pos_ >= text_.size()) malformed("expected a value");
        const char c = text_[pos_];
        if (c == '\'' || c == '"') {
            header_value v;
            v.kind = header_value::type::string;
            v.text = parse_string();
            return v;
        }
        if (consume('(')) return parse_tuple();
        if (consume('[')) return skip_nested('[', ']');
        if (consume('{')) return skip_nested('{', '}');
        for (const auto& [word, flag] : {std::pair{"True", true}, std::pair{"False", false}}) {
            if (text_.substr(pos_).starts_with(word)) {
                pos_ += std::strlen(word);
                header_value v;
                v.kind = header_value::type::boolean;
                v.flag = flag;
                return v;
            }
        }
        malformed("unexpected value");
    }

    std::string_view text_;
    const std::string& file_;
    std::size_t pos_ = 0;
};

npy_dtype decode_dtype(const header_value& descr, const std::string& file) {
    if (descr.kind != header_value::type::string)
        fail(file, "unsupported .npy dtype: " + (descr.text.empty() ? std::string("not a simple type") : descr.text) +
                       "; expected a plain numeric array");
    const std::string& d = descr.text;
    if (d.size() >= 2 && d[1] == 'O') fail(file, "unsupported .npy dtype '" + d + "': object arrays cannot be read");
    if (d.size() < 3) fail(file, "unsupported .npy dtype '" + d + "'");
    const char order = d[0];
    const std::string code = d.substr(1);
    const bool single_byte = code.size() == 2 && code[1] == '1';
    if (order == '>' && !single_byte)
        fail(file, "unsupported .npy dtype '" + d + "': big-endian data; save it little-endian, e.g. a.astype('<" +
                       code + "')");
    if (order != '<' && order != '|' && !(order == '>' && single_byte))
        fail(file, "unsupported .npy dtype '" + d + "'");
    static const std::pair<const char*, npy_dtype> known[] = {
        {"f8", {element_kind::float64, 8}}, {"f4", {element_kind::float32, 4}}, {"i8", {element_kind::int64, 8}},
        {"i4", {element_kind::int32, 4}},   {"i2", {element_kind::int16, 2}},   {"i1", {element_kind::int8, 1}},
        {"u8", {element_kind::uint64, 8}},  {"u4", {element_kind::uint32, 4}},  {"u2", {element_kind::uint16, 2}},
        {"u1", {element_kind::uint8, 1}},   {"b1", {element_kind::boolean, 1}},
    };
    for (const auto& [name, type] : known)
        if (code == name) return type;
    fail(file, "unsupported .npy dtype '" + d + "'; expected one of f8 f4 i8 i4 i2 i1 u8 u4 u2 u1 bool");
}

std::string shape_text(const std::vector<std::uint64_t>& shape) {
    if (shape.size() == 1) return fmt::format("({},)", shape[0]);
    return fmt::format("({})", fmt::join(shape, ", "));
}

struct npy_header {
    npy_dtype dtype;
    std::vector<std::uint64_t> shape;
    std::uint64_t count = 0;
    std::size_t data_offset = 0;
};

std::uint32_t read_le_u32(const unsigned char* p) {
    return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
           static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}

npy_header read_npy_header(std::istream& in, const std::string& file, rank_rule rule) {
    unsigned char preamble[12] = {};
    in.read(reinterpret_cast<char*>(preamble), 10);
    if (in.gcount() != 10 || std::memcmp(preamble, "\x93NUMPY", 6) != 0)
        fail(file, "not a .npy file (no \\x93NUMPY magic)");
    const unsigned major = preamble[6];
    std::size_t header_length = 0;
    std::size_t preamble_length = 10;
    if (major == 1) {
        header_length = static_cast<std::size_t>(preamble[8]) | static_cast<std::size_t>(preamble[9]) << 8;
    } else if (major == 2 || major == 3) {
        in.read(reinterpret_cast<char*>(preamble + 10), 2);
        if (in.gcount() != 2) fail(file, "truncated .npy header");
        header_length = read_le_u32(preamble + 8);
        preamble_length = 12;
    } else {
        fail(file, fmt::format("unsupported .npy format version {}.{}", major, preamble[7]));
    }
    // The length comes from the file: a damaged one must not make us allocate gigabytes before
    // reading finds it short. NumPy's own reader refuses headers above 10000 bytes by default.
    constexpr std::size_t max_header_length = 1 << 20;
    if (header_length > max_header_length)
        fail(file, fmt::format("malformed .npy header: it says it is {} bytes long, more than the {} a .npy header "
                               "can reasonably have (the file is damaged)",
                               header_length, max_header_length));
    std::string text(header_length, '\0');
    in.read(text.data(), static_cast<std::streamsize>(header_length));
    if (static_cast<std::size_t>(in.gcount()) != header_length) fail(file, "truncated .npy header");

    header_parser parser(text, file);
    const auto entries = parser.parse_dict();
    const auto find = [&](std::string_view key) -> const header_value& {
        for (const auto& [k, v] : entries)
            if (k == key) return v;
        fail(file, fmt::format("malformed .npy header: no '{}' entry", key));
    };
    npy_header header;
    header.dtype = decode_dtype(find("descr"), file);
    const header_value& fortran = find("fortran_order");
    if (fortran.kind != header_value::type::boolean) fail(file, "malformed .npy header: fortran_order is not a bool");
    if (fortran.flag)
        fail(file, "unsupported .npy layout: fortran_order is True; save a C-ordered array, e.g. "
                   "np.ascontiguousarray(a)");
    const header_value& shape = find("shape");
    if (shape.kind != header_value::type::tuple) fail(file, "malformed .npy header: shape is not a tuple");
    if (rule == rank_rule::one_or_two && (shape.numbers.empty() || shape.numbers.size() > 2))
        fail(file, "expected a 1-D or 2-D array, got shape " + shape_text(shape.numbers));
    if (shape.numbers.empty())
        fail(file, "expected an array of one or more dimensions, got a 0-d array (shape ())");
    header.shape = shape.numbers;
    header.count = 1;
    for (std::uint64_t d : shape.numbers) {
        if (d != 0 && header.count > std::numeric_limits<std::uint64_t>::max() / header.dtype.size / d)
            fail(file, "array shape " + shape_text(shape.numbers) + " is too large");
        header.count *= d;
    }
    header.data_offset = preamble_length + header_length;
    return header;
}

template <class T>
T load_le(const unsigned char* p) {
    using bits_t = std::conditional_t<sizeof(T) == 1, std::uint8_t,
                   std::conditional_t<sizeof(T) == 2, std::uint16_t,
                   std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>>>;
    bits_t bits = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) bits |= static_cast<bits_t>(static_cast<bits_t>(p[i]) << (8 * i));
    return std::bit_cast<T>(bits);
}

// Calls emit(value) for each element in order, with the element's own C++ type.
template <class Emit>
void decode_elements(const std::vector<unsigned char>& bytes, npy_dtype dtype, Emit emit) {
    const std::size_t n = bytes.size() / dtype.size;
    const unsigned char* p = bytes.data();
    const auto each = [&]<class T>(T*) {
        for (std::size_t i = 0; i < n; ++i) emit(i, load_le<T>(p + i * sizeof(T)));
    };
    switch (dtype.kind) {
        case element_kind::float64: each(static_cast<double*>(nullptr)); break;
        case element_kind::float32: each(static_cast<float*>(nullptr)); break;
        case element_kind::int64: each(static_cast<std::int64_t*>(nullptr)); break;
        case element_kind::int32: each(static_cast<std::int32_t*>(nullptr)); break;
        case element_kind::int16: each(static_cast<std::int16_t*>(nullptr)); break;
        case element_kind::int8: each(static_cast<std::int8_t*>(nullptr)); break;
        case element_kind::uint64: each(static_cast<std::uint64_t*>(nullptr)); break;
        case element_kind::uint32: each(static_cast<std::uint32_t*>(nullptr)); break;
        case element_kind::uint16: each(static_cast<std::uint16_t*>(nullptr)); break;
        case element_kind::uint8: each(static_cast<std::uint8_t*>(nullptr)); break;
        case element_kind::boolean:
            for (std::size_t i = 0; i < n; ++i) emit(i, static_cast<std::uint8_t>(p[i] != 0));
            break;
    }
}

struct npy_data {
    npy_dtype dtype;
    std::vector<std::uint64_t> shape;
    std::vector<unsigned char> bytes;
};

void check_data_size(const npy_header& header, std::uint64_t available, const std::string& file) {
    const std::uint64_t wanted = header.count * header.dtype.size;
    if (available < wanted)
        fail(file, fmt::format("truncated .npy file: the header promises {} elements ({} bytes of data) but "
                               "only {} bytes follow",
                               header.count, wanted, available));
}

npy_data read_npy_file(const std::string& file, rank_rule rule) {
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) fail(file, "file not found");
    if (std::filesystem::is_directory(file, ec)) fail(file, "is a directory, expected a .npy file");
    std::ifstream in(file, std::ios::binary);
    if (!in) fail(file, "cannot open file for reading");
    const npy_header header = read_npy_header(in, file, rule);
    const std::uint64_t wanted = header.count * header.dtype.size;
    const std::uintmax_t file_size = std::filesystem::file_size(file, ec);
    check_data_size(header, !ec && file_size > header.data_offset ? file_size - header.data_offset : 0, file);
    npy_data data{.dtype = header.dtype,
                  .shape = header.shape,
                  .bytes = std::vector<unsigned char>(static_cast<std::size_t>(wanted))};
    in.read(reinterpret_cast<char*>(data.bytes.data()), static_cast<std::streamsize>(wanted));
    if (static_cast<std::uint64_t>(in.gcount()) != wanted) fail(file, "truncated .npy file: read failed");
    return data;
}

// Lets the header parser read bytes already in memory (an archive member) as it reads a file,
// without copying them into a stringstream.
class memory_buffer : public std::streambuf {
public:
    explicit memory_buffer(std::span<unsigned char> bytes) {
        char* begin = reinterpret_cast<char*>(bytes.data());
        setg(begin, begin, begin + bytes.size());
    }
};

// The whole .npy file is in `bytes`; its data is kept in place (the header is cut off the
// front) so a large member is never held twice.
npy_data read_npy_bytes(std::vector<unsigned char> bytes, const std::string& file, rank_rule rule) {
    memory_buffer buffer(bytes);
    std::istream in(&buffer);
    const npy_header header = read_npy_header(in, file, rule);
    check_data_size(header, bytes.size() > header.data_offset ? bytes.size() - header.data_offset : 0, file);
    bytes.erase(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(header.data_offset));
    bytes.resize(static_cast<std::size_t>(header.count * header.dtype.size));
    return npy_data{.dtype = header.dtype, .shape = header.shape, .bytes = std::move(bytes)};
}

// ---- .npz -------------------------------------------------------------------------------
// np.savez and np.savez_compressed write a zip archive holding one .npy file, "<name>.npy",
// per array; members are stored or deflated. libarchive reads the zip; the .npy reader above
// reads the member.

struct archive_closer {
    void operator()(archive* a) const { archive_read_free(a); }
};

// `member` is empty while the archive's own structure is read.
[[noreturn]] void fail_archive(const std::string& file, archive* a, std::string_view member = {}) {
    const char* why = archive_error_string(a);
    const std::string where = member.empty() ? std::string() : fmt::format("member '{}': ", member);
    fail(file, fmt::format("corrupt or unreadable .npz archive: {}{}", where, why ? why : "unknown libarchive error"));
}

std::vector<unsigned char> read_member_bytes(archive* a, archive_entry* entry, const std::string& file,
                                             std::string_view member) {
    std::vector<unsigned char> bytes;
    // The size comes from the archive itself, so a corrupt one could claim anything: trust it
    // only as a hint of reasonable size.
    if (archive_entry_size_is_set(entry) && archive_entry_size(entry) > 0 && archive_entry_size(entry) < (1LL << 30))
        bytes.reserve(static_cast<std::size_t>(archive_entry_size(entry)));
    constexpr std::size_t chunk = 1 << 16;
    for (;;) {
        const std::size_t used = bytes.size();
        bytes.resize(used + chunk);
        const la_ssize_t n = archive_read_data(a, bytes.data() + used, chunk);
        // A bad CRC comes back as ARCHIVE_WARN, which is negative too: the data is corrupt.
        if (n < 0) fail_archive(file, a, member);
        bytes.resize(used + static_cast<std::size_t>(n));
        if (n == 0) return bytes;
    }
}

npy_data read_npz_member(const array_spec& where, rank_rule rule) {
    const std::string& file = where.file;
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) fail(file, "file not found");
    if (std::filesystem::is_directory(file, ec)) fail(file, "is a directory, expected a .npz archive");
    const std::unique_ptr<archive, archive_closer> a(archive_read_new());
    if (!a) fail(file, "cannot read .npz archive: libarchive could not allocate a reader");
    archive_read_support_format_zip(a.get());
    if (archive_read_open_filename(a.get(), file.c_str(), 1 << 16) != ARCHIVE_OK) fail_archive(file, a.get());

    const std::string wanted = where.member + ".npy";
    std::vector<std::string> present;
    archive_entry* entry = nullptr;
    for (;;) {
        const int status = archive_read_next_header(a.get(), &entry);
        if (status == ARCHIVE_EOF) break;
        // ARCHIVE_WARN on a header is about its metadata (e.g. a name's charset), not its data.
        if (status != ARCHIVE_OK && status != ARCHIVE_WARN) fail_archive(file, a.get());
        const char* path = archive_entry_pathname(entry);
        const std::string name = path ? path : "";
        if (name == wanted) {
            std::vector<unsigned char> bytes = read_member_bytes(a.get(), entry, file, wanted);
            try {
                return read_npy_bytes(std::move(bytes), file, rule);
            } catch (const io_error& e) {
                throw io_error(fmt::format("array '{}': {}", where.member, e.detail()), e.site());
            }
        }
        present.push_back(name.ends_with(".npy") ? name.substr(0, name.size() - 4) : name);
    }
    const std::string archive_name = std::filesystem::path(file).filename().string();
    if (present.empty()) fail(file, fmt::format("no array '{}' in {}; it holds no arrays", where.member, archive_name));
    fail(file, fmt::format("no array '{}' in {}; it holds: {}", where.member, archive_name, fmt::join(present, ", ")));
}

// A .npy file, or a .npy member of a .npz archive.
npy_data read_npy_source(const array_spec& where, rank_rule rule) {
    if (!where.member.empty()) return read_npz_member(where, rule);
    return read_npy_file(where.file, rule);
}

// ---- integer checks ---------------------------------------------------------------------

template <class T>
std::int64_t to_index(std::size_t position, T value, const std::string& file) {
    if constexpr (std::is_floating_point_v<T>) {
        // 2^63 is exactly representable; anything at or above it is out of int64 range.
        constexpr double limit = 9223372036854775808.0;
        if (!std::isfinite(value) || value != std::trunc(value) || value >= limit || value < -limit)
            fail(file, fmt::format("element {} is {}, not an integer (indices must be whole numbers)", position,
                                   static_cast<double>(value)));
        return static_cast<std::int64_t>(value);
    } else if constexpr (std::is_unsigned_v<T> && sizeof(T) == 8) {
        if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            fail(file, fmt::format("element {} is {}, too large for an index", position, value));
        return static_cast<std::int64_t>(value);
    } else {
        return static_cast<std::int64_t>(value);
    }
}

// ---- HDF5 -------------------------------------------------------------------------------

h5::dataset open_array_dataset(const h5::group& root, const array_spec& spec, rank_rule rule) {
    if (!root.has(spec.dataset)) fail(spec.file, "no dataset '" + spec.dataset + "' in this file");
    if (root.has_group(spec.dataset)) fail(spec.file, "'" + spec.dataset + "' is a group, expected a dataset");
    h5::dataset d = root.open_dataset(spec.dataset);
    const h5::dataset_type type = d.type();
    if (type.type_class != H5T_INTEGER && type.type_class != H5T_FLOAT)
        fail(spec.file, "dataset '" + spec.dataset + "' does not hold numbers (expected an integer or float dataset)");
    const std::vector<hsize_t> dims = d.dims();
    if (rule == rank_rule::one_or_two && (dims.empty() || dims.size() > 2))
        fail(spec.file, fmt::format("dataset '{}' has {} dimensions, expected a 1-D or 2-D array", spec.dataset,
                                    dims.size()));
    if (dims.empty())
        fail(spec.file, fmt::format("dataset '{}' is a scalar (0 dimensions), expected an array of one or more "
                                    "dimensions",
                                    spec.dataset));
    return d;
}

std::vector<double> read_hdf5_numeric(const array_spec& spec) {
    const h5::file file = h5::file::open_read_only(spec.file);
    return open_array_dataset(file.root(), spec, rank_rule::one_or_two).read_all<double>();
}

std::vector<std::int64_t> read_hdf5_indices(const array_spec& spec) {
    const h5::file file = h5::file::open_read_only(spec.file);
    const h5::dataset d = open_array_dataset(file.root(), spec, rank_rule::one_or_two);
    const h5::dataset_type type = d.type();
    std::vector<std::int64_t> out;
    const auto convert = [&](const auto& values) {
        out.reserve(values.size());
        for (std::size_t i = 0; i < values.size(); ++i) out.push_back(to_index(i, values[i], spec.file));
    };
    // Reading through HDF5's own int64 conversion would clamp large uint64 values silently.
    if (type.type_class == H5T_FLOAT) convert(d.read_all<double>());
    else if (!type.is_signed && type.size == 8) convert(d.read_all<std::uint64_t>());
    else out = d.read_all<std::int64_t>();
    return out;
}

array_spec split_spec(const std::string& spec) {
    const std::string folded = lower(spec);
    std::size_t split = std::string::npos;
    bool archive = false;
    for (const std::string_view extension :
         {std::string_view(".h5:"), std::string_view(".hdf5:"), std::string_view(".npz:")}) {
        const std::size_t at = folded.rfind(extension);
        if (at != std::string::npos && (split == std::string::npos || at + extension.size() - 1 > split)) {
            split = at + extension.size() - 1;
            archive = extension == ".npz:";
        }
    }
    if (split != std::string::npos && archive) {
        array_spec out{.file = spec.substr(0, split), .dataset = {}, .member = spec.substr(split + 1)};
        if (out.member.empty()) fail(out.file, "no array name after ':' (write FILE.npz:name)");
        return out;
    }
    if (split != std::string::npos) {
        array_spec out{.file = spec.substr(0, split), .dataset = spec.substr(split + 1), .member = {}};
        if (out.dataset.empty() || out.dataset == "/")
            fail(out.file, "no dataset path after ':' (write FILE.h5:/group/dataset)");
        return out;
    }
    if (ends_with_ci(spec, ".h5") || ends_with_ci(spec, ".hdf5"))
        fail(spec, "an HDF5 file needs a dataset path (write FILE.h5:/group/dataset)");
    if (ends_with_ci(spec, ".npz"))
        fail(spec, "a .npz archive holds several arrays; name one (write FILE.npz:name)");
    if (ends_with_ci(spec, ".npy")) return array_spec{.file = spec, .dataset = {}, .member = {}};
    fail(spec, "unsupported array file (expected a .npy file or FILE.h5:/group/dataset or FILE.npz:name)");
}

// npy dimensions are unsigned 64-bit; a tensor's are int64, as layer code does arithmetic on them.
std::vector<std::int64_t> signed_shape(const std::vector<std::uint64_t>& shape, const std::string& file) {
    std::vector<std::int64_t> out;
    out.reserve(shape.size());
    for (const std::uint64_t d : shape) {
        if (d > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            fail(file, "array shape " + shape_text(shape) + " is too large");
        out.push_back(static_cast<std::int64_t>(d));
    }
    return out;
}

tensor read_hdf5_tensor(const array_spec& spec) {
    const h5::file file = h5::file::open_read_only(spec.file);
    const h5::dataset d = open_array_dataset(file.root(), spec, rank_rule::any);
    const std::vector<hsize_t> dims = d.dims();
    tensor out;
    out.shape = signed_shape(std::vector<std::uint64_t>(dims.begin(), dims.end()), spec.file);
    out.values = d.read_all<double>();
    return out;
}

// Every error names what the array was for, whichever layer raised it.
template <class Read>
auto with_context(std::string_view what, Read read) {
    try {
        return read();
    } catch (const io_error& e) {
        throw io_error(std::string(what) + ": " + e.detail(), e.site());
    }
}

}  // namespace

// libhdf5 can crash or loop on a damaged file, so the read runs in a child process first
// (io/isolated_read.hpp): a damaged file is then an io_error naming it, and a sound one is read
// again here, which costs little beside a run.
template <class Read>
auto checked_in_child(const array_spec& where, Read read) {
    read_isolated(where.file, "HDF5 file", [&] { read(where); return std::string(); }, read_timeout());
    return read(where);
}

array_spec parse_array_spec(const std::string& spec, std::string_view what) {
    return with_context(what, [&] { return split_spec(spec); });
}

std::vector<double> read_numeric_array(const std::string& spec, std::string_view what) {
    return with_context(what, [&] {
        const array_spec where = split_spec(spec);
        if (!where.dataset.empty()) return checked_in_child(where, read_hdf5_numeric);
        const npy_data data = read_npy_source(where, rank_rule::one_or_two);
        std::vector<double> out(data.bytes.size() / data.dtype.size);
        decode_elements(data.bytes, data.dtype, [&](std::size_t i, auto v) { out[i] = static_cast<double>(v); });
        return out;
    });
}

std::vector<std::int64_t> read_index_array(const std::string& spec, std::string_view what) {
    return with_context(what, [&] {
        const array_spec where = split_spec(spec);
        if (!where.dataset.empty()) return checked_in_child(where, read_hdf5_indices);
        const npy_data data = read_npy_source(where, rank_rule::one_or_two);
        std::vector<std::int64_t> out(data.bytes.size() / data.dtype.size);
        decode_elements(data.bytes, data.dtype,
                        [&](std::size_t i, auto v) { out[i] = to_index(i, v, where.file); });
        return out;
    });
}

tensor read_tensor(const std::string& spec, std::string_view what) {
    return with_context(what, [&] {
        const array_spec where = split_spec(spec);
        if (!where.dataset.empty()) return checked_in_child(where, read_hdf5_tensor);
        const npy_data data = read_npy_source(where, rank_rule::any);
        tensor out;
        out.shape = signed_shape(data.shape, where.file);
        out.values.resize(data.bytes.size() / data.dtype.size);
        decode_elements(data.bytes, data.dtype,
                        [&](std::size_t i, auto v) { out.values[i] = static_cast<double>(v); });
        return out;
    });
}

}  // namespace fluxon::io
