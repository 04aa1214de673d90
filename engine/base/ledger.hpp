#pragma once
// The energy/latency ledger, in the manner of Accelergy's energy reference tables: every
// hardware component has a path ("chip/core[3]/synapse") and a cost per action; devices only
// count actions (integers, so the totals do not depend on the order in which threads or
// windows add them), and energy is count × cost when the ledger is read. Static power is
// charged for the hardware's run time as the action "static".
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fluxon {

// What one action costs: energy, and the time it keeps its unit busy.
struct action_cost {
    double energy = 0;   // J per action
    double latency = 0;  // s per action
    std::string source;  // "Davies 2018 Table 2", "estimate: <how derived>", ...
};

struct ledger_row {
    std::string component, action;
    std::uint64_t count = 0;  // actions; 1 for a static row
    double energy = 0;        // J: count × energy per action, or power × time for "static"
    double latency = 0;       // s: count × latency per action, or the time static power was drawn
    std::string source;
};

// The rows as columns, as run files and numpy hold them.
struct ledger_columns {
    std::vector<std::string> component, action, source;
    std::vector<std::int64_t> count;
    std::vector<double> energy, latency;

    // Appends `other`'s rows (one run's ledger is its devices' ledgers together).
    void append(const ledger_columns& other);
};

class ledger {
public:
    using counter = std::uint32_t;

    // Registers an action of `component` and returns the counter devices charge.
    counter add_action(const std::string& component, const std::string& action, action_cost cost);
    // Static power drawn by `component` for as long as the hardware runs.
    void add_static(const std::string& component, double power, std::string source);

    void charge(counter c, std::uint64_t n = 1) { counts_[c] += n; }
    std::uint64_t count(counter c) const { return counts_[c]; }
    void set_run_time(double seconds) { run_time_ = seconds; }
    double run_time() const { return run_time_; }

    // Rows with a non-zero count, then the static rows, in registration order.
    std::vector<ledger_row> rows() const;
    ledger_columns columns() const;
    // Static energy is every row whose action is "static": the static power rows, and actions
    // a device charges under that name (a DRAM's background standby, counted per clock), so
    // that a run file's split reads the same from the rows as from these totals.
    static constexpr std::string_view static_action = "static";
    double dynamic_energy() const;
    double static_energy() const;

private:
    struct action_entry {
        std::string component, action;
        action_cost cost;
    };
    struct static_entry {
        std::string component;
        double power;
        std::string source;
    };
    std::vector<action_entry> actions_;
    std::vector<std::uint64_t> counts_;
    std::vector<static_entry> statics_;
    double run_time_ = 0;
};

}  // namespace fluxon
