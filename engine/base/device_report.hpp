#pragma once
// What one attached device says about a run, in the one shape run files, `fluxon inspect`,
// the Python results and fluxon.analysis read for every family alike: which family and
// instance it is, what it was configured from, its statistics tree, its tables, and its share
// of the run's ledger. A family fills it; nobody above the family needs to know its fields.
#include <string>
#include <vector>

#include "engine/base/ledger.hpp"
#include "engine/base/stats.hpp"

namespace fluxon {

struct device_report {
    std::string family;    // registered family name: "neuromorphic", "crossbar", "dram", "sfq"
    std::string instance;  // unique in the run: names the device's group in the run file
    std::string preset, preset_origin, preset_text;  // "" when the family has no preset
    stats_tree stats;
    std::vector<data_table> tables;
    ledger_columns ledger;
    double static_energy = 0, dynamic_energy = 0;  // J
    bool has_ledger = false;  // false before the run ends, or for a device that costs nothing

    // The device's share of the run's ledger, as it stands.
    void set_ledger(const fluxon::ledger& book) {
        ledger = book.columns();
        static_energy = book.static_energy();
        dynamic_energy = book.dynamic_energy();
        has_ledger = true;
    }
};

}  // namespace fluxon
