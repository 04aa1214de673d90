#include "neurons/model.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace fluxon {

int find_state_var(const neuron_model& model, std::string_view name) {
    const auto vars = model.state_vars();
    for (std::size_t i = 0; i < vars.size(); ++i) {
        if (vars[i].name == name) return static_cast<int>(i);
    }
    return -1;
}

int find_receptor(const neuron_model& model, std::string_view name) {
    const auto recs = model.receptors();
    for (std::size_t i = 0; i < recs.size(); ++i) {
        if (recs[i].name == name) return static_cast<int>(i);
    }
    return -1;
}

void model_registry::add(std::unique_ptr<neuron_model> model) {
    if (find(model->name())) throw internal_error(fmt::format("model '{}' registered twice", model->name()));
    models_.push_back(std::move(model));
}

const neuron_model* model_registry::find(std::string_view name) const {
    for (const auto& m : models_) {
        if (m->name() == name) return m.get();
    }
    return nullptr;
}

const neuron_model& model_registry::get(std::string_view name, const error_site& site) const {
    if (const auto* m = find(name)) return *m;
    throw config_error(fmt::format("unknown model '{}'; known models: {}", name, fmt::join(names(), ", ")),
                       site);
}

std::vector<std::string> model_registry::names() const {
    std::vector<std::string> out;
    for (const auto& m : models_) out.emplace_back(m->name());
    return out;
}

}  // namespace fluxon
