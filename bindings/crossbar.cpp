// fluxon.crossbar_mvm() and fluxon.crossbar_presets(): matrix-vector products on modelled
// crossbar arrays (devices/crossbar/plugin/crossbar_mvm.hpp), results as numpy arrays.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <fmt/format.h>

#include "bindings/bindings.hpp"
#include "devices/crossbar/plugin/crossbar_mvm.hpp"
#include "engine/base/errors.hpp"
#include "devices/crossbar/crossbar_preset.hpp"

namespace fluxon::py_bindings {
namespace {

using dense = py::array_t<double, py::array::c_style | py::array::forcecast>;

template <typename T>
std::optional<T> optional_of(const py::object& value) {
    if (value.is_none()) return std::nullopt;
    return value.cast<T>();
}

py::dict crossbar_mvm_py(const dense& weights, const dense& inputs, const std::string& preset, std::uint64_t seed,
                         const py::object& weight_bits, const py::object& adc_bits, const py::object& input_bits,
                         const py::object& d2d_sigma,
                         const py::object& programming_sigma, const py::object& read_sigma,
                         const py::object& drift_age, std::uint32_t replicas) {
    if (weights.ndim() != 2) {
        throw user_error(fmt::format("weights must be a 2-D array (inputs x outputs), got {} dimensions", weights.ndim()),
                         {.key = "weights"});
    }
    if (inputs.ndim() != 1 && inputs.ndim() != 2) {
        throw user_error(fmt::format("inputs must be a vector or a 2-D array (batch x inputs), got {} dimensions",
                                     inputs.ndim()),
                         {.key = "inputs"});
    }
    const auto rows = static_cast<std::uint32_t>(weights.shape(0));
    const auto columns = static_cast<std::uint32_t>(weights.shape(1));
    const py::ssize_t width = inputs.shape(inputs.ndim() - 1);
    if (width != weights.shape(0)) {
        throw user_error(fmt::format("inputs have {} entries per vector but weights have {} rows", width, rows),
                         {.key = "inputs"});
    }
    if (replicas < 1) throw user_error("replicas must be at least 1", {.key = "replicas"});
    const std::size_t batch = inputs.ndim() == 1 ? 1 : static_cast<std::size_t>(inputs.shape(0));
    crossbar_spec spec;
    spec.preset = preset;
    spec.preset_site.key = "preset";
    spec.site.key = "crossbar_mvm";
    spec.weight_bits = optional_of<std::int64_t>(weight_bits);
    spec.adc_bits = optional_of<std::int64_t>(adc_bits);
    spec.input_bits = optional_of<std::int64_t>(input_bits);
    if (spec.input_bits && (*spec.input_bits < 1 || *spec.input_bits > 16)) {
        throw user_error(fmt::format("input_bits must be from 1 to 16, got {}", *spec.input_bits), {.key = "input_bits"});
    }
    spec.d2d_sigma = optional_of<double>(d2d_sigma);
    spec.programming_sigma = optional_of<double>(programming_sigma);
    spec.read_sigma = optional_of<double>(read_sigma);
    if (!drift_age.is_none()) {
        quantity_input age;
        if (py::isinstance<py::str>(drift_age)) age.value = drift_age.cast<std::string>();
        else age.value = drift_age.cast<double>();
        age.site.key = "drift_age";
        spec.drift_age = age;
    }
    for (const auto& [bits, key] : {std::pair{spec.weight_bits, "weight_bits"}, std::pair{spec.adc_bits, "adc_bits"}}) {
        if (bits && (*bits < 0 || *bits > 24)) {
            throw user_error(fmt::format("{} must be from 0 to 24, got {}", key, *bits), {.key = key});
        }
    }
    spec.replicas = replicas;
    crossbar_mvm_result r;
    {
        py::gil_scoped_release nogil;
        r = crossbar_mvm(std::span<const double>(weights.data(), weights.size()), rows, columns,
                         std::span<const double>(inputs.data(), inputs.size()), batch, spec, seed);
    }
    py::array_t<double> outputs(inputs.ndim() == 1 ? std::vector<py::ssize_t>{columns}
                                                   : std::vector<py::ssize_t>{static_cast<py::ssize_t>(batch), columns});
    std::copy(r.outputs.begin(), r.outputs.end(), outputs.mutable_data());
    py::dict ledger;
    ledger["component"] = py::cast(r.ledger.component);
    ledger["action"] = py::cast(r.ledger.action);
    ledger["source"] = py::cast(r.ledger.source);
    ledger["count"] = py::array_t<std::int64_t>(static_cast<py::ssize_t>(r.ledger.count.size()), r.ledger.count.data());
    ledger["energy"] = py::array_t<double>(static_cast<py::ssize_t>(r.ledger.energy.size()), r.ledger.energy.data());
    ledger["latency"] = py::array_t<double>(static_cast<py::ssize_t>(r.ledger.latency.size()), r.ledger.latency.data());
    double programming = 0;
    for (std::size_t i = 0; i < r.ledger.action.size(); ++i) {
        if (r.ledger.action[i] == "program") programming += r.ledger.energy[i];
    }
    return py::dict(py::arg("outputs") = outputs, py::arg("preset") = r.preset,
                    py::arg("preset_origin") = r.preset_origin, py::arg("row_tiles") = r.row_tiles,
                    py::arg("column_tiles") = r.column_tiles, py::arg("arrays") = r.arrays,
                    py::arg("cell_utilisation") = r.cell_utilisation, py::arg("reads") = r.reads,
                    py::arg("conversions") = r.conversions, py::arg("static_energy") = r.static_energy,
                    py::arg("dynamic_energy") = r.dynamic_energy, py::arg("programming_energy") = programming,
                    py::arg("energy_per_mvm") = (r.dynamic_energy - programming) / static_cast<double>(batch),
                    py::arg("latency") = r.latency, py::arg("ledger") = ledger, py::arg("wall_time") = r.wall_time);
}

}  // namespace

void register_crossbar(py::module_& m) {
    m.def("crossbar_mvm", &crossbar_mvm_py, py::arg("weights"), py::arg("inputs"), py::arg("preset") = "ideal",
          py::arg("seed") = 1, py::arg("weight_bits") = py::none(), py::arg("adc_bits") = py::none(),
          py::arg("input_bits") = py::none(), py::arg("d2d_sigma") = py::none(), py::arg("programming_sigma") = py::none(),
          py::arg("read_sigma") = py::none(), py::arg("drift_age") = py::none(), py::arg("replicas") = 1,
          R"(Programs `weights` (inputs x outputs) onto modelled crossbar arrays of `preset` (a shipped name,
fluxon.crossbar_presets(), or a preset file) and reads `inputs` (one vector, or batch x inputs, values from 0
to 1) through them: outputs = inputs @ weights as the hardware computes it (quantised, noisy, converted).
The keyword arguments override the preset as [crossbar] does (docs/crossbar.md), input_bits the bits of an
input value (1 for spikes: one read); seed draws the devices and the noise. Returns outputs (numpy), the tiling (row_tiles, column_tiles, arrays, cell_utilisation), reads,
conversions, dynamic_energy (J, including programming), programming_energy, energy_per_mvm (J, without
programming), latency (s, the busiest array's reads), ledger and wall_time.)");
    m.def("crossbar_presets", &crossbar_preset_names, "Names of the crossbar presets fluxon ships.");
}

}  // namespace fluxon::py_bindings
