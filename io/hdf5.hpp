#pragma once
// A small RAII layer over the HDF5 C API. Every id is owned by an object that closes it, and
// every failing call becomes a fluxon::io_error whose site names the file and whose message
// names the object path, so callers never look at an herr_t.
#include <hdf5.h>

#include <concepts>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "engine/base/errors.hpp"

namespace fluxon::io::h5 {

// Owns one HDF5 id and releases it with the close function of its kind.
template <herr_t (*Close)(hid_t)>
class owned_id {
public:
    owned_id() noexcept = default;
    explicit owned_id(hid_t id) noexcept : id_(id) {}
    ~owned_id() { reset(); }
    owned_id(owned_id&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)) {}
    owned_id& operator=(owned_id&& other) noexcept {
        if (this != &other) {
            reset();
            id_ = std::exchange(other.id_, H5I_INVALID_HID);
        }
        return *this;
    }
    owned_id(const owned_id&) = delete;
    owned_id& operator=(const owned_id&) = delete;

    hid_t get() const noexcept { return id_; }
    explicit operator bool() const noexcept { return id_ >= 0; }
    hid_t release() noexcept { return std::exchange(id_, H5I_INVALID_HID); }
    // Errors on close cannot be reported from a destructor; file::close() reports them.
    void reset() noexcept {
        if (id_ >= 0) Close(id_);
        id_ = H5I_INVALID_HID;
    }

private:
    hid_t id_ = H5I_INVALID_HID;
};

using file_handle = owned_id<H5Fclose>;
using group_handle = owned_id<H5Gclose>;
using dataset_handle = owned_id<H5Dclose>;
using dataspace_handle = owned_id<H5Sclose>;
using datatype_handle = owned_id<H5Tclose>;
using plist_handle = owned_id<H5Pclose>;
using attribute_handle = owned_id<H5Aclose>;
using object_handle = owned_id<H5Oclose>;

// Numbers the layer converts to and from; bool is left out because HDF5 has no native bool.
template <class T>
concept number = std::is_arithmetic_v<T> && !std::same_as<T, bool>;

// The in-memory HDF5 type of T (HDF5 converts between it and the stored type).
template <number T>
hid_t native_type() {
    if constexpr (std::is_floating_point_v<T>) {
        static_assert(sizeof(T) == 4 || sizeof(T) == 8, "only float and double are supported");
        return sizeof(T) == 4 ? H5T_NATIVE_FLOAT : H5T_NATIVE_DOUBLE;
    } else if constexpr (std::is_signed_v<T>) {
        if constexpr (sizeof(T) == 1) return H5T_NATIVE_INT8;
        else if constexpr (sizeof(T) == 2) return H5T_NATIVE_INT16;
        else if constexpr (sizeof(T) == 4) return H5T_NATIVE_INT32;
        else return H5T_NATIVE_INT64;
    } else {
        if constexpr (sizeof(T) == 1) return H5T_NATIVE_UINT8;
        else if constexpr (sizeof(T) == 2) return H5T_NATIVE_UINT16;
        else if constexpr (sizeof(T) == 4) return H5T_NATIVE_UINT32;
        else return H5T_NATIVE_UINT64;
    }
}

// The stored type of T: fixed little-endian types, so a file is the same whatever wrote it.
template <number T>
hid_t file_type() {
    if constexpr (std::is_floating_point_v<T>) {
        return sizeof(T) == 4 ? H5T_IEEE_F32LE : H5T_IEEE_F64LE;
    } else if constexpr (std::is_signed_v<T>) {
        if constexpr (sizeof(T) == 1) return H5T_STD_I8LE;
        else if constexpr (sizeof(T) == 2) return H5T_STD_I16LE;
        else if constexpr (sizeof(T) == 4) return H5T_STD_I32LE;
        else return H5T_STD_I64LE;
    } else {
        if constexpr (sizeof(T) == 1) return H5T_STD_U8LE;
        else if constexpr (sizeof(T) == 2) return H5T_STD_U16LE;
        else if constexpr (sizeof(T) == 4) return H5T_STD_U32LE;
        else return H5T_STD_U64LE;
    }
}

// An error site naming `file` (and the network node, when there is one); built field by
// field because designated initializers that skip fields trip -Wmissing-field-initializers.
error_site file_site(const std::string& file, const std::string& node = {});

// Turns HDF5's automatic error printing off for the calling thread (the library is built
// thread-safe, so the setting is per thread); errors are reported as exceptions instead.
void silence_errors();

// Throws io_error{file} "HDF5: cannot <action> '<object>': <innermost HDF5 message>".
[[noreturn]] void fail(const std::string& file, const std::string& object, std::string_view action);

// What every open object knows about itself, for error messages.
class node {
public:
    const std::string& file_path() const noexcept { return file_; }
    const std::string& path() const noexcept { return path_; }
    // The path of `name` below this object.
    std::string child_path(std::string_view name) const;

    bool has_attr(std::string_view name) const;
    void write_attr(std::string_view name, std::string_view value) const;
    template <number T>
    void write_attr(std::string_view name, T value) const {
        write_attr_raw(name, file_type<T>(), native_type<T>(), &value);
    }
    std::string read_attr_string(std::string_view name) const;
    template <number T>
    T read_attr(std::string_view name) const {
        T value{};
        read_attr_raw(name, native_type<T>(), &value);
        return value;
    }

protected:
    node(std::string file, std::string path) : file_(std::move(file)), path_(std::move(path)) {}
    virtual hid_t location() const noexcept = 0;
    ~node() = default;
    node(const node&) = default;
    node(node&&) noexcept = default;
    node& operator=(const node&) = default;
    node& operator=(node&&) noexcept = default;
    [[noreturn]] void fail(std::string_view action) const { h5::fail(file_, path_, action); }

private:
    void write_attr_raw(std::string_view name, hid_t stored, hid_t memory, const void* value) const;
    void read_attr_raw(std::string_view name, hid_t memory, void* value) const;

    std::string file_;
    std::string path_;
};

// Class and shape of a dataset's elements, to decide how to read it.
struct dataset_type {
    H5T_class_t type_class = H5T_NO_CLASS;
    std::size_t size = 0;  // bytes per element
    bool is_signed = false;
};

class dataset : public node {
public:
    dataset() : node({}, {}) {}
    dataset(std::string file, std::string path, dataset_handle id)
        : node(std::move(file), std::move(path)), id_(std::move(id)) {}
    dataset(dataset&&) noexcept = default;
    dataset& operator=(dataset&&) noexcept = default;
    ~dataset() = default;

    hid_t id() const noexcept { return id_.get(); }
    explicit operator bool() const noexcept { return static_cast<bool>(id_); }
    void close() noexcept { id_.reset(); }

    std::vector<hsize_t> dims() const;
    hsize_t size() const;  // number of elements
    dataset_type type() const;

    // Extends an extendible 1-D dataset by data.size() elements and writes them there.
    template <number T>
    void append(std::span<const T> data) const {
        append_raw(native_type<T>(), data.data(), data.size(), data.size());
    }
    // Every element of a 1-D dataset of variable-length strings.
    std::vector<std::string> read_strings() const;
    // Extends an extendible 1-D string dataset (create_extendible_strings) by `values`.
    void append_strings(std::span<const std::string> values) const;
    // Extends an extendible 2-D dataset [n, cols] by `rows` rows; data is row-major
    // [rows, cols]. A dataset of zero columns still grows by `rows`.
    template <number T>
    void append_rows(std::span<const T> data, hsize_t rows) const {
        append_raw(native_type<T>(), data.data(), data.size(), rows);
    }

    // Reads every element, converted to T, flattened in C order.
    template <number T>
    std::vector<T> read_all() const {
        std::vector<T> out(static_cast<std::size_t>(size()));
        read_all_raw(native_type<T>(), out.data());
        return out;
    }
    template <number T>
    T read_scalar() const {
        T value{};
        read_scalar_raw(native_type<T>(), &value);
        return value;
    }
    template <number T>
    void write_scalar(T value) const {
        write_scalar_raw(native_type<T>(), &value);
    }
    std::string read_string() const;
    void write_string(std::string_view value) const;

private:
    hid_t location() const noexcept override { return id_.get(); }
    void append_raw(hid_t memory, const void* data, std::size_t elements, hsize_t rows) const;
    void read_all_raw(hid_t memory, void* out) const;
    void read_scalar_raw(hid_t memory, void* out) const;
    void write_scalar_raw(hid_t memory, const void* value) const;

    dataset_handle id_;
};

class group : public node {
public:
    group(std::string file, std::string path, group_handle id)
        : node(std::move(file), std::move(path)), id_(std::move(id)) {}
    group(group&&) noexcept = default;
    group& operator=(group&&) noexcept = default;
    ~group() = default;

    hid_t id() const noexcept { return id_.get(); }

    // Child groups keep their links in creation order so listings follow the run layout.
    group create_group(std::string_view name) const;
    group open_group(std::string_view relative_path) const;
    group require_group(std::string_view name) const;
    dataset open_dataset(std::string_view relative_path) const;
    // True when every component of relative_path exists (no error for missing parents).
    bool has(std::string_view relative_path) const;
    bool has_group(std::string_view relative_path) const;
    // Names of the direct children, in creation order when tracked, else by name.
    std::vector<std::string> children() const;
    // Unlinks the child `name` (a group goes with everything below it). HDF5 does not give
    // the space back to the file, so this is for rewriting small parts, not for streaming.
    void remove(std::string_view name) const;

    // Empty 1-D dataset with unlimited size, chunked by `chunk` elements, deflate(4)+shuffle.
    template <number T>
    dataset create_extendible(std::string_view name, hsize_t chunk) const {
        return create_extendible_raw(name, file_type<T>(), chunk, 0, true);
    }
    // Empty 2-D dataset [0, cols] growing along rows; chunks hold chunk_rows whole rows.
    template <number T>
    dataset create_extendible_rows(std::string_view name, hsize_t cols, hsize_t chunk_rows) const {
        return create_extendible_raw(name, file_type<T>(), chunk_rows, cols, true);
    }
    // Empty extendible 1-D dataset of UTF-8 strings (uncompressed: filters would only see the
    // heap references, not the text).
    dataset create_extendible_strings(std::string_view name, hsize_t chunk) const;
    // A 1-D dataset of UTF-8 strings holding `values`.
    dataset write_strings(std::string_view name, std::span<const std::string> values) const;

    // Fixed-size 1-D dataset holding `data`.
    template <number T>
    dataset write_vector(std::string_view name, std::span<const T> data) const {
        return write_vector_raw(name, file_type<T>(), native_type<T>(), data.data(), data.size());
    }
    template <number T>
    dataset write_scalar(std::string_view name, T value) const {
        dataset d = create_scalar(name, file_type<T>());
        d.write_scalar(value);
        return d;
    }
    dataset write_string(std::string_view name, std::string_view value) const;
    // Fixed-size n-D dataset of shape `dims` holding `data` in C order (empty dims: a scalar).
    // Compressed like h5py's compression="gzip" (deflate level 4, one chunk for the whole
    // array) when `compress` and the array is neither a scalar nor empty, which HDF5 cannot
    // chunk.
    template <number T>
    dataset write_array(std::string_view name, std::span<const T> data, std::span<const hsize_t> dims,
                        bool compress) const {
        return write_array_raw(name, file_type<T>(), native_type<T>(), data.data(), dims, compress);
    }
    // A 2-D dataset [values.size() / cols, cols] of variable-length UTF-8 strings, row-major
    // (a table of names, such as NIR's edges).
    dataset write_string_table(std::string_view name, std::span<const std::string> values, hsize_t cols) const;

    std::string read_string(std::string_view relative_path) const {
        return open_dataset(relative_path).read_string();
    }
    template <number T>
    T read_scalar(std::string_view relative_path) const {
        return open_dataset(relative_path).read_scalar<T>();
    }
    template <number T>
    std::vector<T> read_vector(std::string_view relative_path) const {
        return open_dataset(relative_path).read_all<T>();
    }

private:
    hid_t location() const noexcept override { return id_.get(); }
    dataset create_extendible_raw(std::string_view name, hid_t stored, hsize_t chunk_rows,
                                  hsize_t cols, bool compress) const;
    dataset write_vector_raw(std::string_view name, hid_t stored, hid_t memory, const void* data,
                             std::size_t n) const;
    dataset create_scalar(std::string_view name, hid_t stored) const;
    dataset write_array_raw(std::string_view name, hid_t stored, hid_t memory, const void* data,
                            std::span<const hsize_t> dims, bool compress) const;

    group_handle id_;
};

class file {
public:
    // Creates or truncates `path`, in the HDF5 1.8 file format so that every reader since
    // HDF5 1.8 opens it and no "file open for writing" flag is left behind by a crash.
    static file create(const std::string& path);
    // Creates (truncates) the file opened by `name` (a working copy, io/published_file.hpp);
    // errors and objects name `shown`, the file the user knows.
    static file create_as(const std::string& name, const std::string& shown);
    static file open_read_only(const std::string& path);
    // Opens the file `name` for writing, in place; errors name `shown`.
    static file open_read_write(const std::string& name, const std::string& shown);

    file(file&&) noexcept = default;
    file& operator=(file&&) noexcept = default;
    // Closes quietly; a file whose last writes fail is closed with discard_writes().
    ~file();

    const std::string& path() const noexcept { return path_; }
    hid_t id() const noexcept { return id_.get(); }
    bool is_open() const noexcept { return static_cast<bool>(id_); }

    group root() const;
    // Writes every cached object and the superblock to the file.
    void flush() const;
    // Closes and reports a failure, which the destructor cannot. Objects still open keep
    // the file open until they close (HDF5's default "weak" close).
    void close();
    // Closes the file, which must have no object open, so that it is complete on disk when
    // this returns (with one still open, HDF5 would write it later).
    void close_completely();
    // For a file that cannot be written any more (a full disk): what HDF5 still writes, until
    // the file closes, goes to memory and is lost. HDF5 1.10 leaves a file whose close failed
    // half destroyed, and crashes when it tries again at exit; a close after this succeeds.
    void discard_writes() noexcept;
    // Lets go of a file that cannot be closed (its flush failed) without closing it.
    void abandon() noexcept;

private:
    file(std::string path, file_handle id) : path_(std::move(path)), id_(std::move(id)) {}
    std::string path_;
    file_handle id_;
};

}  // namespace fluxon::io::h5
