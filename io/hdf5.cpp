#include "io/hdf5.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <numeric>

#include "engine/base/errors.hpp"

namespace fluxon::io::h5 {

namespace {

// The deepest entry of the HDF5 error stack is where the problem was detected ("file
// signature not found", "errno = 2, ..."), which is what a user can act on.
herr_t keep_deepest(unsigned n, const H5E_error2_t* err, void* out) {
    if (n == 0 && err->desc != nullptr) *static_cast<std::string*>(out) = err->desc;
    return 0;
}

std::string hdf5_message() {
    std::string message;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, keep_deepest, &message);
    H5Eclear2(H5E_DEFAULT);
    return message;
}

std::string str(std::string_view s) { return std::string(s); }

datatype_handle utf8_string_type(const std::string& file, const std::string& object) {
    datatype_handle type(H5Tcopy(H5T_C_S1));
    if (!type || H5Tset_size(type.get(), H5T_VARIABLE) < 0 ||
        H5Tset_cset(type.get(), H5T_CSET_UTF8) < 0)
        fail(file, object, "make a string type");
    return type;
}

plist_handle track_order_plist(const std::string& file, const std::string& object) {
    plist_handle gcpl(H5Pcreate(H5P_GROUP_CREATE));
    if (!gcpl || H5Pset_link_creation_order(gcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) < 0)
        fail(file, object, "set link creation order for");
    return gcpl;
}

// Reads a string stored either as variable-length (what fluxon writes) or fixed-length (what
// other tools often write) from a dataset or an attribute.
// `fail_with(action)` throws.
template <class Read, class Fail>
std::string read_any_string(hid_t stored_type, hid_t space, Read read, Fail fail_with) {
    if (H5Tget_class(stored_type) != H5T_STRING) fail_with("read a string (it holds no text) from");
    if (H5Sget_simple_extent_npoints(space) != 1)
        fail_with("read a single string (it holds an array) from");
    const htri_t variable = H5Tis_variable_str(stored_type);
    if (variable < 0) fail_with("inspect the string type of");
    datatype_handle memory(H5Tcopy(H5T_C_S1));
    // HDF5 does not convert between character sets, so read in the stored one.
    if (!memory || H5Tset_cset(memory.get(), H5Tget_cset(stored_type)) < 0) fail_with("make a string type for");
    if (variable > 0) {
        if (H5Tset_size(memory.get(), H5T_VARIABLE) < 0) fail_with("read");
        char* text = nullptr;
        if (read(memory.get(), &text) < 0) fail_with("read");
        std::string out = text != nullptr ? text : "";
        H5free_memory(text);  // allocated by the library, so freed by it
        return out;
    }
    const std::size_t size = H5Tget_size(stored_type);
    if (size == 0 || H5Tset_size(memory.get(), size + 1) < 0 ||
        H5Tset_strpad(memory.get(), H5T_STR_NULLTERM) < 0)
        fail_with("read");
    std::string buffer(size + 1, '\0');
    if (read(memory.get(), buffer.data()) < 0) fail_with("read");
    buffer.resize(buffer.find('\0'));
    return buffer;
}

}  // namespace

error_site file_site(const std::string& file, const std::string& node) {
    error_site site;
    site.file = file;
    site.node = node;
    return site;
}

void silence_errors() {
    thread_local bool silenced = false;
    if (!silenced) {
        H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
        silenced = true;
    }
}

void fail(const std::string& file, const std::string& object, std::string_view action) {
    std::string message = "HDF5: cannot " + str(action) + " '" + object + "'";
    const std::string detail = hdf5_message();
    if (!detail.empty()) message += ": " + detail;
    throw io_error(message, file_site(file));
}

// ---- node -------------------------------------------------------------------------------

std::string node::child_path(std::string_view name) const {
    std::string out = path_;
    if (!out.ends_with('/')) out += '/';
    out += name;
    return out;
}

bool node::has_attr(std::string_view name) const {
    const htri_t exists = H5Aexists(location(), str(name).c_str());
    if (exists < 0) fail("look for attribute '" + str(name) + "' on");
    return exists > 0;
}

void node::write_attr(std::string_view name, std::string_view value) const {
    const std::string key(name);
    datatype_handle type = utf8_string_type(file_path(), path());
    dataspace_handle space(H5Screate(H5S_SCALAR));
    if (!space) fail("make a dataspace for attribute '" + key + "' of");
    if (H5Aexists(location(), key.c_str()) > 0) H5Adelete(location(), key.c_str());
    attribute_handle attr(H5Acreate2(location(), key.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT));
    if (!attr) fail("create attribute '" + key + "' on");
    const std::string text(value);
    const char* pointer = text.c_str();
    if (H5Awrite(attr.get(), type.get(), &pointer) < 0) fail("write attribute '" + key + "' of");
}

void node::write_attr_raw(std::string_view name, hid_t stored, hid_t memory, const void* value) const {
    const std::string key(name);
    dataspace_handle space(H5Screate(H5S_SCALAR));
    if (!space) fail("make a dataspace for attribute '" + key + "' of");
    if (H5Aexists(location(), key.c_str()) > 0) H5Adelete(location(), key.c_str());
    attribute_handle attr(H5Acreate2(location(), key.c_str(), stored, space.get(), H5P_DEFAULT, H5P_DEFAULT));
    if (!attr) fail("create attribute '" + key + "' on");
    if (H5Awrite(attr.get(), memory, value) < 0) fail("write attribute '" + key + "' of");
}

std::string node::read_attr_string(std::string_view name) const {
    const std::string key(name);
    attribute_handle attr(H5Aopen(location(), key.c_str(), H5P_DEFAULT));
    if (!attr) fail("open attribute '" + key + "' of");
    datatype_handle stored(H5Aget_type(attr.get()));
    dataspace_handle space(H5Aget_space(attr.get()));
    if (!stored || !space) fail("inspect attribute '" + key + "' of");
    return read_any_string(
        stored.get(), space.get(), [&](hid_t memory, void* out) { return H5Aread(attr.get(), memory, out); },
        [&](std::string_view action) { fail(str(action) + " attribute '" + key + "' of"); });
}

void node::read_attr_raw(std::string_view name, hid_t memory, void* value) const {
    const std::string key(name);
    attribute_handle attr(H5Aopen(location(), key.c_str(), H5P_DEFAULT));
    if (!attr) fail("open attribute '" + key + "' of");
    datatype_handle stored(H5Aget_type(attr.get()));
    dataspace_handle space(H5Aget_space(attr.get()));
    if (!stored || !space) fail("inspect attribute '" + key + "' of");
    const H5T_class_t type_class = H5Tget_class(stored.get());
    if (type_class != H5T_INTEGER && type_class != H5T_FLOAT)
        fail("read attribute '" + key + "' as a number (it is not numeric) of");
    if (H5Sget_simple_extent_npoints(space.get()) != 1)
        fail("read attribute '" + key + "' as a single number of");
    if (H5Aread(attr.get(), memory, value) < 0) fail("read attribute '" + key + "' of");
}

// ---- dataset ----------------------------------------------------------------------------

std::vector<hsize_t> dataset::dims() const {
    dataspace_handle space(H5Dget_space(id()));
    if (!space) fail("get the dataspace of");
    const int rank = H5Sget_simple_extent_ndims(space.get());
    if (rank < 0) fail("get the rank of");
    std::vector<hsize_t> out(static_cast<std::size_t>(rank));
    if (rank > 0 && H5Sget_simple_extent_dims(space.get(), out.data(), nullptr) < 0)
        fail("get the dimensions of");
    return out;
}

hsize_t dataset::size() const {
    hsize_t n = 1;
    for (hsize_t d : dims()) n *= d;
    return n;
}

dataset_type dataset::type() const {
    datatype_handle stored(H5Dget_type(id()));
    if (!stored) fail("get the element type of");
    dataset_type out;
    out.type_class = H5Tget_class(stored.get());
    out.size = H5Tget_size(stored.get());
    out.is_signed = out.type_class == H5T_INTEGER && H5Tget_sign(stored.get()) == H5T_SGN_2;
    return out;
}

void dataset::append_raw(hid_t memory, const void* data, std::size_t elements, hsize_t rows) const {
    std::vector<hsize_t> extent = dims();
    if (extent.empty() || extent.size() > 2) fail("append to (it is not 1-D or 2-D)");
    const hsize_t cols = extent.size() == 2 ? extent[1] : 1;
    if (elements != rows * cols) fail("append a partial row to");
    if (rows == 0) return;
    const hsize_t start = extent[0];
    extent[0] += rows;
    if (H5Dset_extent(id(), extent.data()) < 0) fail("extend");
    dataspace_handle file_space(H5Dget_space(id()));
    if (!file_space) fail("get the dataspace of");
    const hsize_t offset[2] = {start, 0};
    const hsize_t count[2] = {rows, cols};
    if (H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, offset, nullptr, count, nullptr) < 0)
        fail("select rows of");
    dataspace_handle memory_space(H5Screate_simple(static_cast<int>(extent.size()), count, nullptr));
    if (!memory_space) fail("make a memory dataspace for");
    if (elements > 0 && H5Dwrite(id(), memory, memory_space.get(), file_space.get(), H5P_DEFAULT, data) < 0)
        fail("write to");
}

void dataset::append_strings(std::span<const std::string> values) const {
    std::vector<const char*> pointers;
    pointers.reserve(values.size());
    for (const std::string& v : values) pointers.push_back(v.c_str());
    datatype_handle type = utf8_string_type(file_path(), path());
    append_raw(type.get(), pointers.data(), pointers.size(), pointers.size());
}

void dataset::read_all_raw(hid_t memory, void* out) const {
    const dataset_type stored = type();
    if (stored.type_class != H5T_INTEGER && stored.type_class != H5T_FLOAT)
        fail("read numbers from (its elements are not numeric)");
    if (size() == 0) return;
    if (H5Dread(id(), memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) < 0) fail("read");
}

void dataset::read_scalar_raw(hid_t memory, void* out) const {
    if (size() != 1) fail("read a single number (it holds an array) from");
    read_all_raw(memory, out);
}

void dataset::write_scalar_raw(hid_t memory, const void* value) const {
    if (H5Dwrite(id(), memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, value) < 0) fail("write");
}

std::string dataset::read_string() const {
    datatype_handle stored(H5Dget_type(id()));
    dataspace_handle space(H5Dget_space(id()));
    if (!stored || !space) fail("inspect");
    return read_any_string(
        stored.get(), space.get(),
        [&](hid_t memory, void* out) { return H5Dread(id(), memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, out); },
        [&](std::string_view action) { fail(action); });
}

std::vector<std::string> dataset::read_strings() const {
    datatype_handle stored(H5Dget_type(id()));
    if (!stored || H5Tget_class(stored.get()) != H5T_STRING || H5Tis_variable_str(stored.get()) <= 0)
        fail("read strings (it holds no variable-length text) from");
    const std::size_t n = static_cast<std::size_t>(size());
    std::vector<char*> pointers(n, nullptr);
    // Read in the stored character set (HDF5 does not convert between them): files written
    // by h5py from bytes say ASCII.
    datatype_handle memory(H5Tcopy(H5T_C_S1));
    if (!memory || H5Tset_cset(memory.get(), H5Tget_cset(stored.get())) < 0 ||
        H5Tset_size(memory.get(), H5T_VARIABLE) < 0)
        fail("make a string type for");
    if (n > 0 && H5Dread(id(), memory.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()) < 0) fail("read");
    std::vector<std::string> out;
    out.reserve(n);
    for (char* p : pointers) {
        out.emplace_back(p != nullptr ? p : "");
        H5free_memory(p);  // allocated by the library, so freed by it
    }
    return out;
}

void dataset::write_string(std::string_view value) const {
    datatype_handle type = utf8_string_type(file_path(), path());
    const std::string text(value);
    const char* pointer = text.c_str();
    if (H5Dwrite(id(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &pointer) < 0) fail("write");
}

// ---- group ------------------------------------------------------------------------------

group group::create_group(std::string_view name) const {
    const std::string target = child_path(name);
    plist_handle gcpl = track_order_plist(file_path(), target);
    group_handle id(H5Gcreate2(location(), str(name).c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT));
    if (!id) h5::fail(file_path(), target, "create group");
    return group(file_path(), target, std::move(id));
}

group group::open_group(std::string_view relative_path) const {
    const std::string target = child_path(relative_path);
    if (!has(relative_path)) h5::fail(file_path(), target, "find group");
    group_handle id(H5Gopen2(location(), str(relative_path).c_str(), H5P_DEFAULT));
    if (!id) h5::fail(file_path(), target, "open group");
    return group(file_path(), target, std::move(id));
}

group group::require_group(std::string_view name) const {
    return has(name) ? open_group(name) : create_group(name);
}

dataset group::open_dataset(std::string_view relative_path) const {
    const std::string target = child_path(relative_path);
    if (!has(relative_path)) h5::fail(file_path(), target, "find dataset");
    dataset_handle id(H5Dopen2(location(), str(relative_path).c_str(), H5P_DEFAULT));
    if (!id) h5::fail(file_path(), target, "open dataset");
    return dataset(file_path(), target, std::move(id));
}

bool group::has(std::string_view relative_path) const {
    // H5Lexists fails instead of answering "no" when an intermediate group is missing, so
    // walk the path one component at a time.
    std::string prefix;
    std::size_t begin = 0;
    while (begin <= relative_path.size()) {
        std::size_t end = relative_path.find('/', begin);
        if (end == std::string_view::npos) end = relative_path.size();
        const std::string_view part = relative_path.substr(begin, end - begin);
        if (!part.empty()) {
            if (!prefix.empty()) prefix += '/';
            prefix += part;
            const htri_t exists = H5Lexists(location(), prefix.c_str(), H5P_DEFAULT);
            if (exists <= 0) {
                H5Eclear2(H5E_DEFAULT);
                return false;
            }
            if (end < relative_path.size()) {
                const htri_t resolves = H5Oexists_by_name(location(), prefix.c_str(), H5P_DEFAULT);
                if (resolves <= 0) {
                    H5Eclear2(H5E_DEFAULT);
                    return false;
                }
            }
        }
        begin = end + 1;
    }
    if (prefix.empty()) return true;  // "" or "/" names this group itself
    const htri_t resolves = H5Oexists_by_name(location(), prefix.c_str(), H5P_DEFAULT);
    H5Eclear2(H5E_DEFAULT);
    return resolves > 0;
}

bool group::has_group(std::string_view relative_path) const {
    if (!has(relative_path)) return false;
    object_handle object(H5Oopen(location(), str(relative_path).c_str(), H5P_DEFAULT));
    if (!object) h5::fail(file_path(), child_path(relative_path), "open object");
    return H5Iget_type(object.get()) == H5I_GROUP;
}

namespace {
herr_t collect_name(hid_t, const char* name, const H5L_info_t*, void* out) {
    static_cast<std::vector<std::string>*>(out)->emplace_back(name);
    return 0;
}
}  // namespace

std::vector<std::string> group::children() const {
    plist_handle gcpl(H5Gget_create_plist(location()));
    if (!gcpl) fail("get the creation properties of");
    unsigned order_flags = 0;
    if (H5Pget_link_creation_order(gcpl.get(), &order_flags) < 0) fail("get the link order of");
    const H5_index_t index =
        (order_flags & H5P_CRT_ORDER_INDEXED) != 0 ? H5_INDEX_CRT_ORDER : H5_INDEX_NAME;
    std::vector<std::string> names;
    hsize_t position = 0;
    if (H5Literate(location(), index, H5_ITER_INC, &position, collect_name, &names) < 0)
        fail("list the members of");
    return names;
}

void group::remove(std::string_view name) const {
    if (H5Ldelete(location(), str(name).c_str(), H5P_DEFAULT) < 0) h5::fail(file_path(), child_path(name), "remove");
}

dataset group::create_extendible_raw(std::string_view name, hid_t stored, hsize_t chunk_rows,
                                     hsize_t cols, bool compress) const {
    const std::string target = child_path(name);
    const bool two_d = cols > 0;
    const int rank = two_d ? 2 : 1;
    const hsize_t initial[2] = {0, cols};
    // A probe of zero neurons still needs a positive chunk, which HDF5 only accepts along an
    // unlimited dimension.
    const hsize_t maximum[2] = {H5S_UNLIMITED, cols > 0 ? cols : H5S_UNLIMITED};
    const hsize_t chunk[2] = {chunk_rows > 0 ? chunk_rows : 1, cols > 0 ? cols : 1};
    dataspace_handle space(H5Screate_simple(rank, initial, maximum));
    if (!space) h5::fail(file_path(), target, "make a dataspace for");
    plist_handle dcpl(H5Pcreate(H5P_DATASET_CREATE));
    if (!dcpl || H5Pset_chunk(dcpl.get(), rank, chunk) < 0)
        h5::fail(file_path(), target, "set chunking for");
    if (compress && (H5Pset_shuffle(dcpl.get()) < 0 || H5Pset_deflate(dcpl.get(), 4) < 0))
        h5::fail(file_path(), target, "set compression for");
    dataset_handle id(H5Dcreate2(location(), str(name).c_str(), stored, space.get(), H5P_DEFAULT,
                                 dcpl.get(), H5P_DEFAULT));
    if (!id) h5::fail(file_path(), target, "create dataset");
    return dataset(file_path(), target, std::move(id));
}

dataset group::create_extendible_strings(std::string_view name, hsize_t chunk) const {
    datatype_handle type = utf8_string_type(file_path(), child_path(name));
    return create_extendible_raw(name, type.get(), chunk, 0, false);
}

dataset group::write_strings(std::string_view name, std::span<const std::string> values) const {
    dataset d = create_extendible_strings(name, std::max<hsize_t>(1, values.size()));
    d.append_strings(values);
    return d;
}

dataset group::write_vector_raw(std::string_view name, hid_t stored, hid_t memory, const void* data,
                                std::size_t n) const {
    const std::string target = child_path(name);
    const hsize_t extent[1] = {n};
    dataspace_handle space(H5Screate_simple(1, extent, nullptr));
    if (!space) h5::fail(file_path(), target, "make a dataspace for");
    dataset_handle id(H5Dcreate2(location(), str(name).c_str(), stored, space.get(), H5P_DEFAULT,
                                 H5P_DEFAULT, H5P_DEFAULT));
    if (!id) h5::fail(file_path(), target, "create dataset");
    if (n > 0 && H5Dwrite(id.get(), memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
        h5::fail(file_path(), target, "write");
    return dataset(file_path(), target, std::move(id));
}

dataset group::create_scalar(std::string_view name, hid_t stored) const {
    const std::string target = child_path(name);
    dataspace_handle space(H5Screate(H5S_SCALAR));
    if (!space) h5::fail(file_path(), target, "make a dataspace for");
    dataset_handle id(H5Dcreate2(location(), str(name).c_str(), stored, space.get(), H5P_DEFAULT,
                                 H5P_DEFAULT, H5P_DEFAULT));
    if (!id) h5::fail(file_path(), target, "create dataset");
    return dataset(file_path(), target, std::move(id));
}

dataset group::write_array_raw(std::string_view name, hid_t stored, hid_t memory, const void* data,
                               std::span<const hsize_t> dims, bool compress) const {
    const std::string target = child_path(name);
    const hsize_t elements = std::accumulate(dims.begin(), dims.end(), hsize_t{1}, std::multiplies<>());
    dataspace_handle space(dims.empty() ? H5Screate(H5S_SCALAR)
                                        : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr));
    if (!space) h5::fail(file_path(), target, "make a dataspace for");
    plist_handle dcpl(H5Pcreate(H5P_DATASET_CREATE));
    if (!dcpl) h5::fail(file_path(), target, "make creation properties for");
    if (compress && !dims.empty() && elements > 0) {
        if (H5Pset_chunk(dcpl.get(), static_cast<int>(dims.size()), dims.data()) < 0 ||
            H5Pset_deflate(dcpl.get(), 4) < 0)
            h5::fail(file_path(), target, "set compression for");
    }
    dataset_handle id(H5Dcreate2(location(), str(name).c_str(), stored, space.get(), H5P_DEFAULT, dcpl.get(),
                                 H5P_DEFAULT));
    if (!id) h5::fail(file_path(), target, "create dataset");
    if (elements > 0 && H5Dwrite(id.get(), memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
        h5::fail(file_path(), target, "write");
    return dataset(file_path(), target, std::move(id));
}
dataset group::write_string_table(std::string_view name, std::span<const std::string> values, hsize_t cols) const {
    const std::string target = child_path(name);
    if (cols == 0 || values.size() % cols != 0) h5::fail(file_path(), target, "shape a table of strings for");
    const hsize_t dims[2] = {values.size() / cols, cols};
    dataspace_handle space(H5Screate_simple(2, dims, nullptr));
    if (!space) h5::fail(file_path(), target, "make a dataspace for");
    datatype_handle type = utf8_string_type(file_path(), target);
    dataset_handle id(H5Dcreate2(location(), str(name).c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT,
                                 H5P_DEFAULT));
    if (!id) h5::fail(file_path(), target, "create dataset");
    std::vector<const char*> pointers;
    pointers.reserve(values.size());
    for (const std::string& v : values) pointers.push_back(v.c_str());
    if (!pointers.empty() && H5Dwrite(id.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()) < 0)
        h5::fail(file_path(), target, "write");
    return dataset(file_path(), target, std::move(id));
}
dataset group::write_string(std::string_view name, std::string_view value) const {
    datatype_handle type = utf8_string_type(file_path(), child_path(name));
    dataset d = create_scalar(name, type.get());
    d.write_string(value);
    return d;
}

// ---- file -------------------------------------------------------------------------------

file file::create(const std::string& path) {
    std::error_code ec;
    const std::filesystem::path parent = std::filesystem::path(path).parent_path();
    if (!parent.empty() && !std::filesystem::is_directory(parent, ec))
        throw io_error("cannot create file: directory '" + parent.string() + "' does not exist", file_site(path));
    return create_as(path, path);
}

file file::create_as(const std::string& name, const std::string& shown) {
    silence_errors();
    plist_handle fapl(H5Pcreate(H5P_FILE_ACCESS));
    // Capping the format at 1.8 keeps the version-0 superblock, which carries no "open for
    // writing" flag: a file left by a killed writer opens in plain h5py without h5clear.
    if (!fapl || H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_EARLIEST, H5F_LIBVER_V18) < 0)
        h5::fail(shown, "/", "set the file format for");
    file_handle id(H5Fcreate(name.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()));
    if (!id) h5::fail(shown, shown, "create file");
    return file(shown, std::move(id));
}

file file::open_read_write(const std::string& name, const std::string& shown) {
    silence_errors();
    plist_handle fapl(H5Pcreate(H5P_FILE_ACCESS));
    if (!fapl || H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_EARLIEST, H5F_LIBVER_V18) < 0)
        h5::fail(shown, "/", "set the file format for");
    file_handle id(H5Fopen(name.c_str(), H5F_ACC_RDWR, fapl.get()));
    if (!id) h5::fail(shown, shown, "open file for writing");
    return file(shown, std::move(id));
}

file file::open_read_only(const std::string& path) {
    silence_errors();
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        throw io_error("file not found", file_site(path));
    if (std::filesystem::is_directory(path, ec))
        throw io_error("is a directory, expected an HDF5 file", file_site(path));
    const htri_t is_hdf5 = H5Fis_hdf5(path.c_str());
    if (is_hdf5 == 0) {
        H5Eclear2(H5E_DEFAULT);
        throw io_error("not an HDF5 file", file_site(path));
    }
    file_handle id(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    if (!id) h5::fail(path, path, "open file");
    return file(path, std::move(id));
}

group file::root() const {
    group_handle id(H5Gopen2(id_.get(), "/", H5P_DEFAULT));
    if (!id) h5::fail(path_, "/", "open group");
    return group(path_, "/", std::move(id));
}

void file::flush() const {
    if (H5Fflush(id_.get(), H5F_SCOPE_GLOBAL) < 0) h5::fail(path_, path_, "flush file");
}

namespace {
bool writable(hid_t id) {
    unsigned intent = 0;
    return H5Fget_intent(id, &intent) >= 0 && (intent & H5F_ACC_RDWR) != 0;
}
}  // namespace

file::~file() {
    if (!id_) return;
    if (writable(id_.get()) && H5Fflush(id_.get(), H5F_SCOPE_LOCAL) < 0) {
        H5Eclear2(H5E_DEFAULT);
        discard_writes();
        abandon();
        return;
    }
    id_.reset();
}

void file::abandon() noexcept {
    // HDF5 1.10.8 cannot close a file whose flush failed ("slist already enabled"), and a failed
    // close leaves it half destroyed, which crashes the library when it closes what is left at
    // exit. Left open, it is only memory.
    (void)id_.release();
}

void file::close() {
    if (!id_) return;
    // Flushed first, so that a failure leaves a file that still closes.
    if (writable(id_.get()) && H5Fflush(id_.get(), H5F_SCOPE_LOCAL) < 0) {
        const std::string detail = hdf5_message();
        discard_writes();
        abandon();
        throw io_error("HDF5: cannot write '" + path_ + "'" + (detail.empty() ? "" : ": " + detail),
                       file_site(path_));
    }
    if (H5Fclose(id_.release()) < 0) h5::fail(path_, path_, "close file");
}

void file::discard_writes() noexcept {
    if (!id_) return;
    // Only the default (sec2) driver's handle is a descriptor.
    const plist_handle fapl(H5Fget_access_plist(id_.get()));
    void* handle = nullptr;
    if (!fapl || H5Pget_driver(fapl.get()) != H5FD_SEC2 || H5Fget_vfd_handle(id_.get(), fapl.get(), &handle) < 0 ||
        handle == nullptr) {
        H5Eclear2(H5E_DEFAULT);
        return;
    }
    // The default (sec2) driver's handle is its descriptor; an in-memory file takes its place.
    const int memory = ::memfd_create("fluxon-discarded", MFD_CLOEXEC);
    if (memory < 0) return;
    ::dup2(memory, *static_cast<int*>(handle));
    ::close(memory);
}

void file::close_completely() {
    if (!id_) return;
    const ssize_t open = H5Fget_obj_count(id_.get(), H5F_OBJ_ALL | H5F_OBJ_LOCAL);
    if (open != 1)
        throw internal_error("h5::file::close_completely: " + std::to_string(open - 1) + " objects of " + path_ +
                             " are still open");
    close();
}

}  // namespace fluxon::io::h5
