// SFQ cell libraries: the shipped one parses with a source for every number and the
// reference note's PyLSE table values; malformed libraries name the file, line and key.
#include <doctest/doctest.h>

#include "tests/unit/common/relative.hpp"

#include <string>

#include "engine/base/errors.hpp"
#include "devices/sfq/sfq_library_preset.hpp"

namespace {

using fluxon::parse_sfq_library;

TEST_CASE("sfq library: the shipped library has every cell the issue lists, with sources") {
    const auto lib = fluxon::load_sfq_library("sfq_default", {});
    CHECK(lib.origin == "builtin:sfq_default");
    for (const char* name : {"jtl", "splitter", "merger", "c", "c_inv", "dro", "dro_sr", "dro_c", "ndro", "tff", "and",
                             "or", "xor", "not", "xnor", "nand", "nor", "synapse", "neuron"}) {
        const auto* c = lib.params.find(name);
        REQUIRE_MESSAGE(c != nullptr, name);
        CHECK(c->jjs > 0);
        CHECK(!c->jjs_source.empty());
        CHECK(c->delay.value > 0);
        CHECK(!c->delay.source.empty());
    }
    // hardware_models.md 3a, PyLSE v0.1.0 defaults.
    CHECK(lib.params.find("and")->jjs == 11);
    CHECK(lib.params.find("and")->delay.value == fluxon::test::approx(9.2e-12));
    CHECK(lib.params.find("or")->setup.value == fluxon::test::approx(5.8e-12));
    CHECK(lib.params.find("xor")->hold.value == fluxon::test::approx(4.1e-12));
    CHECK(lib.params.find("merger")->jjs == 7);
    CHECK(lib.params.find("ndro")->jjs_source.starts_with("estimate:"));
    CHECK(lib.params.tech.cryo_factor.value == 500);
    CHECK(lib.params.tech.critical_current.value == fluxon::test::approx(100e-6));
}

const std::string head = R"(name = "t"
description = "test"
[technology]
critical_current = { value = "100 uA", source = "s" }
bias_fraction = { value = "0.7", source = "s" }
bias_voltage = { value = "2.5 mV", source = "s" }
ersfq_dynamic_factor = { value = "2", source = "s" }
cryo_factor = { value = "500", source = "s" }
jitter_clip = { value = "0.2", source = "s" }
[synapse_bias]
i50 = { value = "70 uA", source = "s" }
width = { value = "2 uA", source = "s" }
[cells.x]
description = "x"
inputs = ["a", "b"]
outputs = ["q"]
states = ["idle", "got"]
jjs = { value = 2, source = "s" }
)";

fluxon::error_site fails(const std::string& tail, const std::string& part) {
    try {
        parse_sfq_library(head + tail, "lib.toml");
    } catch (const fluxon::config_error& e) {
        CHECK_MESSAGE(std::string(e.what()).find(part) != std::string::npos, e.what());
        return e.site();
    }
    FAIL("accepted");
    return {};
}

const std::string full = R"(transitions = [
  { from = "idle", on = "a", to = "got" },
  { from = "idle", on = "b", to = "idle" },
  { from = "got", on = "a", to = "got" },
  { from = "got", on = "b", to = "idle", fire = ["q"] },
]
)";

TEST_CASE("sfq library: mistakes name the file, line and key") {
    CHECK(parse_sfq_library(head + full + "delay = { value = \"5 ps\", source = \"s\" }\n", "lib.toml")
              .params.find("x")->table.size() == 4);
    auto site = fails(full + "delay = { value = 5, source = \"s\" }\n", "expected a time");
    CHECK(site.file == "lib.toml");
    CHECK(site.key == "cells.x.delay.value");
    CHECK(site.line == 25);
    site = fails(full + "delay = { value = \"5 ps\" }\n", "missing key 'source'");
    CHECK(site.key == "cells.x.delay.source");
    site = fails("transitions = [{ from = \"idle\", on = \"a\", to = \"got\" }]\ndelay = { value = \"5 ps\", source = \"s\" }\n",
                 "no transition from state 'idle' on input 'b'");
    CHECK(site.key == "cells.x.transitions");
    site = fails("transitions = [{ from = \"nowhere\", on = \"a\", to = \"got\" }]\n", "'nowhere' is not a state");
    CHECK(site.line == 19);
    fails("transitions = [{ from = \"idle\", on = \"a\", to = \"got\", fire = [\"z\"] }]\n", "'z' is not an output");
}

}  // namespace
