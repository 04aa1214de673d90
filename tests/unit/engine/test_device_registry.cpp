// The device registry on small fake families: families are found by name and by section and
// listed in the order they were added; a name or section registered twice is a bug; an unknown
// name is the user's error, at the site given, listing what exists. And the shipped registry:
// the crossbar, then the chip.
#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "devices/builtin_families.hpp"
#include "engine/base/errors.hpp"
#include "engine/device.hpp"
#include "engine/network_builder.hpp"
#include "networks/spec.hpp"

using namespace fluxon;

namespace {

class fake_device final : public attached_device {
public:
    fake_device(std::string family, std::string instance) : family_(std::move(family)), instance_(std::move(instance)) {}
    device_report describe() const override {
        device_report r;
        r.family = family_;
        r.instance = instance_;
        return r;
    }
    device_report report() const override {
        device_report r = describe();
        r.stats.add("", "reported", std::int64_t{1});
        return r;
    }

private:
    std::string family_, instance_;
};

class fake_family final : public device_family {
public:
    fake_family(std::string name, std::string section, std::string instance)
        : name_(std::move(name)), section_(std::move(section)), instance_(std::move(instance)) {}
    std::string_view name() const override { return name_; }
    std::string_view description() const override { return "a family of the tests"; }
    std::string_view section() const override { return section_; }
    std::string_view default_instance() const override { return instance_; }
    std::vector<std::string_view> keys() const override { return {"value"}; }
    std::shared_ptr<const device_settings> read(const config_node&) const override {
        return std::make_shared<device_settings>();
    }
    std::unique_ptr<attached_device> attach(const device_settings&, attach_context& ctx) const override {
        return std::make_unique<fake_device>(name_, ctx.request.instance);
    }

private:
    std::string name_, section_, instance_;
};

std::unique_ptr<device_family> fake(std::string name, std::string section, std::string instance = "dev") {
    return std::make_unique<fake_family>(std::move(name), std::move(section), std::move(instance));
}

// Alpha in [a_section], beta in [b_section].
device_registry two_fakes() {
    device_registry r;
    r.add(fake("alpha", "a_section", "a0"));
    r.add(fake("beta", "b_section", "b0"));
    return r;
}

std::vector<std::string_view> names_of(const device_registry& r) {
    std::vector<std::string_view> out;
    for (const device_family* f : r.all()) out.push_back(f->name());
    return out;
}

}  // namespace

TEST_CASE("device registry: families are found by name and by section, and listed in the order added") {
    const device_registry r = two_fakes();
    CHECK(names_of(r) == std::vector<std::string_view>{"alpha", "beta"});

    const device_family* alpha = r.find("alpha");
    const device_family* beta = r.find("beta");
    REQUIRE(alpha != nullptr);
    REQUIRE(beta != nullptr);
    CHECK(alpha != beta);
    CHECK(alpha->section() == "a_section");
    CHECK(beta->default_instance() == "b0");
    CHECK(r.find("gamma") == nullptr);
    CHECK(r.find("a_section") == nullptr);  // a section is no name

    CHECK(r.by_section("a_section") == alpha);
    CHECK(r.by_section("b_section") == beta);
    CHECK(r.by_section("alpha") == nullptr);  // a name is no section
    CHECK(&r.get("beta", {}) == beta);

    const std::vector<const device_family*> all = r.all();
    REQUIRE(all.size() == 2);
    CHECK(all[0] == alpha);
    CHECK(all[1] == beta);

    const device_registry empty;
    CHECK(empty.all().empty());
    CHECK(empty.find("alpha") == nullptr);
    CHECK(empty.by_section("a_section") == nullptr);
}

TEST_CASE("device registry: a name or a section registered twice is an internal error") {
    device_registry r = two_fakes();
    // The same name in a new section, and a new name in a taken section.
    CHECK_THROWS_AS(r.add(fake("alpha", "c_section")), internal_error);
    try {
        r.add(fake("gamma", "b_section"));
        FAIL("no error for a taken section");
    } catch (const internal_error& e) {
        const std::string what = e.what();
        INFO(what);
        CHECK(what.find("'gamma'") != std::string::npos);
        CHECK(what.find("[b_section]") != std::string::npos);
    }
    // Neither was added; a new name in a new section still is.
    CHECK(names_of(r) == std::vector<std::string_view>{"alpha", "beta"});
    CHECK(r.by_section("c_section") == nullptr);
    r.add(fake("gamma", "c_section"));
    CHECK(names_of(r) == std::vector<std::string_view>{"alpha", "beta", "gamma"});
    CHECK(r.by_section("c_section") == r.find("gamma"));
}

TEST_CASE("device registry: an unknown family is a config error at the given site listing the families") {
    const device_registry r = two_fakes();
    const error_site site{.file = "run.toml", .line = 7, .key = "devices.left.family"};
    try {
        r.get("gamma", site);
        FAIL("no error for an unknown family");
    } catch (const config_error& e) {
        CHECK(e.site().file == "run.toml");
        CHECK(e.site().line == 7);
        CHECK(e.site().key == "devices.left.family");
        CHECK(e.detail() == "unknown device family 'gamma'; the families are: alpha, beta");
        CHECK(std::string(e.what()) ==
              "run.toml:7: key 'devices.left.family': unknown device family 'gamma'; the families are: alpha, beta");
    }
    // A config_error is a user error, not an internal one.
    CHECK_THROWS_AS(r.get("", {}), user_error);
}

TEST_CASE("device registry: a fake family attaches a device, and the interface's defaults hold") {
    const device_registry r = two_fakes();
    const device_family& alpha = r.get("alpha", {});
    const net::experiment_spec experiment;
    built_network net;
    const device_request request{"alpha", "left", nullptr, {}};
    attach_context ctx{experiment, net, request};
    const auto settings = std::make_shared<device_settings>();
    const std::unique_ptr<attached_device> dev = alpha.attach(*settings, ctx);
    REQUIRE(dev != nullptr);
    // The instance is the request's, not the family's default.
    CHECK(dev->describe().family == "alpha");
    CHECK(dev->describe().instance == "left");
    CHECK(dev->describe().stats.entries().empty());
    CHECK(dev->report().stats.number("", "reported") == 1.0);
    CHECK_FALSE(dev->report().has_ledger);
    // Defaults of the interface: no ledger, no ring headroom, no presets.
    CHECK(dev->book() == nullptr);
    CHECK(alpha.ring_headroom(*settings) == 0);
    CHECK(alpha.preset_names().empty());
    try {
        (void)alpha.preset_text("fast");
        FAIL("no error for a preset of a family that ships none");
    } catch (const config_error& e) {
        CHECK(e.detail() == "the alpha family ships no preset 'fast'");
    }
}

TEST_CASE("device registry: the shipped families: crossbar, chip, then the listeners (DRAM, SFQ)") {
    const device_registry r = builtin_families();
    const auto all = r.all();
    REQUIRE(all.size() == 4);
    CHECK(all[0]->name() == "crossbar");
    CHECK(all[0]->section() == "crossbar");
    CHECK(all[0]->default_instance() == "crossbar");
    CHECK(all[1]->name() == "neuromorphic");
    CHECK(all[1]->section() == "hardware");
    CHECK(all[1]->default_instance() == "chip");
    CHECK(r.by_section("hardware") == r.find("neuromorphic"));
    CHECK(r.by_section("crossbar") == r.find("crossbar"));
    CHECK(all[2]->name() == "dram");
    CHECK(all[2]->section() == "dram");
    CHECK(all[3]->name() == "sfq");
    CHECK(all[3]->default_instance() == "sfq");
    // Each call builds a registry of its own.
    const device_registry other = builtin_families();
    CHECK(other.find("crossbar") != r.find("crossbar"));
    // Both ship presets; the crossbar's include "ideal".
    const auto crossbar_presets = all[0]->preset_names();
    CHECK(std::find(crossbar_presets.begin(), crossbar_presets.end(), "ideal") != crossbar_presets.end());
    CHECK_FALSE(all[1]->preset_names().empty());
    // Adding a family with a shipped section is refused.
    device_registry extended = builtin_families();
    CHECK_THROWS_AS(extended.add(fake("my_chip", "hardware")), internal_error);
}
