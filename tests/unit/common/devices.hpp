#pragma once
// Devices in tests: the registries a test runs with, a device described the way a config file
// describes it (its section, read by its family), and the numbers a device reports.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "devices/builtin_families.hpp"
#include "engine/base/device_report.hpp"
#include "engine/device.hpp"
#include "engine/simulation.hpp"
#include "io/config.hpp"
#include "networks/spec.hpp"
#include "neurons/model.hpp"

namespace fluxon::test {

// The shipped models and device families, built once for the test binary (they must outlive
// every simulation built with them).
inline const model_registry& test_models() {
    static const model_registry models = builtin_models();
    return models;
}

inline const device_registry& test_families() {
    static const device_registry families = builtin_families();
    return families;
}

// A simulation of `spec` with the shipped models and device families.
inline simulation simulate(const net::experiment_spec& spec) { return simulation(spec, test_models(), test_families()); }

// Reads `section_toml` (one device section such as "[hardware]\npreset = \"loihi\"\n") as a
// config file would be read, and appends the devices it describes to `spec`. Errors are the
// config reader's: config_error naming `source`, the line and the key.
inline const device_request& add_device(net::experiment_spec& spec, const std::string& section_toml,
                                        const std::string& source = "device.toml") {
    const net::experiment_spec read = io::parse_config_text(section_toml, source, {}, &test_families());
    if (read.devices.empty()) throw std::logic_error("add_device: no device section in:\n" + section_toml);
    spec.devices.insert(spec.devices.end(), read.devices.begin(), read.devices.end());
    return spec.devices.back();
}

// The settings a family read, as the family's own type (chip_settings, crossbar_settings).
template <class Settings>
const Settings& settings_of(const device_request& request) {
    const auto* s = dynamic_cast<const Settings*>(request.settings.get());
    if (!s) throw std::logic_error("device '" + request.instance + "' does not hold the settings asked for");
    return *s;
}

inline const device_report& device(const std::vector<device_report>& reports, std::string_view instance) {
    for (const device_report& d : reports) {
        if (d.instance == instance) return d;
    }
    throw std::logic_error("no device '" + std::string(instance) + "' in the reports");
}

// Not for a temporary list (describe_devices() returns one): use describe() below.
const device_report& device(std::vector<device_report>&& reports, std::string_view instance) = delete;

// What the simulation's device `instance` knows before the run (preset, settings, mapping).
inline device_report describe(const simulation& sim, std::string_view instance) {
    const std::vector<device_report> all = sim.describe_devices();
    return device(all, instance);
}

inline const device_report& device(const run_result& r, std::string_view instance) {
    return device(r.devices, instance);
}

inline bool has_device(const run_result& r, std::string_view instance) {
    for (const device_report& d : r.devices) {
        if (d.instance == instance) return true;
    }
    return false;
}

// A statistic of the device as a number (an integer converted to double).
inline double stat(const device_report& d, std::string_view name, std::string_view path = "") {
    const auto v = d.stats.number(path, name);
    if (!v) throw std::logic_error("device '" + d.instance + "' reports no number '" + std::string(name) + "'");
    return *v;
}

inline double stat(const run_result& r, std::string_view instance, std::string_view name, std::string_view path = "") {
    return stat(device(r, instance), name, path);
}

// A counting statistic, exactly.
inline std::int64_t count(const device_report& d, std::string_view name, std::string_view path = "") {
    const stat_entry* e = d.stats.find(path, name);
    const auto* v = e ? std::get_if<std::int64_t>(&e->value) : nullptr;
    if (!v) throw std::logic_error("device '" + d.instance + "' reports no count '" + std::string(name) + "'");
    return *v;
}

inline std::int64_t count(const run_result& r, std::string_view instance, std::string_view name,
                          std::string_view path = "") {
    return count(device(r, instance), name, path);
}

inline double static_energy(const run_result& r, std::string_view instance) {
    return device(r, instance).static_energy;
}
inline double dynamic_energy(const run_result& r, std::string_view instance) {
    return device(r, instance).dynamic_energy;
}
inline double total_energy(const run_result& r, std::string_view instance) {
    const device_report& d = device(r, instance);
    return d.static_energy + d.dynamic_energy;
}

// A column of one of the device's tables: T is std::int64_t, double or std::string.
template <class T>
std::vector<T> column(const device_report& d, std::string_view table, std::string_view name) {
    for (const data_table& t : d.tables) {
        if (t.name != table) continue;
        const data_column* c = t.find(name);
        if (!c) break;
        const auto* v = std::get_if<std::vector<T>>(&c->values);
        if (!v) throw std::logic_error("column " + std::string(table) + "/" + std::string(name) + " has another type");
        return *v;
    }
    throw std::logic_error("device '" + d.instance + "' has no column " + std::string(table) + "/" + std::string(name));
}

template <class T>
std::vector<T> column(const run_result& r, std::string_view instance, std::string_view table, std::string_view name) {
    return column<T>(device(r, instance), table, name);
}

}  // namespace fluxon::test
