#include "devices/dram/dram_energy.hpp"

#include <string>

#include <fmt/format.h>

namespace fluxon {

namespace {

constexpr const char* formulas = "DRAMSim3 configuration.cc formulas";

// "IDD0 57 mA (<its source>)": a current as the preset gives it, with its source when known.
std::string current(const dram_params& p, const char* name, const char* key, double amperes) {
    std::string s = fmt::format("{} {:g} mA", name, amperes * 1e3);
    if (const auto it = p.sources.find(key); it != p.sources.end() && !it->second.empty()) {
        s += fmt::format(" ({})", it->second);
    }
    return s;
}

std::string supply(const dram_params& p) {
    std::string s = fmt::format("{}: VDD {:g} V", p.name.empty() ? std::string("DRAM") : p.name, p.power.vdd);
    if (const auto it = p.sources.find("power.vdd"); it != p.sources.end() && !it->second.empty()) {
        s += fmt::format(" ({})", it->second);
    }
    return s;
}

struct dram_sources {
    std::string act_pre, read, write, refresh, refresh_bank, active_standby, precharged_standby;
};

dram_sources sources_of(const dram_params& p) {
    const dram_currents& c = p.power;
    const dram_timing& t = p.timing;
    const std::string vdd = supply(p);
    const std::string idd3n = current(p, "IDD3N", "power.idd3n", c.idd3n);
    const std::string devices = fmt::format("{} devices", p.org.devices_per_rank);
    const std::string io = c.io_energy_per_bit > 0
                               ? fmt::format(" + I/O {:g} pJ/bit", c.io_energy_per_bit * 1e12)
                               : std::string();
    dram_sources s;
    s.act_pre = fmt::format(
        "{}, {}, {}, {}, tRC {} tRAS {} tRP {} tCK, {}; {}", vdd, current(p, "IDD0", "power.idd0", c.idd0),
        idd3n, current(p, "IDD2N", "power.idd2n", c.idd2n), t.rc, t.ras, t.rp, devices, formulas);
    s.read = fmt::format("{}, {}, {}, tBURST {} tCK, {}{}; {}", vdd,
                         current(p, "IDD4R", "power.idd4r", c.idd4r), idd3n, t.burst, devices, io, formulas);
    s.write = fmt::format("{}, {}, {}, tBURST {} tCK, {}{}; {}", vdd,
                          current(p, "IDD4W", "power.idd4w", c.idd4w), idd3n, t.burst, devices, io, formulas);
    s.refresh = fmt::format("{}, {}, {}, tRFC {} tCK, {}; {}", vdd,
                            current(p, "IDD5AB", "power.idd5ab", c.idd5ab), idd3n, t.rfc, devices, formulas);
    s.refresh_bank = fmt::format("{}, {}, {}, tRFCpb {} tCK, {}; {} (refb_energy_inc)", vdd,
                                 current(p, "IDD5PB", "power.idd5pb", c.idd5pb), idd3n, t.rfc_pb, devices, formulas);
    s.active_standby = fmt::format("{}, {}, {} per rank, per clock of {:g} ns; {}", vdd, idd3n, devices,
                                   t.tck * 1e9, formulas);
    s.precharged_standby =
        fmt::format("{}, {}, {} per rank, per clock of {:g} ns; {}", vdd,
                    current(p, "IDD2N", "power.idd2n", c.idd2n), devices, t.tck * 1e9, formulas);
    return s;
}

std::uint64_t count_of(const std::array<std::uint64_t, dram_command_count>& commands, dram_command c) {
    return commands[static_cast<std::size_t>(c)];
}

void charge_component(ledger& book, const std::string& component, const dram_params& p,
                      const dram_energies& e, const dram_sources& s,
                      const std::array<std::uint64_t, dram_command_count>& commands, dram_clock active,
                      dram_clock precharged) {
    const dram_timing& t = p.timing;
    const double tck = t.tck;
    const auto charge_to = [&](const std::string& where, const char* action, double energy, double latency,
                               const std::string& source, std::uint64_t n) {
        book.charge(book.add_action(where, action, {energy, latency, source}), n);
    };
    const auto charge = [&](const char* action, double energy, double latency, const std::string& source,
                            std::uint64_t n) { charge_to(component, action, energy, latency, source, n); };
    // DRAMSim3 charges the ACT+PRE pair when the ACT issues.
    charge("act_pre", e.act_pre, t.rc * tck, s.act_pre, count_of(commands, dram_command::act));
    charge("read", e.read, t.burst * tck, s.read,
           count_of(commands, dram_command::rd) + count_of(commands, dram_command::rda));
    charge("write", e.write, t.burst * tck, s.write,
           count_of(commands, dram_command::wr) + count_of(commands, dram_command::wra));
    charge("refresh", e.refresh, t.rfc * tck, s.refresh, count_of(commands, dram_command::ref));
    if (p.refresh == dram_refresh::bank) {
        charge("refresh_bank", e.refresh_bank, t.rfc_pb * tck, s.refresh_bank, count_of(commands, dram_command::refb));
    }
    // Background power is the part's static energy: rows of action "static", as every ledger
    // reader classifies them, counted in clocks.
    charge_to(component + "/active_standby", "static", e.active_standby * tck, tck, s.active_standby,
              static_cast<std::uint64_t>(active));
    charge_to(component + "/precharged_standby", "static", e.precharged_standby * tck, tck, s.precharged_standby,
              static_cast<std::uint64_t>(precharged));
}

}  // namespace

dram_energies dram_energies_of(const dram_params& params) {
    const dram_currents& c = params.power;
    const dram_timing& t = params.timing;
    const double devices = params.org.devices_per_rank;
    const double scale = c.vdd * t.tck * devices;  // A · clocks → J
    const double bits = 8.0 * params.org.burst_bytes;
    dram_energies e;
    e.act_pre = scale * (c.idd0 * t.rc - (c.idd3n * t.ras + c.idd2n * t.rp));
    e.read = scale * (c.idd4r - c.idd3n) * t.burst + c.io_energy_per_bit * bits;
    e.write = scale * (c.idd4w - c.idd3n) * t.burst + c.io_energy_per_bit * bits;
    e.refresh = scale * (c.idd5ab - c.idd3n) * t.rfc;
    e.refresh_bank = scale * (c.idd5pb - c.idd3n) * t.rfc_pb;
    e.active_standby = c.vdd * c.idd3n * devices;
    e.precharged_standby = c.vdd * c.idd2n * devices;
    return e;
}

void charge_dram(ledger& book, const dram_params& params, const dram_stats& stats) {
    const dram_energies e = dram_energies_of(params);
    const dram_sources s = sources_of(params);
    if (stats.channels.empty()) {
        charge_component(book, "dram", params, e, s, stats.commands, stats.active_clocks,
                         stats.precharged_clocks);
        return;
    }
    for (std::size_t c = 0; c < stats.channels.size(); ++c) {
        const dram_channel_stats& ch = stats.channels[c];
        charge_component(book, fmt::format("dram/channel[{}]", c), params, e, s, ch.commands,
                         ch.active_clocks, ch.precharged_clocks);
    }
}

}  // namespace fluxon
