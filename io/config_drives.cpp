#include <fmt/format.h>

#include "io/config_schema.hpp"
#include "io/config_sections.hpp"
#include "io/config_values.hpp"

namespace fluxon::io {
namespace {

net::drive_spec read_drive(const config_node& at, const std::string& name) {
    check_entry_name(at, name, "drive");
    at.table("a table with target, receptor, rate, inputs and weight, e.g. [drives." + name + "]");
    at.allow_only(schema_children("drives.<name>"));
    net::drive_spec d;
    d.name = name;
    d.site = at.site();
    d.target = read_string(at.require("target", "the name of the population it drives"), "a population name");
    d.receptor = read_string(at.require("receptor", "the receptor of target, e.g. \"exc\""), "a receptor name");
    d.rate = read_quantity(at.require("rate", "the rate of each input, e.g. \"20 Hz\""), dimension::frequency);
    // The weight's unit is the receptor's: checked when the network is built.
    d.weight = read_quantity(at.require("weight", "the weight of one input spike, e.g. \"0.1 mV\""), std::nullopt);
    if (const config_node inputs = at.child("inputs"); inputs.present()) {
        const std::int64_t n = read_integer(inputs, "a number of inputs >= 1");
        if (n < 1) inputs.fail(fmt::format("inputs must be a number of inputs >= 1, got {}", n));
        d.inputs = static_cast<std::uint64_t>(n);
    }
    return d;
}

}  // namespace

std::vector<net::drive_spec> read_drives(const config_node& section) {
    std::vector<net::drive_spec> drives;
    if (!section.present()) return drives;
    for (const auto& [name, entry] : section.entries("tables like [drives.external]")) {
        drives.push_back(read_drive(entry.with_owner(name), name));
    }
    return drives;
}

}  // namespace fluxon::io
