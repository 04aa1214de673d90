// Crossbar presets: the shipped ones parse and cite a source for every number, reram_neurosim
// holds NeuroSim's defaults, and mistakes in a preset are config_errors naming the file, line
// and key.
#include <doctest/doctest.h>

#include "tests/unit/common/relative.hpp"

#include <string>

#include "tests/unit/common/preset_checks.hpp"
#include "engine/base/errors.hpp"
#include "devices/crossbar/crossbar_preset.hpp"

using namespace fluxon;
using fluxon::test::check_config_error;
using fluxon::test::edited;

TEST_CASE("crossbar presets: every shipped preset parses with a source for every value") {
    const auto names = crossbar_preset_names();
    CHECK(names == std::vector<std::string>{"ideal", "pcm_aihwkit", "reram_neurosim", "sram_cim_yin2022"});
    for (const auto& name : names) {
        const crossbar_preset p = load_crossbar_preset(name, {});
        CHECK(p.params.name == name);
        CHECK(p.origin == "builtin:" + name);
        // Every [array], [cell], [variation], [periphery], [chip] entry, and the optional ones given.
        std::size_t optional = 0;
        for (const char* key : {"cell.conduction_voltage", "cell.conduction_time", "periphery.adc_range"}) {
            optional += p.params.sources.count(key);
        }
        CHECK(p.params.sources.size() == 3 + 6 + 13 + 8 + 3 + optional);
        // Not a structured binding: CHECK_MESSAGE captures in a lambda, which clang 14 refuses for bindings.
        for (const auto& entry : p.params.sources) CHECK_MESSAGE(!entry.second.empty(), name, " ", entry.first);
        for (const action_cost* c : {&p.params.costs.read, &p.params.costs.adc_conversion, &p.params.costs.program_pulse}) {
            CHECK(!c->source.empty());
        }
    }
}

TEST_CASE("crossbar presets: reram_neurosim holds NeuroSim V1.4's defaults") {
    const crossbar_params p = load_crossbar_preset("reram_neurosim", {}).params;
    CHECK(p.geometry.rows == 128);
    CHECK(p.geometry.columns == 128);
    CHECK(p.cell.g_max == fluxon::test::approx(1e-5).epsilon(1e-12));       // 100 kOhm
    CHECK(p.cell.g_min == fluxon::test::approx(1 / 1.7e6).epsilon(1e-4));   // 1.7 MOhm
    CHECK(p.periphery.adc_bits == 5);
    CHECK(p.periphery.columns_per_adc == 8);
    CHECK(p.periphery.t_adc == fluxon::test::approx(6e-9).epsilon(1e-12));
    // The read cycle: the 10 ns pulse and 8 conversions of 6 ns.
    CHECK(p.costs.read.latency == fluxon::test::approx(58e-9).epsilon(1e-12));
    CHECK(p.costs.cell_read_source.find("computed: conduction_voltage^2") == 0);
    // Full scale 16 levels over 2^4 codes: the binary range, as NeuroSim's LinearQuantizeOut.
    CHECK(p.periphery.adc_codes == adc_range::binary);
    CHECK(p.cell.conduction_voltage == 0.2821);
    CHECK(p.cell.conduction_time == 6e-9);
    CHECK(p.costs.adc_conversion.energy == 42.39e-15);
}

TEST_CASE("crossbar presets: the optional ADC range and conduction keys") {
    const std::string text(load_crossbar_preset("ideal", {}).text);
    const auto parse = [](const std::string& t, const std::string& origin) {
        return parse_crossbar_preset(t, origin);
    };
    // Without them: the binary range, and v_read and t_read for the cells' energy.
    std::string bare = edited(text, R"(conduction_voltage = { value = "0.2821 V")", R"(# removed = { value = "0.2821 V")");
    bare = edited(bare, R"(conduction_time = { value = "6 ns")", R"(# removed = { value = "6 ns")");
    const crossbar_params plain = parse(bare, "bare.toml").params;
    CHECK(plain.periphery.adc_codes == adc_range::binary);
    CHECK(plain.cell.conduction_voltage == 0);
    CHECK(plain.costs.cell_read_source.find("computed: v_read^2 x mean programmed G x t_read") == 0);
    CHECK(load_crossbar_preset("pcm_aihwkit", {}).params.periphery.adc_codes == adc_range::symmetric);
    const std::string ranged = edited(text, R"(adc_full_scale = { value = 1.0, source = "unused with ideal converters" })",
                                      R"(adc_full_scale = { value = 1.0, source = "unused with ideal converters" }
adc_range = { value = "halfway", source = "test" })");
    check_config_error(parse, ranged, "periphery.adc_range.value", "adc_range =", "\"binary\" or \"symmetric\"");
    check_config_error(parse, edited(text, R"(conduction_time = { value = "6 ns")", R"(conduction_time = { value = "0 ns")"),
                       "cell.conduction_time.value", "conduction_time =", "positive time");
}

TEST_CASE("crossbar presets: mistakes name the file, line and key") {
    const std::string text(load_crossbar_preset("ideal", {}).text);
    const auto parse = [](const std::string& t, const std::string& origin) {
        return parse_crossbar_preset(t, origin);
    };
    check_config_error(parse, edited(text, R"(g_max = { value = "10 uS")", R"(g_max = { value = "0.1 uS")"),
                       "cell.g_max.value", "g_max =", "must exceed g_min");
    check_config_error(parse, edited(text, R"(encoding = { value = "differential")", R"(encoding = { value = "balanced")"),
                       "periphery.encoding.value", "encoding =", "\"differential\" or \"offset\"");
    check_config_error(parse, edited(text, R"(d2d_sigma = { value = 0.0, source = "ideal device" })", R"(d2d_sigma = { value = 0.0 })"),
                       "variation.d2d_sigma.source", "d2d_sigma =", "source");
    check_config_error(parse, edited(text, R"(stuck_off = { value = 0.0)", R"(stuck_off = { value = "none")"),
                       "variation.stuck_off.value", "stuck_off =", "a number from 0 to 1");
    check_config_error(parse, edited(text, R"(t_adc = { value = "6 ns")", R"(t_adc = { value = "6 mV")"),
                       "periphery.t_adc.value", "t_adc =", "");
    // An array narrower than one weight: 2 columns cannot hold 8 one-bit slices in pairs.
    std::string narrow = edited(text, R"(weight_bits = { value = 0)", R"(weight_bits = { value = 8)");
    narrow = edited(narrow, R"(columns = { value = 128)", R"(columns = { value = 2)");
    check_config_error(parse, narrow, "periphery", "[periphery]", "take 16 columns, but an array has 2");
}
