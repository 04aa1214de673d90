#pragma once
// Event-camera recordings (docs/events.md): N-MNIST .bin, AEDAT 2.0, 3.1 and 4.0, Prophesee .dat
// (EVT 2D) and .raw (EVT 2.0, EVT 3.0), read whole into a plain list of polarity events with
// the sensor's size where the file or the caller gives it. A file that is truncated, malformed
// or whose timestamps go backwards is an io_error naming the file, the byte offset (or event
// index) and what was expected: a reader never guesses.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fluxon::io {

// One change-detection event: t in microseconds from the recording's origin; p is 1 for ON
// (brightness increase) and 0 for OFF, Tonic's convention.
struct camera_event {
    std::int64_t t = 0;
    std::uint16_t x = 0, y = 0;
    std::uint8_t p = 0;
    friend bool operator==(const camera_event&, const camera_event&) = default;
};

// Width W, height H and polarities P (Tonic's sensor_size order). 0 x 0 means unknown: the
// file does not say and the caller did not either.
struct sensor_size {
    std::uint32_t width = 0, height = 0, polarities = 2;
    bool known() const { return width > 0 && height > 0; }
    friend bool operator==(const sensor_size&, const sensor_size&) = default;
};

enum class event_format { nmnist, aedat2, aedat3, prophesee_dat, evt2, evt3, aedat4 };

// "nmnist", "aedat2", "aedat3", "aedat4", "dat", "evt2", "evt3": the names the `format` option takes.
std::string_view format_name(event_format f);
// The format a name means; "raw" is not one (it means "EVT 2.0 or 3.0, from the header") and is
// answered by std::nullopt like an unknown name. `known_format_names` lists the accepted names.
std::optional<event_format> parse_format_name(std::string_view name);
std::string_view known_format_names();

// AEDAT 2.0 stores raw sensor addresses whose decoding depends on the camera.
enum class aer_sensor { dvs128, davis346 };
std::optional<aer_sensor> parse_sensor_name(std::string_view name);

struct event_read_options {
    // Without a format: by extension (.bin, .aedat, .aedat3, .aedat4, .dat), a .raw file by its header.
    std::optional<event_format> format;
    // AEDAT 2.0: the camera, when the header does not name it.
    std::optional<aer_sensor> sensor;
    // Replaces what the file says (or fills in what it does not); every event must lie inside.
    std::optional<sensor_size> size;
};

struct event_recording {
    std::string file;
    event_format format = event_format::nmnist;
    sensor_size sensor;                // known() is false when neither the file nor the caller gave it
    std::vector<camera_event> events;  // t non-decreasing
    // The file's timestamp of t = 0, in microseconds. AEDAT 4.0 stores Unix times and its events
    // count from the first one, whose Unix time this is; 0 for the formats that store times from
    // their own origin.
    std::int64_t origin = 0;
    // Records of the file that are not polarity events and were passed over: overflow markers,
    // triggers, APS/IMU samples, invalid events, other packet types.
    std::uint64_t skipped = 0;
};

// The format of `path` when none is given: its extension, and for .raw the `% format` or `% evt`
// line of the header. Throws io_error for an unknown extension, listing the known ones.
event_format detect_event_format(const std::string& path);

event_recording read_event_file(const std::string& path, const event_read_options& options = {});

}  // namespace fluxon::io
