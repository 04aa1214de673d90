#pragma once
// A recording turned into a network's input (docs/events.md), with Tonic's conventions: the
// input entry of an event is p*H*W + y*W + x (channels first) on the sensor (W, H, P) left
// after cropping, spatial downsampling and polarity merging. Two forms:
//   - spike trains for a spike_times population, at the events' exact times;
//   - frames for an input layer: event counts per entry per step of dt, [steps, P, H, W]
//     (Tonic's ToFrame with time_window = dt).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "io/event_file.hpp"
#include "neurons/layers/layer.hpp"

namespace fluxon::io {

struct crop_box {
    std::uint32_t x0 = 0, y0 = 0, width = 0, height = 0;
};

// What is kept of a recording and where it lands. Times are microseconds of the recording.
struct event_selection {
    std::optional<crop_box> crop;      // a window of the sensor; its corner becomes (0, 0)
    std::uint32_t downsample = 1;      // x / f, y / f: f x f pixels become one entry
    bool merge_polarity = false;       // every event counts as polarity 0; P becomes 1
    std::int64_t start_us = 0;         // earlier events are dropped; start_us becomes time 0
    std::optional<std::int64_t> stop_us;  // events at or after it are dropped
};

// The events left, each as its input entry and its time from `start_us`, in time order.
struct selected_events {
    sensor_size size;  // after crop, downsample and merging: the input has P*H*W entries
    std::vector<std::uint32_t> entry;
    std::vector<std::int64_t> t_us;
    std::uint64_t entries() const { return std::uint64_t{size.width} * size.height * size.polarities; }
};

// The sensor the selection leaves: crop's size, then ceil(W / f) x ceil(H / f), then P = 1 when
// merging. Throws io_error{rec.file} when the recording's sensor size is unknown or the crop
// does not fit inside it.
sensor_size selected_size(const event_recording& rec, const event_selection& sel);
selected_events select_events(const event_recording& rec, const event_selection& sel);

// What to do with events of one entry that fall in the same step of dt (a spike_times neuron
// emits at the next grid point): keep the first and drop the others, or refuse the recording.
enum class same_step_rule { keep_first, error };

struct event_spikes {
    std::vector<double> times;  // s: the event's time from start, plus the offset
    std::vector<double> ids;    // entry index
    std::uint64_t dropped = 0;  // events that fell in a step their entry already spikes in
};

// Spike trains at the exact event times (µs -> s) shifted by offset_s. Throws io_error{file} for
// same_step_rule::error when two events of one entry fall in the same step.
event_spikes to_spike_trains(const selected_events& events, double dt, double offset_s, same_step_rule rule,
                             const std::string& file);

// Counts per entry per step: frame k holds the events with k*dt <= t < (k+1)*dt (t from
// start). `steps` frames when given (later events are left out), else up to the last event's.
// Throws io_error{file} when there is nothing to bin or the frames would be too large.
tensor to_frames(const selected_events& events, double dt, std::optional<std::int64_t> steps,
                 const std::string& file);

}  // namespace fluxon::io
