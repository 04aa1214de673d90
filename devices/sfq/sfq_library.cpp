#include "devices/sfq/sfq_library.hpp"

#include <algorithm>
#include <cmath>

namespace fluxon::sfq {
namespace {

int index_of(const std::vector<std::string>& names, const std::string& name) {
    const auto it = std::find(names.begin(), names.end(), name);
    return it == names.end() ? -1 : static_cast<int>(it - names.begin());
}

}  // namespace

int cell_type::input_index(const std::string& port) const { return index_of(inputs, port); }
int cell_type::output_index(const std::string& port) const { return index_of(outputs, port); }

const cell_type* library::find(const std::string& name) const {
    const auto it = cells.find(name);
    return it == cells.end() ? nullptr : &it->second;
}

// Thermal noise turns the escape junction's switching threshold into a Gaussian gray zone.
double synapse_pass_probability(const technology_params& tech, double bias) {
    return 0.5 * std::erfc(-(bias - tech.synapse_i50.value) / (tech.synapse_width.value * std::sqrt(2.0)));
}

}  // namespace fluxon::sfq
