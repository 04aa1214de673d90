// DRAM presets: the shipped ones parse and cite a source for every number, DDR4-3200 is the
// reference note's §4b/§4c to the bit, and every kind of mistake in a preset is a config_error
// naming the file, the line and the key.
#include <doctest/doctest.h>

#include "tests/unit/common/relative.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

#include "tests/unit/common/preset_checks.hpp"
#include "tests/unit/common/temp_file.hpp"
#include "engine/base/errors.hpp"
#include "devices/dram/dram_preset.hpp"

namespace {

using fluxon::test::line_of;
using fluxon::test::temp_file;

using fluxon::config_error;
using fluxon::dram_params;
using fluxon::error_site;
using fluxon::dram_preset;
using fluxon::dram_preset_names;
using fluxon::load_dram_preset;
using fluxon::parse_dram_preset;


// Every key a preset must give, dotted, as they appear in dram_params::sources.
const std::vector<std::string> all_keys = {
    "organization.channels", "organization.ranks", "organization.bankgroups",
    "organization.banks_per_group", "organization.rows", "organization.columns",
    "organization.burst_bytes", "organization.devices_per_rank",
    "timing.tck", "timing.cl", "timing.cwl", "timing.burst", "timing.rcd", "timing.rp", "timing.ras",
    "timing.rc", "timing.ccd_s", "timing.ccd_l", "timing.rrd_s", "timing.rrd_l", "timing.faw", "timing.wr",
    "timing.wtr_s", "timing.wtr_l", "timing.rtp", "timing.rtrs", "timing.refi", "timing.rfc",
    "power.vdd", "power.idd0", "power.idd2n", "power.idd3n", "power.idd4r", "power.idd4w", "power.idd5ab",
    "power.io_energy_per_bit",
    "controller.address_mapping", "controller.page_policy", "controller.read_queue",
    "controller.write_queue", "controller.write_high", "controller.write_low"};
// The optional controller keys every shipped preset gives, and those of the dramsim3_* presets.
const std::vector<std::string> shipped_flags = {"controller.posted_writes", "controller.write_buffer_reads",
                                                "controller.merge_reads", "controller.merge_writes"};
const std::vector<std::string> dramsim3_extra = {"controller.command_delay", "controller.write_idle_drain"};

// A small valid preset, edited by the error tests.
const std::string custom_preset = R"(# A test part.
name = "testdram"
description = "a small test part"

[organization]
channels = { value = 2, source = "test" }
ranks = { value = 2, source = "test" }
bankgroups = { value = 2, source = "test" }
banks_per_group = { value = 4, source = "test" }
rows = { value = 1024, source = "test" }
columns = { value = 32, source = "test" }
burst_bytes = { value = 64, source = "test" }
devices_per_rank = { value = 3, source = "test" }

[timing]
tck = { value = "1.25 ns", source = "test" }
cl = { value = 11, source = "test" }
cwl = { value = 9, source = "test" }
burst = { value = 4, source = "test" }
rcd = { value = 11, source = "test" }
rp = { value = 12, source = "test" }
ras = { value = 28, source = "test" }
rc = { value = 40, source = "test" }
ccd_s = { value = 4, source = "test" }
ccd_l = { value = 5, source = "test" }
rrd_s = { value = 4, source = "test" }
rrd_l = { value = 6, source = "test" }
faw = { value = 20, source = "test" }
wr = { value = 12, source = "test" }
wtr_s = { value = 2, source = "test" }
wtr_l = { value = 6, source = "test" }
rtp = { value = 6, source = "test" }
rtrs = { value = 2, source = "test" }
refi = { value = 6240, source = "test" }
rfc = { value = 208, source = "test" }

[power]
vdd = { value = "1.5 V", source = "test" }
idd0 = { value = "70 mA", source = "test" }
idd2n = { value = "40 mA", source = "test" }
idd3n = { value = "45 mA", source = "test" }
idd4r = { value = "150 mA", source = "test" }
idd4w = { value = "140 mA", source = "test" }
idd5ab = { value = "200 mA", source = "test" }
io_energy_per_bit = { value = "2.5 pJ", source = "test" }

[controller]
address_mapping = { value = "rorabgbachco", source = "test" }
page_policy = { value = "closed", source = "test" }
read_queue = { value = 16, source = "test" }
write_queue = { value = 8, source = "test" }
write_high = { value = 6, source = "test" }
write_low = { value = 2, source = "test" }
)";

std::string edited(std::string_view from, std::string_view to) {
    return fluxon::test::edited(custom_preset, from, to);
}

void check_error(const std::string& text, const std::string& key, std::string_view line_needle,
                 std::string_view message) {
    fluxon::test::check_config_error(parse_dram_preset, text, key, line_needle, message);
}


}  // namespace

TEST_CASE("io: dram preset shipped presets parse and cite a source for every number") {
    const std::vector<std::string> names = dram_preset_names();
    CHECK(names == std::vector<std::string>{"ddr4_3200", "dramsim3_ddr4_8gb_x8_3200", "dramsim3_hbm2_8gb_x128",
                                            "dramsim3_lpddr4_8gb_x16_2400", "hbm2", "lpddr4_2400"});
    for (const std::string& name : names) {
        INFO(name);
        const bool dramsim3 = name.starts_with("dramsim3_");
        const dram_preset preset = load_dram_preset(name, {});
        CHECK(preset.origin == "builtin:" + name);
        CHECK(preset.params.name == name);
        CHECK_FALSE(preset.params.description.empty());
        CHECK(preset.text.find("name = \"" + name + "\"") != std::string::npos);
        std::vector<std::string> keys = all_keys;
        keys.insert(keys.end(), shipped_flags.begin(), shipped_flags.end());
        if (dramsim3) keys.insert(keys.end(), dramsim3_extra.begin(), dramsim3_extra.end());
        if (name == "dramsim3_hbm2_8gb_x128") keys.push_back("timing.rcd_wr");
        CHECK(preset.params.sources.size() == keys.size());
        for (const std::string& key : keys) {
            INFO(key);
            const auto found = preset.params.sources.find(key);
            REQUIRE(found != preset.params.sources.end());
            CHECK(found->second.find_first_not_of(' ') != std::string::npos);
        }
        const dram_params& p = preset.params;
        CHECK(p.org.capacity_bytes() > 0);
        CHECK(p.timing.tck > 0);
        CHECK(p.timing.rc >= p.timing.ras + p.timing.rp);
        CHECK(p.power.vdd == 1.2);
        CHECK(p.page_policy == fluxon::dram_page_policy::open);
        CHECK(p.read_queue == 32);
        CHECK(p.write_queue == 32);
        CHECK(p.write_buffer_reads);
        CHECK(p.merge_reads);
        CHECK(p.merge_writes);
        if (dramsim3) {
            // DRAMSim3's controller (controller.cc): posted writes, a buffer drained when full
            // until empty, or when more than 8 wait and no read does, one clock to the command queue.
            CHECK(p.posted_writes);
            CHECK(p.write_high == 32);
            CHECK(p.write_low == 0);
            CHECK(p.write_idle_drain == 8);
            CHECK(p.command_delay == 1);
        } else {
            CHECK_FALSE(p.posted_writes);
            CHECK(p.write_high == 24);
            CHECK(p.write_low == 8);
            CHECK(p.write_idle_drain == 0);
            CHECK(p.command_delay == 0);
            CHECK(p.sources.at("controller.write_high").starts_with("estimate:"));
        }
    }
}

TEST_CASE("io: dram preset dramsim3_* presets are DRAMSim3's stock configs as it builds them") {
    // DDR4_8Gb_x8_3200.ini: channel_size 16384 MB of 8 GiB ranks, tCK 0.63, 64 B requests.
    const dram_params ddr4 = load_dram_preset("dramsim3_ddr4_8gb_x8_3200", {}).params;
    CHECK(ddr4.org.channels == 1);
    CHECK(ddr4.org.ranks == 2);
    CHECK(ddr4.org.capacity_bytes() == 16ull << 30);
    CHECK(ddr4.org.burst_bytes == 64);
    CHECK(ddr4.timing.tck == 0.63e-9);
    CHECK(ddr4.timing.rcd == 22);
    CHECK(ddr4.timing.rcd_wr == 22);
    CHECK(ddr4.timing.rtrs == 1);
    CHECK(ddr4.address_mapping == "rochrababgco");
    // LPDDR4_8Gb_x16_2400.ini: channel_size 8192 MB of 4 GiB ranks, 128 B requests (64 bits x BL16).
    const dram_params lp = load_dram_preset("dramsim3_lpddr4_8gb_x16_2400", {}).params;
    CHECK(lp.org.ranks == 2);
    CHECK(lp.org.capacity_bytes() == 8ull << 30);
    CHECK(lp.org.burst_bytes == 128);
    CHECK(lp.timing.tck == 0.83e-9);
    // HBM2_8Gb_x128.ini: 8 channels of 1024 MB, tRCDRD / tRCDWR, and DRAMSim3's default tRTP = 5.
    const dram_params hbm = load_dram_preset("dramsim3_hbm2_8gb_x128", {}).params;
    CHECK(hbm.org.channels == 8);
    CHECK(hbm.org.capacity_bytes() == 8ull << 30);
    CHECK(hbm.timing.rcd == 14);
    CHECK(hbm.timing.rcd_wr == 14);
    CHECK(hbm.timing.rtp == 5);
    CHECK(hbm.address_mapping == "rorabgbachco");
}

TEST_CASE("io: dram preset ddr4_3200 is the reference's DDR4-3200AA exactly") {
    const dram_params p = load_dram_preset("ddr4_3200", {}).params;
    CHECK(p.org.channels == 1);
    CHECK(p.org.ranks == 1);
    CHECK(p.org.bankgroups == 4);
    CHECK(p.org.banks_per_group == 4);
    CHECK(p.org.rows == 65536);
    CHECK(p.org.columns == 1024 / 8);
    CHECK(p.org.burst_bytes == 64);
    CHECK(p.org.devices_per_rank == 8);
    CHECK(p.org.capacity_bytes() == 8ull << 30);  // 8 devices of 8 Gb

    const fluxon::dram_timing& t = p.timing;
    CHECK(t.tck == 0.625e-9);
    CHECK(t.cl == 22);
    CHECK(t.rcd == 22);
    CHECK(t.rp == 22);
    CHECK(t.ras == 52);
    CHECK(t.rc == 74);
    CHECK(t.cwl == 16);
    CHECK(t.burst == 4);
    CHECK(t.ccd_s == 4);
    CHECK(t.ccd_l == 8);
    CHECK(t.rrd_s == 4);
    CHECK(t.rrd_l == 8);
    CHECK(t.faw == 34);
    CHECK(t.wr == 24);
    CHECK(t.rtp == 12);
    CHECK(t.wtr_s == 4);
    CHECK(t.wtr_l == 12);
    CHECK(t.rfc == 560);
    CHECK(t.refi == 12480);
    CHECK(t.refi * t.tck == fluxon::test::approx(7.8e-6));
    CHECK(t.rfc * t.tck == fluxon::test::approx(350e-9));

    CHECK(p.power.vdd == 1.2);
    CHECK(p.power.idd0 == 57e-3);
    CHECK(p.power.idd2n == 37e-3);
    CHECK(p.power.idd3n == 52e-3);
    CHECK(p.power.idd4r == 168e-3);
    CHECK(p.power.idd4w == 150e-3);
    CHECK(p.power.idd5ab == 250e-3);
    CHECK(p.power.io_energy_per_bit == 0);
    CHECK(p.address_mapping == "rochrababgco");
    CHECK(p.sources.at("timing.cl").find("DDR4_8Gb_x8_3200.ini") != std::string::npos);
}

TEST_CASE("io: dram preset lpddr4 and hbm2 follow their DRAMSim3 configs") {
    const dram_params lp = load_dram_preset("lpddr4_2400", {}).params;
    CHECK(lp.timing.tck == 0.83e-9);
    CHECK(lp.timing.cl == 17);
    CHECK(lp.timing.burst == 8);
    CHECK(lp.timing.rc == 47);
    CHECK(lp.org.burst_bytes == 128);
    CHECK(lp.org.capacity_bytes() == 4ull << 30);  // 4 devices of 8 Gb
    CHECK(lp.power.idd4r == 243e-3);

    const dram_params hbm = load_dram_preset("hbm2", {}).params;
    CHECK(hbm.timing.tck == 1e-9);
    CHECK(hbm.timing.cl == 14);
    CHECK(hbm.timing.cwl == 4);
    CHECK(hbm.timing.burst == 2);
    CHECK(hbm.timing.rc == 48);
    CHECK(hbm.timing.ccd_s == 1);
    CHECK(hbm.org.devices_per_rank == 1);
    CHECK(hbm.org.capacity_bytes() == 1ull << 30);  // DRAMSim3's channel_size = 1024 MB
    CHECK(hbm.power.idd4w == 500e-3);
    CHECK(hbm.address_mapping == "rorabgbachco");
}

TEST_CASE("io: dram preset custom text lowers every field") {
    const dram_preset preset = parse_dram_preset(custom_preset, "custom.toml");
    const dram_params& p = preset.params;
    CHECK(preset.origin == "custom.toml");
    CHECK(preset.text == custom_preset);
    CHECK(p.name == "testdram");
    CHECK(p.description == "a small test part");
    CHECK(p.org.channels == 2);
    CHECK(p.org.ranks == 2);
    CHECK(p.org.bankgroups == 2);
    CHECK(p.org.banks_per_group == 4);
    CHECK(p.org.rows == 1024);
    CHECK(p.org.columns == 32);
    CHECK(p.org.burst_bytes == 64);
    CHECK(p.org.devices_per_rank == 3);
    CHECK(p.timing.tck == 1.25e-9);
    CHECK(p.timing.rp == 12);
    CHECK(p.timing.wtr_s == 2);
    CHECK(p.timing.rtrs == 2);
    CHECK(p.timing.refi == 6240);
    CHECK(p.power.vdd == 1.5);
    CHECK(p.power.idd3n == 45e-3);
    CHECK(p.power.io_energy_per_bit == 2.5e-12);
    CHECK(p.address_mapping == "rorabgbachco");
    CHECK(p.page_policy == fluxon::dram_page_policy::closed);
    CHECK(p.read_queue == 16);
    CHECK(p.write_queue == 8);
    CHECK(p.write_high == 6);
    CHECK(p.write_low == 2);
    CHECK(p.sources.size() == all_keys.size());
    CHECK(p.sources.at("timing.tck") == "test");
    // The optional keys, absent: dram_params' defaults.
    CHECK(p.timing.rcd_wr == p.timing.rcd);
    CHECK_FALSE(p.posted_writes);
    CHECK(p.write_buffer_reads);
    CHECK(p.merge_reads);
    CHECK(p.merge_writes);
    CHECK(p.command_delay == 0);
    CHECK(p.write_idle_drain == 0);
}

TEST_CASE("io: dram preset optional keys: rcd_wr and the controller's handling of queued bursts") {
    std::string text = edited("rcd = { value = 11, source = \"test\" }",
                              "rcd = { value = 11, source = \"test\" }\nrcd_wr = { value = 9, source = \"test wr\" }");
    text += "posted_writes = { value = true, source = \"t1\" }\nwrite_buffer_reads = { value = false, source = \"t2\" }\n"
            "merge_reads = { value = false, source = \"t3\" }\nmerge_writes = { value = false, source = \"t4\" }\n"
            "command_delay = { value = 3, source = \"t5\" }\nwrite_idle_drain = { value = 5, source = \"t6\" }\n";
    const dram_params p = parse_dram_preset(text, "custom.toml").params;
    CHECK(p.timing.rcd == 11);
    CHECK(p.timing.rcd_wr == 9);
    CHECK(p.sources.at("timing.rcd_wr") == "test wr");
    CHECK(p.posted_writes);
    CHECK_FALSE(p.write_buffer_reads);
    CHECK_FALSE(p.merge_reads);
    CHECK_FALSE(p.merge_writes);
    CHECK(p.command_delay == 3);
    CHECK(p.write_idle_drain == 5);
    CHECK(p.sources.at("controller.write_idle_drain") == "t6");
    check_error(custom_preset + "posted_writes = { value = 1, source = \"t\" }\n", "controller.posted_writes.value",
                "posted_writes = {", "expected");
}

TEST_CASE("io: dram preset errors: consistency of timing, sizes and watermarks") {
    check_error(edited("rc = { value = 40,", "rc = { value = 39,"), "timing.rc.value", "rc = {",
                "less than ras + rp = 28 + 12 = 40");
    check_error(edited("refi = { value = 6240,", "refi = { value = 208,"), "timing.refi.value", "refi =",
                "must exceed rfc");
    check_error(edited("ccd_l = { value = 5,", "ccd_l = { value = 3,"), "timing.ccd_l.value", "ccd_l",
                "ccd_l = 3 is less than ccd_s = 4");
    check_error(edited("wtr_l = { value = 6,", "wtr_l = { value = 1,"), "timing.wtr_l.value", "wtr_l",
                "wtr_l = 1 is less than wtr_s = 2");
    check_error(edited("burst = { value = 4,", "burst = { value = 0,"), "timing.burst.value", "burst =",
                "out of range");
    check_error(edited(R"(tck = { value = "1.25 ns")", R"(tck = { value = "0 ns")"), "timing.tck.value",
                "tck", "positive clock period");
    for (const std::string_view key : {"channels", "ranks", "bankgroups", "banks_per_group", "rows",
                                       "columns", "burst_bytes"}) {
        INFO(key);
        const std::string from = std::string(key) + " = { value = ";
        std::string text = custom_preset;
        const std::size_t at = text.find(from);
        REQUIRE(at != std::string::npos);
        const std::size_t value_at = at + from.size();
        text.replace(value_at, text.find(',', value_at) - value_at, "12");
        check_error(text, "organization." + std::string(key) + ".value", from, "expected a power of two");
    }
    check_error(edited("devices_per_rank = { value = 3,", "devices_per_rank = { value = 0,"),
                "organization.devices_per_rank.value", "devices_per_rank", "out of range");
    std::string huge = edited("rows = { value = 1024,", "rows = { value = 1073741824,");
    huge.replace(huge.find("columns = { value = 32,"), 23, "columns = { value = 1073741824,");
    check_error(huge, "organization", "[organization]", "is 2^71 bytes: addresses must fit in 64 bits");
    check_error(edited("write_high = { value = 6,", "write_high = { value = 9,"),
                "controller.write_high.value", "write_high", "exceeds write_queue = 8");
    check_error(edited("write_low = { value = 2,", "write_low = { value = 6,"), "controller.write_low.value",
                "write_low", "must be below write_high = 6");
    check_error(edited("read_queue = { value = 16,", "read_queue = { value = 0,"),
                "controller.read_queue.value", "read_queue", "out of range");
}

TEST_CASE("io: dram preset errors: bad page policy and address mapping") {
    check_error(edited(R"(value = "closed")", R"(value = "adaptive")"), "controller.page_policy.value",
                "page_policy", "expected \"open\" or \"closed\", got \"adaptive\"");
    check_error(edited(R"(value = "closed")", "value = 1"), "controller.page_policy.value", "page_policy",
                "expected \"open\" or \"closed\", got integer");
    check_error(edited(R"(value = "rorabgbachco")", R"(value = "rorabgbach")"),
                "controller.address_mapping.value", "address_mapping", "(10 characters)");
    check_error(edited(R"(value = "rorabgbachco")", R"(value = "rorabgbaxxco")"),
                "controller.address_mapping.value", "address_mapping", "'xx' is not a field");
    check_error(edited(R"(value = "rorabgbachco")", R"(value = "rorabgbabaco")"),
                "controller.address_mapping.value", "address_mapping", "'ba' appears twice");
}

TEST_CASE("io: dram preset errors: missing or empty source") {
    check_error(edited(R"(cl = { value = 11, source = "test" })", "cl = { value = 11 }"), "timing.cl.source",
                "cl = {", "every value needs a non-empty source");
    check_error(edited(R"(idd0 = { value = "70 mA", source = "test" })",
                       R"(idd0 = { value = "70 mA", source = " " })"),
                "power.idd0.source", "idd0", "every value needs a non-empty source");
    check_error(edited(R"(page_policy = { value = "closed", source = "test" })", R"(page_policy = "closed")"),
                "controller.page_policy", "page_policy", "expected a table { value = ..., source");
}

TEST_CASE("io: dram preset errors: unknown and missing keys") {
    check_error(edited("[timing]\n", "[timing]\ntrefw = { value = 1, source = \"x\" }\n"), "timing.trefw",
                "trefw", "allowed keys: tck, cl, cwl");
    check_error(edited(R"(cl = { value = 11, source = "test" })", R"(cl = { value = 11, sorce = "test" })"),
                "timing.cl.sorce", "cl = {", "allowed keys: value, source");
    check_error(edited("[power]", "[powr]"), "powr", "[powr]", "unknown key 'powr'");
    check_error(edited("rtrs = { value = 2, source = \"test\" }\n", ""), "timing.rtrs", "[timing]",
                "missing required key 'rtrs'");
    check_error(edited("name = \"testdram\"\n", ""), "name", "# A test part", "missing required key 'name'");
}

TEST_CASE("io: dram preset errors: numbers and quantities") {
    check_error(edited("cl = { value = 11,", "cl = { value = -1,"), "timing.cl.value", "cl = {",
                "must not be negative");
    check_error(edited("cl = { value = 11,", "cl = { value = 11.5,"), "timing.cl.value", "cl = {",
                "expected a whole number");
    check_error(edited(R"(value = "70 mA")", "value = 0.07"), "power.idd0.value", "idd0",
                "expected a current such as \"57 mA\"");
    check_error(edited(R"(value = "1.5 V")", R"(value = "1.5 mA")"), "power.vdd.value", "vdd",
                "expected a voltage such as \"1.2 V\", got \"1.5 mA\" (a current)");
    check_error(edited(R"(value = "1.25 ns")", "value = 1.25e-9"), "timing.tck.value", "tck",
                "expected a time");
    check_error(edited(R"(value = "2.5 pJ")", R"(value = "-2.5 pJ")"), "power.io_energy_per_bit.value",
                "io_energy_per_bit", "must not be negative");
}

TEST_CASE("io: dram preset unknown name lists the shipped presets") {
    error_site where;
    where.file = "run.toml";
    where.line = 4;
    where.key = "dram.preset";
    try {
        load_dram_preset("ddr5_4800", where);
        FAIL("expected a config_error");
    } catch (const config_error& e) {
        CHECK(e.site().file == "run.toml");
        CHECK(e.site().line == 4);
        CHECK(e.site().key == "dram.preset");
        CHECK(e.detail().find("ddr5_4800") != std::string::npos);
        CHECK(e.detail().find("ddr4_3200, dramsim3_ddr4_8gb_x8_3200, dramsim3_hbm2_8gb_x128, "
                              "dramsim3_lpddr4_8gb_x16_2400, hbm2, lpddr4_2400") != std::string::npos);
    }
}

TEST_CASE("io: dram preset file paths: missing file, custom file, errors name the file") {
    const std::string missing = "/nonexistent/fluxon/no_such_dram.toml";
    try {
        load_dram_preset(missing, {});
        FAIL("expected an io_error");
    } catch (const fluxon::io_error& e) {
        CHECK(e.site().file == missing);
        CHECK(e.detail().find("cannot open the DRAM preset file") != std::string::npos);
    }

    const temp_file good("good", custom_preset);
    const dram_preset loaded = load_dram_preset(good.path.string(), {});
    CHECK(loaded.origin == good.path.string());
    CHECK(loaded.params.name == "testdram");

    const std::string bad_text = edited("rp = { value = 12,", "rp = { value = 13,");
    const temp_file bad("bad", bad_text);
    try {
        load_dram_preset(bad.path.string(), {});
        FAIL("expected a config_error");
    } catch (const config_error& e) {
        CHECK(e.site().file == bad.path.string());
        CHECK(e.site().key == "timing.rc.value");
        CHECK(e.site().line == line_of(bad_text, "rc = {"));
    }
}

TEST_CASE("io: dram preset per-bank refresh: refresh = \"bank\" with refi_pb, rfc_pb and idd5pb") {
    const std::string timing = "rcd = { value = 11, source = \"test\" }";
    const std::string with_pb = timing + "\nrefi_pb = { value = 780, source = \"pb\" }\nrfc_pb = { value = 120, source = \"pb\" }";
    std::string text = edited(timing, with_pb);
    text = fluxon::test::edited(text, "io_energy_per_bit", "idd5pb = { value = \"40 mA\", source = \"pb\" }\nio_energy_per_bit");
    const dram_params p = parse_dram_preset(text + "refresh = { value = \"bank\", source = \"pb\" }\n", "custom.toml").params;
    CHECK(p.refresh == fluxon::dram_refresh::bank);
    CHECK(p.timing.refi_pb == 780);
    CHECK(p.timing.rfc_pb == 120);
    CHECK(p.power.idd5pb == 40e-3);
    CHECK(parse_dram_preset(text, "custom.toml").params.refresh == fluxon::dram_refresh::rank);  // the default
    // Without its timings, or with an unknown kind: named at the key.
    check_error(custom_preset + "refresh = { value = \"bank\", source = \"t\" }\n", "controller.refresh.value",
                "refresh = {", "needs timing.refi_pb above timing.rfc_pb");
    check_error(edited(timing, with_pb) + "refresh = { value = \"bank\", source = \"t\" }\n", "controller.refresh.value",
                "refresh = {", "needs power.idd5pb");
    check_error(custom_preset + "refresh = { value = \"sometimes\", source = \"t\" }\n", "controller.refresh.value",
                "refresh = {", "expected \"rank\" or \"bank\"");
}
