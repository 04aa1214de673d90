// Crossbar presets: the shipped ones parse and cite a source for every number, reram_neurosim
// holds NeuroSim's defaults, and mistakes in a preset are config_errors naming the file, line
// and key.
#include <doctest/doctest.h>

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
        CHECK(p.params.sources.size() == 3 + 6 + 13 + 8 + 3);  // every [array], [cell], [variation], [periphery], [chip] entry
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
    CHECK(p.cell.g_max == doctest::Approx(1e-5).epsilon(1e-12));       // 100 kOhm
    CHECK(p.cell.g_min == doctest::Approx(1 / 1.7e6).epsilon(1e-4));   // 1.7 MOhm
    CHECK(p.periphery.adc_bits == 5);
    CHECK(p.periphery.columns_per_adc == 8);
    CHECK(p.periphery.t_adc == doctest::Approx(6e-9).epsilon(1e-12));
    // The read cycle: the 10 ns pulse and 8 conversions of 6 ns.
    CHECK(p.costs.read.latency == doctest::Approx(58e-9).epsilon(1e-12));
    CHECK(p.costs.cell_read_source.find("computed") == 0);
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
