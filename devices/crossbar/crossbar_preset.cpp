#include "devices/crossbar/crossbar_preset.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>

#include <fmt/format.h>

#include "devices/crossbar/crossbar_encoding.hpp"
#include "engine/base/quantity.hpp"
#include "engine/base/config_node.hpp"
#include "engine/base/preset_values.hpp"

namespace fluxon {
namespace detail {
// Generated at configure time from devices/crossbar/presets/*.toml (devices/presets.cmake).
std::vector<std::pair<std::string_view, std::string_view>> builtin_crossbar_presets();
}  // namespace detail

namespace {

constexpr std::uint64_t max32 = std::numeric_limits<std::uint32_t>::max();

// Reads entries of one section, recording each source under "section.key".
class section_reader {
public:
    section_reader(const config_node& root, std::string_view name, std::vector<std::string_view> keys,
                   crossbar_params& params)
        : section_(preset::table_at(root, name, fmt::format("a [{}] section", name), keys)), params_(params) {}

    config_node entry(std::string_view key) {
        std::string source;
        const config_node value = preset::sourced_value(section_, key, source);
        params_.sources[fmt::format("{}.{}", section_.key(), key)] = std::move(source);
        return value;
    }
    std::uint32_t count(std::string_view key, std::uint64_t min, std::uint64_t max, std::string_view example) {
        return static_cast<std::uint32_t>(preset::read_count(entry(key), min, max, example));
    }
    double quantity(std::string_view key, dimension dim) { return preset::read_quantity(entry(key), dim); }
    // A plain number from 0 to `max`.
    double number(std::string_view key, double max) {
        const config_node at = entry(key);
        const auto value = at.node().value<double>();
        const std::string expected = fmt::format("a number from 0 to {}", max);
        if (!value || !(at.node().is_floating_point() || at.node().is_integer())) {
            at.fail(fmt::format("expected {}, got {}", expected, at.node().type() == toml::node_type::string
                                                                    ? "a string"
                                                                    : "another type"));
        }
        if (!(*value >= 0 && *value <= max)) at.fail(fmt::format("expected {}, got {}", expected, *value));
        return *value;
    }
    bool flag(std::string_view key) {
        const config_node at = entry(key);
        if (!at.node().is_boolean()) at.fail("expected true or false");
        return *at.node().value<bool>();
    }
    std::string choice(std::string_view key, std::initializer_list<std::string_view> choices) {
        const config_node at = entry(key);
        std::string allowed;
        for (const auto c : choices) allowed += fmt::format("{}\"{}\"", allowed.empty() ? "" : " or ", c);
        const std::string value = preset::read_text(at, allowed);
        for (const auto c : choices) {
            if (value == c) return value;
        }
        at.fail(fmt::format("expected {}, got \"{}\"", allowed, value));
    }
    config_node value_of(std::string_view key) const { return section_.child(key).child("value"); }
    // Optional entries: present in this preset?
    bool has(std::string_view key) const { return section_.child(key).present(); }
    const config_node& node() const { return section_; }

private:
    config_node section_;
    crossbar_params& params_;
};

void read_array(const config_node& root, crossbar_params& p) {
    section_reader s(root, "array", {"rows", "columns", "parallel_rows"}, p);
    // Rows index 32-bit noise keys per read and an array is programmed densely: 2^16 per side.
    p.geometry.rows = s.count("rows", 1, 65536, "128");
    p.geometry.columns = s.count("columns", 1, 65536, "128");
    p.geometry.parallel_rows = s.count("parallel_rows", 1, p.geometry.rows, "128");
}

void read_cell(const config_node& root, crossbar_params& p) {
    section_reader s(root, "cell",
                     {"g_min", "g_max", "bits_per_cell", "v_read", "t_read", "read_energy", "conduction_voltage",
                      "conduction_time"},
                     p);
    p.cell.g_min = s.quantity("g_min", dimension::conductance);
    p.cell.g_max = s.quantity("g_max", dimension::conductance);
    if (!(p.cell.g_max > p.cell.g_min)) {
        s.value_of("g_max").fail(fmt::format("g_max must exceed g_min ({} S), got {} S", p.cell.g_min, p.cell.g_max));
    }
    p.cell.bits_per_cell = s.count("bits_per_cell", 1, 8, "1");
    p.cell.v_read = s.quantity("v_read", dimension::voltage);
    p.cell.t_read = s.quantity("t_read", dimension::time);
    p.cell.read_energy = s.quantity("read_energy", dimension::energy);
    // Optional: what a cell dissipates while read may differ from the row's drive (a clamped
    // column, a conduction window shorter than the pulse).
    std::string voltage_key = "v_read", time_key = "t_read";
    if (s.has("conduction_voltage")) {
        p.cell.conduction_voltage = s.quantity("conduction_voltage", dimension::voltage);
        if (!(p.cell.conduction_voltage > 0)) s.value_of("conduction_voltage").fail("expected a positive voltage");
        voltage_key = "conduction_voltage";
    }
    if (s.has("conduction_time")) {
        p.cell.conduction_time = s.quantity("conduction_time", dimension::time);
        if (!(p.cell.conduction_time > 0)) s.value_of("conduction_time").fail("expected a positive time");
        time_key = "conduction_time";
    }
    p.costs.cell_read_source =
        p.cell.read_energy > 0
            ? p.sources["cell.read_energy"]
            : fmt::format("computed: {}^2 x mean programmed G x {} (cell.{}: {}; cell.{}: {})", voltage_key, time_key,
                          voltage_key, p.sources["cell." + voltage_key], time_key, p.sources["cell." + time_key]);
}

void read_variation(const config_node& root, crossbar_params& p) {
    section_reader s(root, "variation",
                     {"d2d_sigma", "programming_sigma", "pcm_programming", "stuck_on", "stuck_off", "read_sigma",
                      "pcm_read_noise", "pcm_t_read", "drift", "drift_nu_mean", "drift_nu_std", "drift_t0",
                      "wire_resistance"},
                     p);
    crossbar_variation& v = p.variation;
    v.d2d_sigma = s.number("d2d_sigma", 10);
    v.programming_sigma = s.number("programming_sigma", 10);
    v.pcm_programming = s.flag("pcm_programming");
    v.stuck_on = s.number("stuck_on", 1);
    v.stuck_off = s.number("stuck_off", 1);
    if (v.stuck_on + v.stuck_off > 1) {
        s.value_of("stuck_off").fail(fmt::format("stuck_on + stuck_off = {} exceeds 1", v.stuck_on + v.stuck_off));
    }
    v.read_sigma = s.number("read_sigma", 10);
    v.pcm_read_noise = s.flag("pcm_read_noise");
    v.pcm_t_read = s.quantity("pcm_t_read", dimension::time);
    if (v.pcm_read_noise && !(v.pcm_t_read > 0)) s.value_of("pcm_t_read").fail("expected a positive time with pcm_read_noise");
    const std::string drift = s.choice("drift", {"none", "constant", "pcm"});
    v.drift = drift == "none" ? drift_model::none : drift == "constant" ? drift_model::constant : drift_model::pcm;
    v.drift_nu_mean = s.number("drift_nu_mean", 1);
    v.drift_nu_std = s.number("drift_nu_std", 1);
    v.drift_t0 = s.quantity("drift_t0", dimension::time);
    if (v.drift != drift_model::none && !(v.drift_t0 > 0)) s.value_of("drift_t0").fail("expected a positive time with drift");
    v.wire_resistance = s.quantity("wire_resistance", dimension::resistance);
}

void read_periphery(const config_node& root, crossbar_params& p) {
    section_reader s(root, "periphery",
                     {"weight_bits", "encoding", "input_bits", "inputs", "adc_bits", "adc_full_scale", "adc_range",
                      "columns_per_adc", "t_adc"},
                     p);
    crossbar_periphery& io = p.periphery;
    io.weight_bits = s.count("weight_bits", 0, 24, "8");
    io.encoding = s.choice("encoding", {"differential", "offset"}) == "differential" ? weight_encoding::differential
                                                                                    : weight_encoding::offset;
    io.input_bits = s.count("input_bits", 1, 16, "1");
    io.inputs = s.choice("inputs", {"bit_serial", "levels"}) == "bit_serial" ? input_mode::bit_serial
                                                                             : input_mode::levels;
    io.adc_bits = s.count("adc_bits", 0, 24, "5");
    io.adc_full_scale = s.number("adc_full_scale", 1);
    if (!(io.adc_full_scale > 0)) s.value_of("adc_full_scale").fail("expected a fraction above 0");
    // Optional: "binary" unless the preset says otherwise.
    if (s.has("adc_range")) {
        io.adc_codes = s.choice("adc_range", {"binary", "symmetric"}) == "binary" ? adc_range::binary : adc_range::symmetric;
    }
    io.columns_per_adc = s.count("columns_per_adc", 1, max32, "8");
    io.t_adc = s.quantity("t_adc", dimension::time);
}

void read_costs(const config_node& root, crossbar_params& p) {
    const config_node costs = preset::table_at(root, "costs", "a [costs] section",
                                               {"read", "row_drive", "adc_conversion", "shift_add", "partial_sum",
                                                "buffer", "program_pulse"});
    crossbar_costs& c = p.costs;
    c.read = preset::read_action(costs, "read");
    c.row_drive = preset::read_action(costs, "row_drive");
    c.adc_conversion = preset::read_action(costs, "adc_conversion");
    c.shift_add = preset::read_action(costs, "shift_add");
    c.partial_sum = preset::read_action(costs, "partial_sum");
    c.buffer = preset::read_action(costs, "buffer");
    c.program_pulse = preset::read_action(costs, "program_pulse");
}

void read_chip(const config_node& root, crossbar_params& p) {
    section_reader s(root, "chip", {"max_arrays", "program_pulses", "endurance"}, p);
    p.max_arrays = s.count("max_arrays", 1, max32, "64");
    p.program_pulses = s.count("program_pulses", 1, max32, "1");
    p.endurance = preset::read_count(s.entry("endurance"), 1, std::numeric_limits<std::int64_t>::max(), "1000000");
}

crossbar_params read_crossbar(const config_node& root) {
    crossbar_params p;
    root.allow_only({"name", "description", "array", "cell", "variation", "periphery", "costs", "chip"});
    preset::read_name_and_description(root, "reram_neurosim", p.name, p.description);
    read_array(root, p);
    read_cell(root, p);
    read_variation(root, p);
    read_periphery(root, p);
    read_costs(root, p);
    read_chip(root, p);
    // The read cycle: the pulse, then the columns sharing an ADC one after the other, then the
    // digital part the preset gives.
    p.costs.read.latency += p.cell.t_read + p.periphery.columns_per_adc * p.periphery.t_adc;
    p.costs.read.source += "; latency: cell.t_read + periphery.columns_per_adc x periphery.t_adc + this entry's";
    if (const std::string problem = crossbar_params_problem(p); !problem.empty()) root.child("periphery").fail(problem);
    return p;
}

}  // namespace

std::vector<std::string> crossbar_preset_names() {
    return preset::names_of(detail::builtin_crossbar_presets());
}

crossbar_preset load_crossbar_preset(const std::string& name_or_path, const error_site& where) {
    const preset::found_text found =
        preset::find(name_or_path, detail::builtin_crossbar_presets(), "crossbar preset", where);
    return parse_crossbar_preset(found.text, found.origin);
}

crossbar_preset parse_crossbar_preset(std::string_view text, const std::string& origin) {
    return preset::parse<crossbar_preset>(text, origin, read_crossbar);
}

}  // namespace fluxon
