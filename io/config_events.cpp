// Event recordings in config files (docs/events.md): populations.<name>.events = { file = ... }
// gives a spike_times population its spikes; layers.<name>.data = { events = ... } gives an
// input layer binned frames. Both read the recording once, here, at the edge, so that the
// network builder and the engine see the plain arrays they already take.
#include <cmath>
#include <filesystem>
#include <limits>

#include <fmt/format.h>

#include "engine/base/config_scalars.hpp"
#include "io/config_sections.hpp"
#include "io/event_input.hpp"

namespace fluxon::io {
namespace {

// The keys both forms share; `file_key` names the recording ("file" or "events").
std::vector<std::string_view> selection_keys(std::string_view file_key) {
    return {file_key, "format", "sensor", "sensor_size", "crop", "downsample", "merge_polarity", "start", "stop"};
}

std::uint32_t read_count(const config_node& at, std::string_view what, std::int64_t min) {
    const std::int64_t v = read_integer(at, what);
    if (v < min || v > std::numeric_limits<std::uint16_t>::max())
        at.fail(fmt::format("expected {}, got {}", what, v));
    return static_cast<std::uint32_t>(v);
}

// A list of `n` integers >= `min`.
std::vector<std::uint32_t> read_counts(const config_node& at, std::size_t n, std::string_view what, std::int64_t min) {
    const std::vector<config_node> items = at.items(what);
    if (items.size() != n) at.fail(fmt::format("expected {}, got {} values", what, items.size()));
    std::vector<std::uint32_t> out;
    for (const config_node& item : items) out.push_back(read_count(item, "an integer", min));
    return out;
}

// A time of the recording, kept in whole microseconds as the recordings count them.
std::int64_t read_microseconds(const config_node& at) {
    const double s = resolve_quantity(read_quantity(at, dimension::time), dimension::time, at.key());
    if (!(s >= 0) || s > 1e12) at.fail(fmt::format("expected a time >= 0 such as \"100 ms\", got {} s", s));
    const double us = std::round(s * 1e6);
    if (std::fabs(us - s * 1e6) > 1e-6 * std::max(1.0, us))
        at.fail(fmt::format("{} s is not a whole number of microseconds, the resolution of event recordings", s));
    return static_cast<std::int64_t>(us);
}

struct recording_request {
    event_recording recording;
    event_selection selection;
};

recording_request read_recording(const config_node& at, std::string_view file_key) {
    const config_node file = at.require(file_key, "the path of an event recording, e.g. \"rec.bin\"");
    const std::string spec = read_string(file, "a path string like \"rec.bin\"");
    if (spec.empty()) file.fail("the file path is empty");
    std::filesystem::path path(spec);
    if (path.is_relative()) path = at.context().base_dir / path;

    event_read_options options;
    if (const config_node format = at.child("format"); format.present()) {
        const std::string name = read_string(format, "a format name");
        if (name != "raw") {  // "raw": EVT 2.0 or 3.0 by the header, as without a format
            options.format = parse_format_name(name);
            if (!options.format)
                format.fail(fmt::format("unknown event format \"{}\"; expected one of {} or \"raw\"", name,
                                        known_format_names()));
        }
    }
    if (const config_node sensor = at.child("sensor"); sensor.present()) {
        const std::string name = read_string(sensor, "\"dvs128\" or \"davis346\"");
        options.sensor = parse_sensor_name(name);
        if (!options.sensor) sensor.fail(fmt::format("unknown sensor \"{}\"; expected \"dvs128\" or \"davis346\"", name));
    }
    if (const config_node size = at.child("sensor_size"); size.present()) {
        const std::size_t n = size.node().is_array() ? size.node().as_array()->size() : 0;
        const auto v = read_counts(size, n == 3 ? 3 : 2, "[width, height] or [width, height, polarities]", 1);
        options.size = sensor_size{v[0], v[1], v.size() == 3 ? v[2] : 2};
    }

    recording_request out;
    if (const config_node crop = at.child("crop"); crop.present()) {
        const auto v = read_counts(crop, 4, "[x0, y0, width, height]", 0);
        out.selection.crop = crop_box{v[0], v[1], v[2], v[3]};
    }
    if (const config_node f = at.child("downsample"); f.present())
        out.selection.downsample = read_count(f, "a downsampling factor, an integer >= 1", 1);
    if (const config_node merge = at.child("merge_polarity"); merge.present())
        out.selection.merge_polarity = read_bool(merge);
    if (const config_node start = at.child("start"); start.present()) out.selection.start_us = read_microseconds(start);
    if (const config_node stop = at.child("stop"); stop.present()) {
        out.selection.stop_us = read_microseconds(stop);
        if (*out.selection.stop_us <= out.selection.start_us)
            stop.fail(fmt::format("stop ({} us) must be after start ({} us)", *out.selection.stop_us,
                                  out.selection.start_us));
    }
    // Errors of the file itself keep the file in their message and point at the key.
    try {
        out.recording = read_event_file(path.string(), options);
        selected_size(out.recording, out.selection);
    } catch (const user_error& e) {
        file.fail(e.what());
    }
    return out;
}

double run_dt(const net::run_spec& run) {
    const double dt = resolve_quantity(run.dt, dimension::time, "run.dt");
    if (!(dt > 0)) throw config_error(fmt::format("dt must be > 0, got {} s", dt), run.dt.site);
    return dt;
}

}  // namespace

void read_population_events(const config_node& at, const config_node& size, const net::run_spec& run,
                            net::population_spec& pop) {
    at.table("a table like { file = \"rec.bin\", format = \"nmnist\" }");
    std::vector<std::string_view> keys = selection_keys("file");
    keys.push_back("offset");
    keys.push_back("on_same_step");
    at.allow_only(keys);
    const recording_request request = read_recording(at, "file");
    double offset = 0;
    if (const config_node o = at.child("offset"); o.present()) {
        offset = resolve_quantity(read_quantity(o, dimension::time), dimension::time, o.key());
        if (!(offset >= 0)) o.fail(fmt::format("offset must be a time >= 0, got {} s", offset));
    }
    same_step_rule rule = same_step_rule::keep_first;
    if (const config_node r = at.child("on_same_step"); r.present()) {
        const std::string name = read_string(r, "\"keep_first\" or \"error\"");
        if (name == "error") rule = same_step_rule::error;
        else if (name != "keep_first") r.fail(fmt::format("expected \"keep_first\" or \"error\", got \"{}\"", name));
    }
    const config_node file = at.child("file");
    try {
        const selected_events events = select_events(request.recording, request.selection);
        if (events.entries() != pop.size) {
            size.fail(fmt::format("size is {} but the recording {} gives {} inputs (P x H x W = {} x {} x {}, after "
                                  "crop, downsample and merge_polarity)",
                                  pop.size, request.recording.file, events.entries(), events.size.polarities,
                                  events.size.height, events.size.width));
        }
        event_spikes spikes = to_spike_trains(events, run_dt(run), offset, rule, request.recording.file);
        pop.arrays["times"] = std::move(spikes.times);
        pop.arrays["ids"] = std::move(spikes.ids);
    } catch (const io_error& e) {
        file.fail(e.what());
    }
}

tensor read_event_frames(const config_node& at, const net::run_spec& run) {
    at.allow_only(selection_keys("events"));
    const recording_request request = read_recording(at, "events");
    const double dt = run_dt(run);
    std::optional<std::int64_t> steps;
    if (request.selection.stop_us) {
        const double span = static_cast<double>(*request.selection.stop_us - request.selection.start_us) / 1e6;
        steps = static_cast<std::int64_t>(std::ceil(span / dt - 1e-9));
    }
    try {
        return to_frames(select_events(request.recording, request.selection), dt, steps, request.recording.file);
    } catch (const io_error& e) {
        at.child("events").fail(e.what());
    }
}

}  // namespace fluxon::io
