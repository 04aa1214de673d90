#include "neurons/params.hpp"

#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

namespace fluxon {
namespace {

error_site child_site(const error_site& where, const quantity_input* input, const std::string& name) {
    error_site site = input ? input->site : where;
    if (site.file.empty()) site.file = where.file;
    if (site.line == 0) site.line = where.line;
    if (site.node.empty()) site.node = where.node;
    if (site.key.empty()) site.key = where.key.empty() ? name : where.key + "." + name;
    return site;
}

double resolve_choice(const param_def& def, const quantity_input& input) {
    const std::string* word = std::get_if<std::string>(&input.value);
    for (std::size_t i = 0; word && i < def.choices.size(); ++i) {
        if (def.choices[i] == *word) return static_cast<double>(i);
    }
    throw config_error(fmt::format("parameter '{}' must be one of: \"{}\"", def.name,
                                   fmt::join(def.choices, "\", \"")),
                       input.site);
}

}  // namespace


double validated_params::get(const std::string& name) const {
    for (std::size_t i = 0; i < schema_->size(); ++i) {
        if ((*schema_)[i].name == name) return values_[i];
    }
    throw internal_error("parameter '" + name + "' is not in the schema");
}

std::string validated_params::to_json() const {
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    for (std::size_t i = 0; i < schema_->size(); ++i) {
        const double v = values_[i];
        if (!(*schema_)[i].choices.empty()) {
            j[(*schema_)[i].name] = (*schema_)[i].choices.at(static_cast<std::size_t>(v));
        } else if (std::isnan(v)) {
            j[(*schema_)[i].name] = nullptr;
        } else {
            j[(*schema_)[i].name] = v;
        }
    }
    return j.dump();
}

validated_params validate_params(const param_schema& schema, const param_inputs& inputs,
                                 const error_site& where) {
    for (const auto& [name, input] : inputs) {
        bool known = false;
        for (const auto& def : schema) known = known || def.name == name;
        if (!known) {
            std::string names;
            for (const auto& def : schema) names += (names.empty() ? "" : ", ") + def.name;
            throw config_error(fmt::format("unknown parameter '{}'; this model has: {}", name, names),
                               child_site(where, &input, name));
        }
    }
    std::vector<double> values;
    values.reserve(schema.size());
    for (const auto& def : schema) {
        const auto it = inputs.find(def.name);
        double v = 0;
        if (it == inputs.end()) {
            if (!def.default_value) {
                throw config_error(fmt::format("parameter '{}' ({}, in {}) is required", def.name,
                                               dimension_name(def.dim), si_unit(def.dim)),
                                   child_site(where, nullptr, def.name));
            }
            v = *def.default_value;
        } else {
            const error_site site = child_site(where, &it->second, def.name);
            quantity_input located = it->second;
            located.site = site;
            if (!def.choices.empty()) {
                values.push_back(resolve_choice(def, located));
                continue;
            }
            v = resolve_quantity(located, def.dim, "parameter '" + def.name + "'");
            const bool below = def.min_exclusive ? !(v > def.min) : !(v >= def.min);
            if (below || !(v <= def.max)) {
                throw config_error(fmt::format("parameter '{}' = {} {} is out of range: expected {} {} {}{}",
                                               def.name, v, si_unit(def.dim),
                                               def.min_exclusive ? ">" : ">=", def.min,
                                               std::isinf(def.max) ? "" : fmt::format("and <= {}", def.max),
                                               ""),
                                   site);
            }
        }
        values.push_back(v);
    }
    return validated_params(&schema, std::move(values));
}

}  // namespace fluxon
