#include "io/sweep_index.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <regex>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "engine/base/errors.hpp"
#include "io/hdf5.hpp"

namespace fluxon::io {
namespace {

namespace fs = std::filesystem;

constexpr int index_format_version = 2;
constexpr int table_format_version = 1;

[[noreturn]] void fail(const fs::path& path, const std::string& message) {
    error_site site;
    site.file = path.string();
    throw io_error(message, site);
}

// What a sweep writes into its directory.
bool written_by_a_sweep(const fs::directory_entry& entry) {
    static const std::regex run_file("run_[0-9]{4,}\\.h5");
    const std::string name = entry.path().filename().string();
    if (name == "report") return entry.is_directory();
    return name == "index.json" || name == "index.h5" || name == "index.json.partial" ||
           name == "index.h5.partial" || std::regex_match(name, run_file);
}

void replace(const fs::path& partial, const fs::path& path) {
    std::error_code ec;
    fs::rename(partial, path, ec);
    if (ec) fail(path, "cannot write the sweep index: " + ec.message());
}

nlohmann::ordered_json cell(const data_column& column, std::size_t row) {
    return std::visit(
        [&](const auto& values) -> nlohmann::ordered_json {
            using T = std::decay_t<decltype(values[row])>;
            if constexpr (std::is_same_v<T, double>) {
                if (!std::isfinite(values[row])) return nullptr;  // JSON has no NaN
            }
            return values[row];
        },
        column.values);
}

void write_json(const fs::path& directory, const sweep_index_info& info, const sweep_table& table) {
    nlohmann::ordered_json index;
    index["format"] = "fluxon-sweep";
    index["format_version"] = index_format_version;
    index["config"] = info.config;
    index["parameters"] = nlohmann::ordered_json::array();
    index["units"] = nlohmann::ordered_json::object();
    for (const data_column& c : table.parameters.columns) {
        index["parameters"].push_back(c.name);
        index["units"][c.name] = c.unit;
    }
    index["links"] = info.links;
    index["runs"] = nlohmann::ordered_json::array();
    const data_column& file = *table.points.find("file");
    const data_column& status = *table.points.find("status");
    const data_column& message = *table.points.find("message");
    const data_column* energy = table.metrics.find("energy");
    for (std::size_t i = 0; i < table.points.rows(); ++i) {
        nlohmann::ordered_json values = nlohmann::ordered_json::object(), given = nlohmann::ordered_json::object();
        for (const data_column& c : table.parameters.columns) values[c.name] = cell(c, i);
        for (const data_column& c : table.given.columns) given[c.name] = cell(c, i);
        nlohmann::ordered_json run{{"file", cell(file, i)}, {"values", values}, {"given", given},
                                   {"status", cell(status, i)}, {"message", cell(message, i)}};
        if (energy && std::isfinite(std::get<std::vector<double>>(energy->values)[i])) run["energy"] = cell(*energy, i);
        index["runs"].push_back(std::move(run));
    }
    const fs::path path = directory / "index.json";
    const fs::path partial = directory / "index.json.partial";
    const std::string text = index.dump(2) + "\n";
    // A full disk may fail any of these; the partial index goes then, with the reason.
    std::FILE* out = std::fopen(partial.c_str(), "w");
    int error_number = out == nullptr ? errno : 0;
    if (out != nullptr) {
        if (std::fwrite(text.data(), 1, text.size(), out) != text.size() || std::fflush(out) != 0) error_number = errno;
        if (std::fclose(out) != 0 && error_number == 0) error_number = errno;
    }
    if (error_number != 0) {
        std::error_code ec;
        fs::remove(partial, ec);
        fail(path, std::string("cannot write the sweep index: ") + std::strerror(error_number));
    }
    replace(partial, path);
}

void write_column(const h5::group& g, const data_column& c, const std::string& name) {
    const h5::dataset d = std::visit(
        [&](const auto& values) {
            using V = std::decay_t<decltype(values)>;
            if constexpr (std::is_same_v<V, std::vector<std::string>>) {
                return g.write_strings(name, values);
            } else {
                return g.write_vector<typename V::value_type>(name, values);
            }
        },
        c.values);
    d.write_attr("units", c.unit);
}

void write_h5(const fs::path& directory, const sweep_index_info& info, const sweep_table& table) {
    const fs::path path = directory / "index.h5";
    const fs::path partial = directory / "index.h5.partial";
    {
        h5::file file = h5::file::create(partial.string());
        const h5::group root = file.root();
        root.write_attr("format", "fluxon-sweep-table");
        root.write_attr("format_version", std::int32_t{table_format_version});
        root.write_attr("config", info.config);
        root.write_attr("points", static_cast<std::int64_t>(table.points.rows()));
        for (const data_column& c : table.points.columns) write_column(root, c, c.name);
        const h5::group parameters = root.create_group("parameters");
        for (const data_column& c : table.parameters.columns) write_column(parameters, c, c.name);
        const h5::group given = root.create_group("given");
        for (const data_column& c : table.given.columns) write_column(given, c, c.name);
        const h5::group links = root.create_group("links");
        for (std::size_t l = 0; l < info.links.size(); ++l) {
            links.write_strings(std::to_string(l), info.links[l]).write_attr("units", "");
        }
        const h5::group metrics = root.create_group("metrics");
        for (const data_column& c : table.metrics.columns) {
            const std::size_t slash = c.name.find('/');
            if (slash == std::string::npos) {
                write_column(metrics, c, c.name);
            } else {
                write_column(metrics.require_group(c.name.substr(0, slash)), c, c.name.substr(slash + 1));
            }
        }
        file.close();
    }
    replace(partial, path);
}

}  // namespace

void refuse_existing_sweep(const std::string& directory, bool overwrite, std::string_view how) {
    std::error_code ec;
    if (overwrite || !fs::exists(directory, ec)) return;
    if (!fs::is_directory(directory, ec)) fail(directory, "exists and is not a directory (a sweep writes a directory)");
    std::vector<std::string> held;
    for (const fs::directory_entry& entry : fs::directory_iterator(directory, ec)) {
        held.push_back(entry.path().filename().string());
    }
    if (held.empty()) return;
    std::sort(held.begin(), held.end());
    const std::size_t shown = std::min<std::size_t>(held.size(), 3);
    std::string list;
    for (std::size_t i = 0; i < shown; ++i) list += (i ? ", " : "") + held[i];
    if (held.size() > shown) list += fmt::format(" and {} more", held.size() - shown);
    fail(directory, fmt::format("the directory is not empty (it holds {}); pass {} to replace an earlier sweep in it",
                                list, how));
}

void prepare_sweep_directory(const std::string& directory) {
    std::error_code ec;
    fs::create_directories(directory, ec);
    if (ec) fail(directory, "cannot create the output directory: " + ec.message());
    std::vector<fs::path> stale;
    for (const fs::directory_entry& entry : fs::directory_iterator(directory, ec)) {
        if (written_by_a_sweep(entry)) stale.push_back(entry.path());
    }
    if (ec) fail(directory, "cannot list the output directory: " + ec.message());
    for (const fs::path& path : stale) {
        fs::remove_all(path, ec);
        if (ec) fail(path, "cannot remove this file of an earlier sweep: " + ec.message());
    }
}

void write_sweep_index(const std::string& directory, const sweep_index_info& info, const sweep_table& table) {
    write_json(directory, info, table);
    write_h5(directory, info, table);
}

}  // namespace fluxon::io
