#include "engine/base/stats.hpp"

#include <algorithm>
#include <limits>
#include <utility>

#include "engine/base/errors.hpp"

namespace fluxon {

void stats_tree::add(std::string path, std::string name, std::int64_t value, std::string unit) {
    entries_.push_back({std::move(path), std::move(name), value, std::move(unit)});
}

void stats_tree::add(std::string path, std::string name, std::uint64_t value, std::string unit) {
    if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        throw internal_error("statistic '" + name + "' exceeds the range of a 64-bit signed count");
    }
    add(std::move(path), std::move(name), static_cast<std::int64_t>(value), std::move(unit));
}

void stats_tree::add(std::string path, std::string name, double value, std::string unit) {
    entries_.push_back({std::move(path), std::move(name), value, std::move(unit)});
}

void stats_tree::add(std::string path, std::string name, std::string text) {
    entries_.push_back({std::move(path), std::move(name), std::move(text), ""});
}

const stat_entry* stats_tree::find(std::string_view path, std::string_view name) const {
    const auto it = std::find_if(entries_.begin(), entries_.end(),
                                 [&](const stat_entry& e) { return e.path == path && e.name == name; });
    return it == entries_.end() ? nullptr : &*it;
}

std::optional<double> stats_tree::number(std::string_view path, std::string_view name) const {
    const stat_entry* e = find(path, name);
    if (!e) return std::nullopt;
    if (const auto* i = std::get_if<std::int64_t>(&e->value)) return static_cast<double>(*i);
    if (const auto* d = std::get_if<double>(&e->value)) return *d;
    return std::nullopt;
}

std::optional<std::string> stats_tree::text(std::string_view path, std::string_view name) const {
    const stat_entry* e = find(path, name);
    if (!e) return std::nullopt;
    if (const auto* s = std::get_if<std::string>(&e->value)) return *s;
    return std::nullopt;
}

std::size_t data_column::size() const {
    return std::visit([](const auto& v) { return v.size(); }, values);
}

namespace {

template <class Values>
data_table& append(data_table& t, std::string column, Values values, std::string unit) {
    if (!t.columns.empty() && values.size() != t.rows()) {
        throw internal_error("table '" + t.name + "': column '" + column + "' has " + std::to_string(values.size()) +
                             " rows, the others " + std::to_string(t.rows()));
    }
    t.columns.push_back({std::move(column), std::move(values), std::move(unit)});
    return t;
}

}  // namespace

data_table& data_table::add(std::string column, std::vector<std::int64_t> values, std::string unit) {
    return append(*this, std::move(column), std::move(values), std::move(unit));
}

data_table& data_table::add(std::string column, std::vector<double> values, std::string unit) {
    return append(*this, std::move(column), std::move(values), std::move(unit));
}

data_table& data_table::add(std::string column, std::vector<std::string> values) {
    return append(*this, std::move(column), std::move(values), "");
}

const data_column* data_table::find(std::string_view column) const {
    const auto it = std::find_if(columns.begin(), columns.end(), [&](const data_column& c) { return c.name == column; });
    return it == columns.end() ? nullptr : &*it;
}

}  // namespace fluxon
