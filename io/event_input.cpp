#include "io/event_input.hpp"

#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "engine/base/errors.hpp"
#include "neurons/sources.hpp"

namespace fluxon::io {
namespace {

[[noreturn]] void fail(const std::string& file, const std::string& message) {
    error_site site;
    site.file = file;
    throw io_error(message, site);
}

std::uint32_t ceil_div(std::uint32_t a, std::uint32_t b) { return (a + b - 1) / b; }

// The frame holding time t (s): floor(t / dt), tolerant of decimal round-off so that an event
// at exactly k*dt opens frame k (0.3 ms on a 0.1 ms grid is frame 3, not 2).
std::int64_t frame_of(double t, double dt) {
    const double r = t / dt;
    const double nearest = std::nearbyint(r);
    return static_cast<std::int64_t>(std::fabs(r - nearest) <= 1e-9 * std::max(1.0, nearest) ? nearest
                                                                                                : std::floor(r));
}

}  // namespace

sensor_size selected_size(const event_recording& rec, const event_selection& sel) {
    if (!rec.sensor.known())
        fail(rec.file, fmt::format("the {} recording does not give its sensor size; give sensor_size = [width, "
                                   "height]",
                                   format_name(rec.format)));
    sensor_size s = rec.sensor;
    if (sel.crop) {
        const crop_box& c = *sel.crop;
        if (c.width == 0 || c.height == 0 || std::uint64_t{c.x0} + c.width > s.width ||
            std::uint64_t{c.y0} + c.height > s.height)
            fail(rec.file, fmt::format("crop [x0 = {}, y0 = {}, width = {}, height = {}] does not fit inside the "
                                       "sensor of {} x {}",
                                       c.x0, c.y0, c.width, c.height, s.width, s.height));
        s.width = c.width;
        s.height = c.height;
    }
    s.width = ceil_div(s.width, sel.downsample);
    s.height = ceil_div(s.height, sel.downsample);
    if (sel.merge_polarity) s.polarities = 1;
    return s;
}

selected_events select_events(const event_recording& rec, const event_selection& sel) {
    selected_events out;
    out.size = selected_size(rec, sel);
    const std::uint32_t x0 = sel.crop ? sel.crop->x0 : 0, y0 = sel.crop ? sel.crop->y0 : 0;
    const std::uint32_t w = sel.crop ? sel.crop->width : rec.sensor.width;
    const std::uint32_t h = sel.crop ? sel.crop->height : rec.sensor.height;
    const std::uint32_t f = sel.downsample;
    const std::uint64_t plane = std::uint64_t{out.size.width} * out.size.height;
    for (const camera_event& e : rec.events) {
        if (e.t < sel.start_us) continue;
        if (sel.stop_us && e.t >= *sel.stop_us) break;  // events are in time order
        if (e.x < x0 || e.y < y0 || e.x - x0 >= w || e.y - y0 >= h) continue;
        const std::uint64_t x = (e.x - x0) / f, y = (e.y - y0) / f;
        const std::uint64_t p = sel.merge_polarity ? 0 : e.p;
        out.entry.push_back(static_cast<std::uint32_t>(p * plane + y * out.size.width + x));
        out.t_us.push_back(e.t - sel.start_us);
    }
    return out;
}

event_spikes to_spike_trains(const selected_events& events, double dt, double offset_s, same_step_rule rule,
                             const std::string& file) {
    event_spikes out;
    // The step each entry last spiked in: events come in time order, so a repeat is always the last.
    std::vector<std::int64_t> last_step(static_cast<std::size_t>(events.entries()), -1);
    for (std::size_t k = 0; k < events.entry.size(); ++k) {
        const double t = static_cast<double>(events.t_us[k]) / 1e6 + offset_s;
        const std::uint32_t entry = events.entry[k];
        const std::int64_t step = spike_step(t, dt);
        if (step == last_step[entry]) {
            if (rule == same_step_rule::error)
                fail(file, fmt::format("event #{} of the selection (t = {} us from start) falls in step {} of dt = {} "
                                       "s, where input {} already spikes; one spike per input per step (use "
                                       "on_same_step = \"keep_first\", a smaller dt or a coarser selection)",
                                       k, events.t_us[k], step, dt, entry));
            ++out.dropped;
            continue;
        }
        last_step[entry] = step;
        out.times.push_back(t);
        out.ids.push_back(entry);
    }
    return out;
}

tensor to_frames(const selected_events& events, double dt, std::optional<std::int64_t> steps,
                 const std::string& file) {
    if (!steps) {
        if (events.t_us.empty())
            fail(file, "no events are left to bin into frames (check start, stop and crop), and no stop says how "
                       "many frames to make");
        steps = frame_of(static_cast<double>(events.t_us.back()) / 1e6, dt) + 1;
    }
    const std::uint64_t entries = events.entries();
    // The frames are dense doubles; refuse what would not fit in memory rather than fail inside.
    constexpr std::uint64_t max_values = std::uint64_t{1} << 31;
    if (*steps < 1 || entries == 0 || static_cast<std::uint64_t>(*steps) > max_values / entries)
        fail(file, fmt::format("{} frames of {} entries is not a frame tensor fluxon makes (at most 2^31 values); "
                               "use a larger dt, a stop time, or crop and downsample",
                               *steps, entries));
    tensor out;
    out.shape = {*steps, static_cast<std::int64_t>(events.size.polarities),
                 static_cast<std::int64_t>(events.size.height), static_cast<std::int64_t>(events.size.width)};
    out.values.assign(static_cast<std::size_t>(*steps) * entries, 0.0);
    for (std::size_t k = 0; k < events.entry.size(); ++k) {
        const std::int64_t frame = frame_of(static_cast<double>(events.t_us[k]) / 1e6, dt);
        if (frame >= *steps) break;
        out.values[static_cast<std::size_t>(frame) * entries + events.entry[k]] += 1.0;
    }
    return out;
}

}  // namespace fluxon::io
