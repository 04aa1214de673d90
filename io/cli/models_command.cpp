#include <cmath>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "engine/base/errors.hpp"

#include "io/cli/commands.hpp"
#include "neurons/model.hpp"

namespace fluxon::cli {
namespace {

struct display_unit {
    std::string_view symbol;
    double scale;
};

// Units that parse_quantity accepts, largest first, so a printed default can be pasted back
// into a config file.
std::vector<display_unit> display_units(dimension dim) {
    switch (dim) {
        case dimension::time:
            return {{"s", 1}, {"ms", 1e-3}, {"us", 1e-6}, {"ns", 1e-9}, {"ps", 1e-12}, {"fs", 1e-15}};
        case dimension::voltage: return {{"V", 1}, {"mV", 1e-3}, {"uV", 1e-6}};
        case dimension::current:
            return {{"A", 1}, {"mA", 1e-3}, {"uA", 1e-6}, {"nA", 1e-9}, {"pA", 1e-12}, {"fA", 1e-15}};
        case dimension::conductance:
            return {{"S", 1}, {"mS", 1e-3}, {"uS", 1e-6}, {"nS", 1e-9}, {"pS", 1e-12}};
        case dimension::capacitance:
            return {{"F", 1}, {"uF", 1e-6}, {"nF", 1e-9}, {"pF", 1e-12}, {"fF", 1e-15}};
        case dimension::resistance: return {{"GOhm", 1e9}, {"MOhm", 1e6}, {"kOhm", 1e3}, {"Ohm", 1}};
        case dimension::frequency: return {{"GHz", 1e9}, {"MHz", 1e6}, {"kHz", 1e3}, {"Hz", 1}};
        case dimension::energy:
            return {{"J", 1},      {"mJ", 1e-3},  {"uJ", 1e-6},  {"nJ", 1e-9},
                    {"pJ", 1e-12}, {"fJ", 1e-15}, {"aJ", 1e-18}};
        case dimension::power: return {{"W", 1}, {"mW", 1e-3}, {"uW", 1e-6}, {"nW", 1e-9}, {"pW", 1e-12}};
        case dimension::dimensionless: break;
    }
    return {};
}

std::string format_quantity(double value, dimension dim) {
    const std::vector<display_unit> units = display_units(dim);
    if (units.empty()) return fmt::format("{:g}", value);
    for (const display_unit& unit : units) {
        if (std::fabs(value) >= unit.scale * (1 - 1e-12)) {
            return fmt::format("\"{:g} {}\"", value / unit.scale, unit.symbol);
        }
    }
    const display_unit& base = value == 0 ? units.front() : units.back();
    return fmt::format("\"{:g} {}\"", value / base.scale, base.symbol);
}

std::string format_default(const param_def& def) {
    if (!def.default_value) return "required";
    if (!def.choices.empty()) return "\"" + def.choices.at(static_cast<std::size_t>(*def.default_value)) + "\"";
    if (std::isnan(*def.default_value)) return "unset";
    return format_quantity(*def.default_value, def.dim);
}

std::string format_doc(const param_def& def) {
    if (def.choices.empty()) return def.doc;
    std::string choices;
    for (const std::string& choice : def.choices) {
        if (!choices.empty()) choices += ", ";
        choices += fmt::format("\"{}\"", choice);
    }
    return def.doc + " (one of " + choices + ")";
}

void print_parameters(const param_schema& schema) {
    if (schema.empty()) {
        std::cout << "  parameters: none\n\n";
        return;
    }
    std::cout << fmt::format("  {:<14}{:<6}{:<14}{}\n", "parameter", "unit", "default", "description");
    for (const param_def& def : schema) {
        const std::string_view unit = def.dim == dimension::dimensionless ? "-" : si_unit(def.dim);
        std::cout << fmt::format("  {:<14}{:<6}{:<14}{}\n", def.name, unit, format_default(def), format_doc(def));
    }
    std::cout << "\n";
}

void print_model(const neuron_model& model) {
    std::cout << model.name() << (model.is_source() ? " (spike source)" : "") << ": "
              << model.description() << "\n";
    if (!model.receptors().empty()) {
        std::string list;
        for (const receptor_def& r : model.receptors()) {
            list += fmt::format("{}{} (weights in {})", list.empty() ? "" : ", ", r.name, si_unit(r.weight_dim));
        }
        std::cout << "  receptors:  " << list << "\n";
    }
    if (!model.state_vars().empty()) {
        std::string list;
        for (const state_var& v : model.state_vars()) {
            list += fmt::format("{}{} ({})", list.empty() ? "" : ", ", v.name, si_unit(v.dim));
        }
        std::cout << "  state:      " << list << "\n";
    }
    print_parameters(model.schema());
}

void print_layer(const layer_kind& kind) {
    static constexpr const char* roles[] = {"connection", "activation", "structural"};
    std::cout << kind.name() << " (layer, " << roles[static_cast<int>(kind.role())] << "): " << kind.description()
              << "\n";
    for (const layer_array_def& a : kind.arrays()) {
        std::cout << fmt::format("  array {:<12}{:<10}{}\n", a.name, a.required ? "required" : "optional", a.doc);
    }
    print_parameters(kind.schema());
}

}  // namespace

int models_command(const std::string& name) {
    const model_registry models = builtin_models();
    if (name.empty()) {
        for (const std::string& model : models.names()) print_model(*models.find(model));
        std::cout << "Layer kinds of layered networks (docs/layers.md):\n\n";
        for (const std::string& kind : models.layers().names()) print_layer(*models.layers().find(kind));
    } else if (models.find(name) || models.layers().find(name)) {
        // "if" and "lif" are both: a population's model and a layer's kind.
        if (const neuron_model* model = models.find(name)) print_model(*model);
        if (const layer_kind* kind = models.layers().find(name)) print_layer(*kind);
    } else {
        throw user_error(fmt::format("no model or layer kind '{}'; the models are: {}; the layer kinds: {}", name,
                                     fmt::join(models.names(), ", "), fmt::join(models.layers().names(), ", ")),
                         {});
    }
    std::cout << std::flush;
    return exit_ok;
}

}  // namespace fluxon::cli
