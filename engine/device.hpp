#pragma once
// Device families are plug-ins of the one engine. A family reads its own config section (and
// presets) into settings, binds an instance to the built network, and reports what it did as
// a device_report that run files, `fluxon inspect` and Python read without knowing the family.
// The engine calls an attached device between windows, never per spike: whatever a device
// changes on the hot path (quantized weights, deliveries through its arrays, inputs it holds
// back) it installs at attach time through the slices' generic hooks.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/config_node.hpp"
#include "engine/base/device_report.hpp"
#include "engine/base/device_request.hpp"
#include "engine/base/ledger.hpp"
#include "engine/base/time.hpp"

namespace fluxon {

struct built_network;
namespace net {
struct experiment_spec;
}

class attached_device {
public:
    virtual ~attached_device() = default;
    // Serially after every window, with the window's spikes in the slices' logs; `reached` is
    // the window's end (ticks): nothing before it is still to come.
    virtual void after_window(tick_t /*reached*/) {}
    // Once, after the last window the run reached.
    virtual void finish() {}
    // Asked before a run that has no populations and no duration: a device whose work needs
    // no input from the network (a DRAM trace, an SFQ circuit's own input trains) does all of
    // it now and returns when it ended, in ticks of the run's time base; the run then lasts
    // until the latest such end. Nothing (the default): it waits for input.
    virtual std::optional<tick_t> run_alone() { return std::nullopt; }
    // What is known before the run starts (preset, settings, mapping): written when the run
    // file is created, so that a killed run still has it.
    virtual device_report describe() const = 0;
    // After finish(): describe() with the statistics, tables and ledger of the run.
    virtual device_report report() const = 0;
    // Once every device has reported (and the reports are written): throws a user_error when
    // what the device saw fails the run, such as an SFQ timing violation under policy "error".
    virtual void check_outcome() const {}
    // The device's ledger, or null for a device that costs nothing.
    virtual const ledger* book() const { return nullptr; }
};

struct attach_context {
    const net::experiment_spec& experiment;
    built_network& net;
    const device_request& request;
};

class device_family {
public:
    virtual ~device_family() = default;
    virtual std::string_view name() const = 0;
    virtual std::string_view description() const = 0;
    // The config section that describes its instance ([hardware], [crossbar]); the instance
    // takes the family's default name (one instance per family and run, for now).
    virtual std::string_view section() const = 0;
    virtual std::string_view default_instance() const = 0;
    // Every key its section may hold (unknown keys are errors listing these; --set checks them).
    virtual std::vector<std::string_view> keys() const = 0;
    // Reads and validates the section once (config_error at the key at fault), presets included.
    virtual std::shared_ptr<const device_settings> read(const config_node& section) const = 0;
    // Steps of delay-ring room target slices must keep for inputs the device delivers late.
    virtual std::uint32_t ring_headroom(const device_settings&) const { return 0; }
    // Binds an instance to the built network: maps it, changes values where the hardware would,
    // installs its delivery hooks. Throws user_error subclasses naming what does not fit.
    virtual std::unique_ptr<attached_device> attach(const device_settings& settings, attach_context& ctx) const = 0;
    // Its shipped presets, by name: their text, and one line on what each models
    // (`fluxon presets`).
    virtual std::vector<std::string> preset_names() const { return {}; }
    virtual std::string preset_text(const std::string& name) const;
    virtual std::string preset_summary(const std::string& name) const;
};

// Explicit registry (no global singleton), like the neuron models': runs are handed one.
class device_registry {
public:
    // Throws internal_error when the name or the section is taken already.
    void add(std::unique_ptr<device_family> family);
    const device_family* find(std::string_view name) const;
    // Throws config_error at `site` listing the registered families when `name` is unknown.
    const device_family& get(std::string_view name, const error_site& site) const;
    const device_family* by_section(std::string_view section) const;
    std::vector<const device_family*> all() const;

private:
    std::vector<std::unique_ptr<device_family>> families_;
};

}  // namespace fluxon
