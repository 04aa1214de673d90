#pragma once
// DDR4-3200AA (8 Gb x8, 8 devices a rank) as ../shared/reference/hardware_models.md §4b/§4c
// give it, built by hand so that the DRAM tests do not depend on the preset reader.
// tWTR_S / tWTR_L are JEDEC's 2.5 ns / 7.5 ns at tCK 0.625 ns: 4 / 12 clocks.
#include "devices/dram/dram_params.hpp"

namespace fluxon::test {

inline dram_params ddr4_3200(std::uint32_t ranks = 1) {
    dram_params p;
    p.name = "test DDR4-3200";
    p.org.channels = 1;
    p.org.ranks = ranks;
    p.org.bankgroups = 4;
    p.org.banks_per_group = 4;
    p.org.rows = 65536;
    p.org.columns = 1024;
    p.org.burst_bytes = 64;
    p.org.devices_per_rank = 8;
    dram_timing& t = p.timing;
    t.tck = 0.625e-9;
    t.cl = 22;
    t.cwl = 16;
    t.burst = 4;
    t.rcd = 22;
    t.rcd_wr = 22;
    t.rp = 22;
    t.ras = 52;
    t.rc = 74;
    t.ccd_s = 4;
    t.ccd_l = 8;
    t.rrd_s = 4;
    t.rrd_l = 8;
    t.faw = 34;
    t.wr = 24;
    t.wtr_s = 4;
    t.wtr_l = 12;
    t.rtp = 12;
    t.rtrs = 2;
    t.refi = 12480;
    t.rfc = 560;
    dram_currents& c = p.power;
    c.vdd = 1.2;
    c.idd0 = 0.057;
    c.idd2n = 0.037;
    c.idd3n = 0.052;
    c.idd4r = 0.168;
    c.idd4w = 0.150;
    c.idd5ab = 0.250;
    return p;
}

}  // namespace fluxon::test
