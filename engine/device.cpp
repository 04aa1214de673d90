#include "engine/device.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace fluxon {

std::string device_family::preset_text(const std::string& name) const {
    throw config_error(fmt::format("the {} family ships no preset '{}'", this->name(), name), {});
}

std::string device_family::preset_summary(const std::string& name) const { return preset_text(name); }

void device_registry::add(std::unique_ptr<device_family> family) {
    for (const auto& f : families_) {
        if (f->name() == family->name() || f->section() == family->section()) {
            throw internal_error(fmt::format("device family '{}' (section [{}]) is registered twice", family->name(),
                                             family->section()));
        }
    }
    families_.push_back(std::move(family));
}

const device_family* device_registry::find(std::string_view name) const {
    const auto it = std::find_if(families_.begin(), families_.end(), [&](const auto& f) { return f->name() == name; });
    return it == families_.end() ? nullptr : it->get();
}

const device_family& device_registry::get(std::string_view name, const error_site& site) const {
    if (const device_family* f = find(name)) return *f;
    std::vector<std::string_view> names;
    for (const auto& f : families_) names.push_back(f->name());
    throw config_error(fmt::format("unknown device family '{}'; the families are: {}", name, fmt::join(names, ", ")),
                       site);
}

const device_family* device_registry::by_section(std::string_view section) const {
    const auto it =
        std::find_if(families_.begin(), families_.end(), [&](const auto& f) { return f->section() == section; });
    return it == families_.end() ? nullptr : it->get();
}

std::vector<const device_family*> device_registry::all() const {
    std::vector<const device_family*> out;
    for (const auto& f : families_) out.push_back(f.get());
    return out;
}

}  // namespace fluxon
