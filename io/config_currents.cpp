#include <fmt/format.h>

#include "io/config_schema.hpp"
#include "io/config_sections.hpp"
#include "io/config_values.hpp"

namespace fluxon::io {
namespace {

// Either one constant amplitude from t = 0, or a step function given by times and amplitudes.
void read_steps(const config_node& at, net::current_spec& cur) {
    const config_node amplitude = at.child("amplitude");
    if (amplitude.present()) {
        for (const char* other : {"times", "amplitudes"}) {
            if (at.child(other).present()) {
                at.child(other).fail("give either amplitude (a constant current) or times and amplitudes");
            }
        }
        cur.times = {quantity_input{0.0, amplitude.site()}};
        cur.amplitudes = {read_quantity(amplitude, dimension::current)};
        return;
    }
    const config_node times =
        at.require("times", "the step times, e.g. [\"0 ms\", \"100 ms\"], or use amplitude");
    const config_node amplitudes =
        at.require("amplitudes", "the amplitude from each time on, e.g. [\"1 nA\", \"0 nA\"]");
    cur.times = read_quantity_list(times, dimension::time);
    cur.amplitudes = read_quantity_list(amplitudes, dimension::current);
    if (cur.times.empty()) times.fail("a step current needs at least one step");
    if (cur.times.size() != cur.amplitudes.size()) {
        amplitudes.fail(fmt::format("times has {} entries but amplitudes has {}; they must match",
                                    cur.times.size(), cur.amplitudes.size()));
    }
}

net::current_spec read_current(const config_node& at, const std::string& name) {
    check_entry_name(at, name, "current");
    at.table("a table with target and amplitude, e.g. [currents." + name + "]");
    at.allow_only(schema_children("currents.<name>"));
    net::current_spec cur;
    cur.name = name;
    cur.site = at.site();
    cur.target = read_string(at.require("target", "the name of the population it drives"), "a population name");
    if (const config_node ids = at.child("ids"); ids.present()) cur.ids = read_ids(ids);
    read_steps(at, cur);
    return cur;
}

}  // namespace

std::vector<net::current_spec> read_currents(const config_node& section) {
    std::vector<net::current_spec> currents;
    if (!section.present()) return currents;
    for (const auto& [name, entry] : section.entries("tables like [currents.drive]")) {
        currents.push_back(read_current(entry.with_owner(name), name));
    }
    return currents;
}

}  // namespace fluxon::io
