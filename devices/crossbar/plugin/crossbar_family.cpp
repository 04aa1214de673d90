#include "devices/crossbar/plugin/crossbar_family.hpp"

#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "devices/crossbar/plugin/crossbar_binding.hpp"
#include "devices/crossbar/plugin/crossbar_settings.hpp"
#include "engine/base/config_scalars.hpp"
#include "engine/base/preset_values.hpp"
#include "engine/base/synaptic_energy.hpp"

namespace fluxon {
namespace {

void read_names(const config_node& list, std::vector<std::string>& names, std::vector<error_site>& sites,
                std::string_view what = "projection") {
    for (const config_node& item : list.items(fmt::format("a list of {} names", what))) {
        names.push_back(read_string(item, fmt::format("a {} name", what)));
        sites.push_back(item.site());
    }
}

std::optional<double> read_sigma(const config_node& section, std::string_view key) {
    const config_node at = section.child(key);
    if (!at.present()) return std::nullopt;
    const double value = read_number(at, "a relative standard deviation such as 0.05");
    if (!(value >= 0 && value <= 10)) at.fail(fmt::format("{} must be from 0 to 10, got {}", key, value));
    return value;
}

std::optional<std::int64_t> read_bits(const config_node& section, std::string_view key, std::int64_t max) {
    const config_node at = section.child(key);
    if (!at.present()) return std::nullopt;
    const std::int64_t value = read_integer(at, fmt::format("0 (exact or ideal) or a number of bits up to {}", max));
    if (value < 0 || value > max) at.fail(fmt::format("{} must be from 0 to {}, got {}", key, max, value));
    return value;
}

crossbar_spec read_spec(const config_node& section) {
    crossbar_spec spec;
    spec.site = section.site();
    const config_node preset =
        section.require("preset", "a crossbar preset name (such as \"reram_neurosim\") or a file path");
    spec.preset = read_string(preset, "a crossbar preset name or a file path");
    if (spec.preset.empty()) preset.fail("expected a crossbar preset name or a file path, got an empty string");
    spec.preset_site = preset.site();
    spec.preset = preset::relative_to_config(section, spec.preset);
    if (const config_node list = section.child("projections"); list.present()) {
        read_names(list, spec.projections, spec.projection_sites);
        spec.projections_given = true;
    }
    if (const config_node list = section.child("layers"); list.present()) {
        read_names(list, spec.layers, spec.layer_sites, "layer");
        spec.layers_given = true;
    }
    if (const config_node list = section.child("random_weights"); list.present()) {
        read_names(list, spec.random_weights, spec.random_weight_sites);
    }
    spec.weight_bits = read_bits(section, "weight_bits", 24);
    spec.adc_bits = read_bits(section, "adc_bits", 24);
    spec.d2d_sigma = read_sigma(section, "d2d_sigma");
    spec.programming_sigma = read_sigma(section, "programming_sigma");
    spec.read_sigma = read_sigma(section, "read_sigma");
    if (const config_node age = section.child("drift_age"); age.present()) {
        spec.drift_age = read_quantity(age, dimension::time);
    }
    if (const config_node r = section.child("replicas"); r.present()) {
        const std::int64_t value = read_integer(r, "a number of copies >= 1");
        if (value < 1 || value > 65536) r.fail(fmt::format("replicas must be from 1 to 65536, got {}", value));
        spec.replicas = static_cast<std::uint32_t>(value);
    }
    return spec;
}

template <class T>
std::vector<std::int64_t> widened(const std::vector<T>& v) {
    return {v.begin(), v.end()};
}

class crossbar_device final : public attached_device {
public:
    crossbar_device(const crossbar_settings& settings, std::string instance, const net::experiment_spec& experiment,
                    built_network& net)
        : settings_(settings), instance_(std::move(instance)), binding_(settings, experiment, net) {}

    void finish() override { binding_.finish(); }
    const ledger* book() const override { return &binding_.system().book(); }

    // Computed once: the mapping does not change during the run, and a description walks every
    // route (chip) or cell (crossbar).
    device_report describe() const override {
        if (!described_) described_ = describe_once();
        return *described_;
    }

    device_report describe_once() const {
        const crossbar_system& xs = binding_.system();
        const crossbar_params& p = xs.params();
        const crossbar_mapping& m = xs.mapping();
        device_report r;
        r.family = "crossbar";
        r.instance = instance_;
        r.preset = p.name;
        r.preset_origin = settings_.preset.origin;
        r.preset_text = settings_.preset.text;
        r.stats.add("", "encoding", std::string(m.encoding.differential ? "differential" : "offset"));
        r.stats.add("", "weight_bits", std::int64_t{p.periphery.weight_bits});
        r.stats.add("", "adc_bits", std::int64_t{p.periphery.adc_bits});
        r.stats.add("", "slices", std::int64_t{m.encoding.slices});
        r.stats.add("", "columns_per_weight", std::int64_t{m.encoding.columns_per_weight});
        r.stats.add("", "weights_per_array", std::int64_t{m.encoding.weights_per_array});
        r.stats.add("", "array_rows", std::int64_t{p.geometry.rows});
        r.stats.add("", "array_columns", std::int64_t{p.geometry.columns});
        r.stats.add("", "replicas", std::int64_t{m.replicas});
        r.stats.add("", "max_arrays", std::int64_t{p.max_arrays});
        r.stats.add("", "arrays", std::uint64_t{m.arrays()});
        r.stats.add("", "cell_utilisation", m.cell_utilisation(p), "");
        r.stats.add("", "drift_age", xs.drift_age(), "s");
        r.stats.add("", "writes_per_cell", std::uint64_t{p.program_pulses});
        r.stats.add("", "endurance", std::uint64_t{p.endurance});

        data_table projections{"projections"};
        std::vector<std::string> name;
        std::vector<std::int64_t> row_tiles, column_tiles, random;
        std::vector<double> scale;
        for (std::size_t k = 0; k < xs.matrices().size(); ++k) {
            name.push_back(xs.matrices()[k].name);
            row_tiles.push_back(m.matrices[k].row_tiles);
            column_tiles.push_back(m.matrices[k].column_tiles);
            scale.push_back(xs.matrices()[k].scale);
            random.push_back(xs.matrices()[k].random ? 1 : 0);
        }
        projections.add("name", std::move(name)).add("row_tiles", std::move(row_tiles));
        projections.add("column_tiles", std::move(column_tiles)).add("scale", std::move(scale), "");
        projections.add("random", std::move(random));
        r.tables.push_back(std::move(projections));

        data_table tiles{"tiles"};
        std::vector<std::string> projection;
        std::vector<std::int64_t> row_tile, column_tile, first_row, rows, first_column, columns, physical;
        std::vector<double> conductance;
        for (const crossbar_tile& tile : m.tiles) {
            const crossbar_matrix_state& matrix = xs.matrices()[tile.matrix];
            projection.push_back(matrix.name);
            row_tile.push_back(tile.row_tile);
            column_tile.push_back(tile.column_tile);
            first_row.push_back(tile.first_row);
            rows.push_back(tile.rows);
            first_column.push_back(tile.first_column);
            columns.push_back(tile.columns);
            physical.push_back(tile.physical_columns);
            const std::size_t local = static_cast<std::size_t>(&tile - m.tiles.data()) - m.matrices[tile.matrix].first_tile;
            conductance.push_back(matrix.arrays[local].mean_conductance());
        }
        tiles.add("projection", std::move(projection)).add("row_tile", std::move(row_tile));
        tiles.add("column_tile", std::move(column_tile)).add("first_row", std::move(first_row));
        tiles.add("rows", std::move(rows)).add("first_column", std::move(first_column));
        tiles.add("columns", std::move(columns)).add("physical_columns", std::move(physical));
        tiles.add("mean_conductance", std::move(conductance), "S");
        r.tables.push_back(std::move(tiles));
        return r;
    }

    device_report report() const override {
        device_report r = describe();
        const crossbar_system& xs = binding_.system();
        std::vector<std::int64_t> reads, row_drives, conversions;
        std::uint64_t total_reads = 0, total_conversions = 0;
        const auto& counts = xs.counts();
        for (std::size_t t = 0; t < xs.mapping().tiles.size(); ++t) {
            const crossbar_counts n = t < counts.size() ? counts[t] : crossbar_counts{};
            reads.push_back(static_cast<std::int64_t>(n.reads));
            row_drives.push_back(static_cast<std::int64_t>(n.row_drives));
            conversions.push_back(static_cast<std::int64_t>(n.conversions));
            total_reads += n.reads;
            total_conversions += n.conversions;
        }
        r.stats.add("", "reads", total_reads);
        r.stats.add("", "conversions", total_conversions);
        r.stats.add("", "hardware_time", xs.hardware_time(), "s");
        add_synaptic_energy(r.stats, binding_.synaptic_events(), binding_.synaptic_energy());
        data_table activity{"tile_activity"};
        activity.add("reads", std::move(reads)).add("row_drives", std::move(row_drives));
        activity.add("conversions", std::move(conversions));
        r.tables.push_back(std::move(activity));
        if (!binding_.layers().empty()) {
            // How far the arrays took each layer from its exact result: the root-mean-square
            // difference over the output entries either made, relative to the exact values'.
            data_table layers{"layers"};
            std::vector<std::string> name;
            std::vector<std::int64_t> outputs;
            std::vector<double> rms, relative;
            for (const auto& l : binding_.layers()) {
                const crossbar_layer_error& e = l.op->error();
                name.push_back(l.name);
                outputs.push_back(static_cast<std::int64_t>(e.outputs));
                const double n = e.outputs > 0 ? static_cast<double>(e.outputs) : 1.0;
                rms.push_back(std::sqrt(e.sum_squared / n));
                relative.push_back(e.sum_squared_exact > 0 ? std::sqrt(e.sum_squared / e.sum_squared_exact) : 0.0);
            }
            layers.add("name", std::move(name)).add("outputs", std::move(outputs));
            layers.add("rms_error", std::move(rms), "").add("relative_rms_error", std::move(relative), "");
            r.tables.push_back(std::move(layers));
        }
        r.set_ledger(xs.book());
        return r;
    }

private:
    mutable std::optional<device_report> described_;
    const crossbar_settings& settings_;
    std::string instance_;
    crossbar_binding binding_;
};

class crossbar_family final : public device_family {
public:
    std::string_view name() const override { return "crossbar"; }
    std::string_view description() const override {
        return "projections computed in resistive or SRAM compute-in-memory crossbar arrays (NeuroSim ReRAM, "
               "aihwkit PCM, SRAM CiM, ideal)";
    }
    std::string_view section() const override { return "crossbar"; }
    std::string_view default_instance() const override { return "crossbar"; }
    std::vector<std::string_view> keys() const override {
        return {"preset", "projections", "layers", "random_weights", "weight_bits", "adc_bits", "d2d_sigma",
                "programming_sigma", "read_sigma", "drift_age", "replicas"};
    }

    std::shared_ptr<const device_settings> read(const config_node& section) const override {
        auto s = std::make_shared<crossbar_settings>();
        s->spec = read_spec(section);
        s->preset = load_crossbar_preset(s->spec.preset, s->spec.preset_site);
        s->params = crossbar_params_for(s->spec, s->preset.params);
        s->drift_age = crossbar_drift_age(s->spec);
        return s;
    }

    std::unique_ptr<attached_device> attach(const device_settings& settings, attach_context& ctx) const override {
        return std::make_unique<crossbar_device>(static_cast<const crossbar_settings&>(settings),
                                                 ctx.request.instance, ctx.experiment, ctx.net);
    }

    std::vector<std::string> preset_names() const override { return crossbar_preset_names(); }
    std::string preset_text(const std::string& name) const override { return load_crossbar_preset(name, {}).text; }
    std::string preset_summary(const std::string& name) const override {
        const crossbar_params& x = load_crossbar_preset(name, {}).params;
        return fmt::format("{}x{} cells, {}; {}", x.geometry.rows, x.geometry.columns,
                           x.periphery.weight_bits > 0 ? fmt::format("{}-bit weights", x.periphery.weight_bits)
                                                       : std::string("analog weights"),
                           x.description);
    }
};

}  // namespace

std::unique_ptr<device_family> make_crossbar_family() { return std::make_unique<crossbar_family>(); }

}  // namespace fluxon
