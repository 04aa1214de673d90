#include "devices/dram/dram_preset.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <limits>
#include <utility>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "engine/base/quantity.hpp"
#include "engine/base/config_node.hpp"
#include "engine/base/config_scalars.hpp"
#include "engine/base/preset_values.hpp"

namespace fluxon {
namespace detail {
// Generated at configure time from devices/dram/presets/*.toml (devices/presets.cmake):
// (name, text) pairs.
std::vector<std::pair<std::string_view, std::string_view>> builtin_dram_presets();
}  // namespace detail

namespace {

constexpr std::uint64_t max32 = std::numeric_limits<std::uint32_t>::max();

// The entry `key` of `section`: its value node, with the source recorded under the dotted key.
config_node entry(const config_node& section, std::string_view key, dram_params& dram) {
    std::string source;
    const config_node value = preset::sourced_value(section, key, source);
    dram.sources[fmt::format("{}.{}", section.key(), key)] = std::move(source);
    return value;
}

// The value node of an entry already read, for errors that involve several entries.
config_node value_of(const config_node& section, std::string_view key) {
    return section.child(key).child("value");
}

std::uint32_t read_u32(const config_node& section, std::string_view key, std::uint64_t min,
                       std::string_view example, dram_params& dram) {
    return static_cast<std::uint32_t>(preset::read_count(entry(section, key, dram), min, max32, example));
}

void read_organization(const config_node& root, dram_params& dram) {
    const config_node section =
        preset::table_at(root, "organization", "an [organization] section",
                         {"channels", "ranks", "bankgroups", "banks_per_group", "rows", "columns",
                          "burst_bytes", "devices_per_rank"});
    dram_organization& org = dram.org;
    // The address is cut into bit fields, one per level, so each level's size is a power of two.
    const std::array<std::pair<std::string_view, std::uint32_t dram_organization::*>, 7> fields{{
        {"channels", &dram_organization::channels},
        {"ranks", &dram_organization::ranks},
        {"bankgroups", &dram_organization::bankgroups},
        {"banks_per_group", &dram_organization::banks_per_group},
        {"rows", &dram_organization::rows},
        {"columns", &dram_organization::columns},
        {"burst_bytes", &dram_organization::burst_bytes},
    }};
    int address_bits = 0;
    for (const auto& [key, member] : fields) {
        const std::uint32_t value = read_u32(section, key, 1, "16", dram);
        if (!std::has_single_bit(value)) {
            value_of(section, key).fail(fmt::format(
                "expected a power of two, got {}: addresses are split into bit fields, one per level",
                value));
        }
        org.*member = value;
        address_bits += std::countr_zero(value);
    }
    if (address_bits >= 64) {
        section.fail(fmt::format("the capacity, channels x ranks x bankgroups x banks_per_group x rows x "
                                 "columns x burst_bytes, is 2^{} bytes: addresses must fit in 64 bits",
                                 address_bits));
    }
    org.devices_per_rank = read_u32(section, "devices_per_rank", 1, "8", dram);
}

void read_timing(const config_node& root, dram_params& dram) {
    using clocks = std::uint32_t dram_timing::*;
    struct clock_field {
        std::string_view key;
        clocks member;
        std::uint64_t min;
    };
    // A burst must occupy the bus and refresh must recur, or the model would divide by zero or
    // never leave refresh; every other rule may be zero.
    constexpr std::array<clock_field, 19> fields{{
        {"cl", &dram_timing::cl, 0},       {"cwl", &dram_timing::cwl, 0},
        {"burst", &dram_timing::burst, 1}, {"rcd", &dram_timing::rcd, 0},
        {"rp", &dram_timing::rp, 0},       {"ras", &dram_timing::ras, 0},
        {"rc", &dram_timing::rc, 0},       {"ccd_s", &dram_timing::ccd_s, 0},
        {"ccd_l", &dram_timing::ccd_l, 0}, {"rrd_s", &dram_timing::rrd_s, 0},
        {"rrd_l", &dram_timing::rrd_l, 0}, {"faw", &dram_timing::faw, 0},
        {"wr", &dram_timing::wr, 0},       {"wtr_s", &dram_timing::wtr_s, 0},
        {"wtr_l", &dram_timing::wtr_l, 0}, {"rtp", &dram_timing::rtp, 0},
        {"rtrs", &dram_timing::rtrs, 0},   {"refi", &dram_timing::refi, 1},
        {"rfc", &dram_timing::rfc, 0},
    }};
    std::vector<std::string_view> allowed{"tck"};
    for (const clock_field& field : fields) allowed.push_back(field.key);
    allowed.push_back("rcd_wr");
    allowed.push_back("refi_pb");
    allowed.push_back("rfc_pb");
    const config_node section = preset::table_at(root, "timing", "a [timing] section", allowed);
    dram_timing& t = dram.timing;

    const config_node tck = entry(section, "tck", dram);
    t.tck = preset::read_quantity(tck, dimension::time);
    if (t.tck <= 0) tck.fail("expected a positive clock period such as \"0.625 ns\"");
    for (const clock_field& field : fields) {
        t.*field.member = static_cast<std::uint32_t>(
            preset::read_count(entry(section, field.key, dram), field.min, max32, "22"));
    }
    // Only standards that separate ACT→WR from ACT→RD (HBM2, GDDR) name it.
    t.rcd_wr = section.child("rcd_wr").present() ? read_u32(section, "rcd_wr", 0, "14", dram) : t.rcd;
    // Per-bank refresh, for parts that have it (controller.refresh = "bank").
    if (section.child("refi_pb").present()) t.refi_pb = read_u32(section, "refi_pb", 1, "586", dram);
    if (section.child("rfc_pb").present()) t.rfc_pb = read_u32(section, "rfc_pb", 0, "168", dram);

    if (std::uint64_t{t.rc} < std::uint64_t{t.ras} + t.rp) {
        value_of(section, "rc").fail(fmt::format(
            "rc = {} is less than ras + rp = {} + {} = {}: a row cycle holds the row open and closes it",
            t.rc, t.ras, t.rp, std::uint64_t{t.ras} + t.rp));
    }
    if (t.refi <= t.rfc) {
        value_of(section, "refi").fail(
            fmt::format("refi = {} must exceed rfc = {}: refresh would leave no time for requests", t.refi,
                        t.rfc));
    }
    // The same bank group shares more circuitry than different ones, so it is never faster.
    for (const auto& [longer, shorter] : {std::pair{&dram_timing::ccd_l, &dram_timing::ccd_s},
                                          std::pair{&dram_timing::rrd_l, &dram_timing::rrd_s},
                                          std::pair{&dram_timing::wtr_l, &dram_timing::wtr_s}}) {
        if (t.*longer >= t.*shorter) continue;
        const std::string_view name = longer == &dram_timing::ccd_l   ? "ccd"
                                      : longer == &dram_timing::rrd_l ? "rrd"
                                                                      : "wtr";
        value_of(section, fmt::format("{}_l", name))
            .fail(fmt::format("{0}_l = {1} is less than {0}_s = {2}: the same bank group cannot be faster "
                              "than different ones",
                              name, t.*longer, t.*shorter));
    }
}

void read_power(const config_node& root, dram_params& dram) {
    const config_node section =
        preset::table_at(root, "power", "a [power] section",
                         {"vdd", "idd0", "idd2n", "idd3n", "idd4r", "idd4w", "idd5ab", "io_energy_per_bit",
                          "idd5pb"});
    dram_currents& p = dram.power;
    const config_node vdd = entry(section, "vdd", dram);
    p.vdd = preset::read_quantity(vdd, dimension::voltage);
    if (p.vdd <= 0) vdd.fail("expected a positive supply voltage such as \"1.2 V\"");
    const std::array<std::pair<std::string_view, double dram_currents::*>, 6> currents{{
        {"idd0", &dram_currents::idd0},
        {"idd2n", &dram_currents::idd2n},
        {"idd3n", &dram_currents::idd3n},
        {"idd4r", &dram_currents::idd4r},
        {"idd4w", &dram_currents::idd4w},
        {"idd5ab", &dram_currents::idd5ab},
    }};
    for (const auto& [key, member] : currents) {
        p.*member = preset::read_quantity(entry(section, key, dram), dimension::current);
    }
    p.io_energy_per_bit = preset::read_quantity(entry(section, "io_energy_per_bit", dram), dimension::energy);
    if (section.child("idd5pb").present()) {
        p.idd5pb = preset::read_quantity(entry(section, "idd5pb", dram), dimension::current);
    }
}

// DRAMSim3's notation: six two-letter fields from the most significant bits down.
void check_mapping(const config_node& at, const std::string& mapping) {
    constexpr std::array<std::string_view, 6> names{"ro", "ch", "ra", "bg", "ba", "co"};
    const std::string expected = "six two-letter fields naming each of ro, ch, ra, bg, ba, co once, "
                                 "most significant first, such as \"rochrababgco\"";
    if (mapping.size() != 12) {
        at.fail(fmt::format("expected {}, got \"{}\" ({} characters)", expected, mapping, mapping.size()));
    }
    std::array<bool, 6> seen{};
    for (std::size_t i = 0; i < mapping.size(); i += 2) {
        const std::string_view field = std::string_view(mapping).substr(i, 2);
        const auto* found = std::find(names.begin(), names.end(), field);
        if (found == names.end()) {
            at.fail(fmt::format("expected {}, got \"{}\": '{}' is not a field", expected, mapping, field));
        }
        bool& once = seen[static_cast<std::size_t>(found - names.begin())];
        if (once) {
            at.fail(fmt::format("expected {}, got \"{}\": '{}' appears twice", expected, mapping, field));
        }
        once = true;
    }
}

void read_controller(const config_node& root, dram_params& dram) {
    const config_node section =
        preset::table_at(root, "controller", "a [controller] section",
                         {"address_mapping", "page_policy", "read_queue", "write_queue", "write_high",
                          "write_low", "posted_writes", "write_buffer_reads", "merge_reads", "merge_writes",
                          "command_delay", "write_idle_drain", "refresh"});
    const config_node mapping = entry(section, "address_mapping", dram);
    dram.address_mapping = preset::read_text(mapping, "an address mapping such as \"rochrababgco\"");
    check_mapping(mapping, dram.address_mapping);

    const config_node policy = entry(section, "page_policy", dram);
    const std::string kind = preset::read_text(policy, "\"open\" or \"closed\"");
    if (kind == "open") {
        dram.page_policy = dram_page_policy::open;
    } else if (kind == "closed") {
        dram.page_policy = dram_page_policy::closed;
    } else {
        policy.fail(fmt::format("expected \"open\" or \"closed\", got \"{}\"", kind));
    }

    dram.read_queue = read_u32(section, "read_queue", 1, "32", dram);
    dram.write_queue = read_u32(section, "write_queue", 1, "32", dram);
    dram.write_high = read_u32(section, "write_high", 1, "24", dram);
    dram.write_low = read_u32(section, "write_low", 0, "8", dram);
    if (dram.write_high > dram.write_queue) {
        value_of(section, "write_high")
            .fail(fmt::format("write_high = {} exceeds write_queue = {}: the queue could never reach it",
                              dram.write_high, dram.write_queue));
    }
    if (dram.write_low >= dram.write_high) {
        value_of(section, "write_low")
            .fail(fmt::format("write_low = {} must be below write_high = {}: draining stops at write_low",
                              dram.write_low, dram.write_high));
    }
    // Optional, so that presets written before these keys keep their meaning; absent, a key
    // keeps dram_params' default.
    for (const auto& [key, member] : {std::pair{"posted_writes", &dram_params::posted_writes},
                                      std::pair{"write_buffer_reads", &dram_params::write_buffer_reads},
                                      std::pair{"merge_reads", &dram_params::merge_reads},
                                      std::pair{"merge_writes", &dram_params::merge_writes}}) {
        if (section.child(key).present()) dram.*member = read_bool(entry(section, key, dram));
    }
    if (section.child("command_delay").present()) {
        dram.command_delay = read_u32(section, "command_delay", 0, "1", dram);
    }
    if (section.child("write_idle_drain").present()) {
        dram.write_idle_drain = read_u32(section, "write_idle_drain", 0, "8", dram);
    }
    if (section.child("refresh").present()) {
        const config_node refresh = entry(section, "refresh", dram);
        const std::string kind = preset::read_text(refresh, "\"rank\" or \"bank\"");
        if (kind == "rank") {
            dram.refresh = dram_refresh::rank;
        } else if (kind == "bank") {
            dram.refresh = dram_refresh::bank;
            const dram_timing& t = dram.timing;
            if (t.refi_pb == 0 || t.refi_pb <= t.rfc_pb) {
                refresh.fail(fmt::format("per-bank refresh needs timing.refi_pb above timing.rfc_pb, got {} and {} "
                                         "(0: not given)",
                                         t.refi_pb, t.rfc_pb));
            }
            if (!(dram.power.idd5pb > 0)) {
                refresh.fail("per-bank refresh needs power.idd5pb, the current during a per-bank refresh");
            }
        } else {
            refresh.fail(fmt::format("expected \"rank\" or \"bank\", got \"{}\"", kind));
        }
    }
}

dram_params read_dram(const config_node& root) {
    root.allow_only({"name", "description", "organization", "timing", "power", "controller"});
    dram_params dram;
    preset::read_name_and_description(root, "ddr4_3200", dram.name, dram.description);
    read_organization(root, dram);
    read_timing(root, dram);
    read_power(root, dram);
    read_controller(root, dram);
    return dram;
}

}  // namespace

std::vector<std::string> dram_preset_names() { return preset::names_of(detail::builtin_dram_presets()); }

dram_preset load_dram_preset(const std::string& name_or_path, const error_site& where) {
    const preset::found_text found =
        preset::find(name_or_path, detail::builtin_dram_presets(), "DRAM preset", where);
    return parse_dram_preset(found.text, found.origin);
}

dram_preset parse_dram_preset(std::string_view text, const std::string& origin) {
    return preset::parse<dram_preset>(text, origin, read_dram);
}

}  // namespace fluxon
