#pragma once
// What a device reports besides its ledger, in one generic shape every reader understands
// without knowing the device: a statistics tree (path, name, value, unit) and named tables of
// equal-length columns. A counter is added in one place, the device that counts it; run files,
// `fluxon inspect` and Python read it from here.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace fluxon {

struct stat_entry {
    std::string path;  // "" for the device itself, "noc", "core[3]" ... below it
    std::string name;
    std::variant<std::int64_t, double, std::string> value;
    std::string unit;  // SI unit ("J", "s", "B/s"), "" for counts, fractions and text
};

class stats_tree {
public:
    void add(std::string path, std::string name, std::int64_t value, std::string unit = "");
    void add(std::string path, std::string name, std::uint64_t value, std::string unit = "");
    void add(std::string path, std::string name, double value, std::string unit);
    void add(std::string path, std::string name, std::string text);

    const std::vector<stat_entry>& entries() const { return entries_; }
    const stat_entry* find(std::string_view path, std::string_view name) const;
    // The value as a number (an integer converted to double); absent when missing or text.
    std::optional<double> number(std::string_view path, std::string_view name) const;
    std::optional<std::string> text(std::string_view path, std::string_view name) const;

private:
    std::vector<stat_entry> entries_;
};

struct data_column {
    std::string name;
    std::variant<std::vector<std::int64_t>, std::vector<double>, std::vector<std::string>> values;
    std::string unit;
    std::size_t size() const;
};

// Named columns of one length ("placement": population, first, size, core).
struct data_table {
    std::string name;
    std::vector<data_column> columns;

    data_table& add(std::string column, std::vector<std::int64_t> values, std::string unit = "");
    data_table& add(std::string column, std::vector<double> values, std::string unit);
    data_table& add(std::string column, std::vector<std::string> values);
    const data_column* find(std::string_view column) const;
    std::size_t rows() const { return columns.empty() ? 0 : columns.front().size(); }
};

}  // namespace fluxon
