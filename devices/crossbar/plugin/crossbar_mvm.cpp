#include "devices/crossbar/plugin/crossbar_mvm.hpp"

#include <chrono>
#include <cmath>

#include <fmt/format.h>

#include "devices/crossbar/plugin/crossbar_binding.hpp"
#include "devices/crossbar/plugin/crossbar_input.hpp"
#include "devices/crossbar/plugin/crossbar_system.hpp"
#include "engine/base/rng.hpp"
#include "devices/crossbar/crossbar_preset.hpp"

namespace fluxon {

crossbar_mvm_result crossbar_mvm(std::span<const double> weights, std::uint32_t rows, std::uint32_t columns,
                                 std::span<const double> inputs, std::size_t batch, const crossbar_spec& spec,
                                 std::uint64_t seed) {
    if (rows == 0 || columns == 0) throw user_error("the weight matrix is empty: it needs at least one row and column", {});
    if (weights.size() != std::size_t{rows} * columns) {
        throw internal_error("crossbar_mvm: the weights do not have rows x columns entries");
    }
    if (inputs.size() != batch * rows) throw internal_error("crossbar_mvm: the inputs do not have batch x rows entries");
    for (std::size_t i = 0; i < weights.size(); ++i) {
        if (!std::isfinite(weights[i])) {
            throw user_error(fmt::format("weights[{}, {}] is {}: weights must be finite", i / columns, i % columns,
                                         weights[i]),
                             {.key = "weights"});
        }
    }
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        if (!(inputs[i] >= 0 && inputs[i] <= 1)) {
            throw user_error(fmt::format("inputs[{}, {}] is {}: inputs are activations from 0 to 1 (the rows' drive)",
                                         i / rows, i % rows, inputs[i]),
                             {.key = "inputs"});
        }
    }
    const crossbar_preset preset = load_crossbar_preset(spec.preset, spec.preset_site);
    const crossbar_params params = crossbar_params_for(spec, preset.params);
    crossbar_weights w;
    w.name = "matrix";
    w.rows = rows;
    w.columns = columns;
    w.values.assign(weights.begin(), weights.end());
    w.seed = derive_seed(seed, stream_kind::device, 0);
    w.site.key = "weights";
    crossbar_system system(params, {std::move(w)}, spec.replicas, crossbar_drift_age(spec));

    crossbar_mvm_result result;
    result.outputs.assign(batch * columns, 0.0);
    const auto t0 = std::chrono::steady_clock::now();
    crossbar_reader reader(system, 0, 0, columns);
    crossbar_input_driver driver(params.periphery);
    std::vector<std::uint32_t> rows_of(rows);
    for (std::uint32_t r = 0; r < rows; ++r) rows_of[r] = r;
    for (std::size_t b = 0; b < batch; ++b) {
        driver.read(reader, b, rows_of, inputs.subspan(b * rows, rows), 1.0, result.outputs.data() + b * columns);
    }
    result.wall_time = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    system.finish({&reader});

    result.preset = params.name;
    result.preset_origin = preset.origin;
    result.row_tiles = system.mapping().matrices[0].row_tiles;
    result.column_tiles = system.mapping().matrices[0].column_tiles;
    result.arrays = system.mapping().arrays();
    result.cell_utilisation = system.mapping().cell_utilisation(params);
    result.ledger = system.book().columns();
    result.static_energy = system.book().static_energy();
    result.dynamic_energy = system.book().dynamic_energy();
    result.latency = system.hardware_time();
    for (const crossbar_counts& n : system.counts()) {
        result.reads += n.reads;
        result.conversions += n.conversions;
    }
    return result;
}

}  // namespace fluxon
