#pragma once
// What the event-file decoders share (internal to io/event_file*.cpp): the error with its byte
// offset, text headers, and the sink that keeps timestamps from going backwards.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "io/event_file.hpp"

namespace fluxon::io::event_detail {

using bytes_view = std::span<const unsigned char>;

// io_error{file}: "<format> at byte offset <offset>: <message>".
[[noreturn]] void fail_at(const std::string& file, std::string_view format, std::uint64_t offset,
                          const std::string& message);
[[noreturn]] void fail_file(const std::string& file, const std::string& message);

// The lines of a text header: each starts with `marker` and ends with '\n' (a '\r' before it is
// dropped); the header ends at the first byte that is not `marker`, or after a line equal to
// `last_line` (AEDAT 3.1's "#!END-HEADER"; Prophesee's "% end"). `end` is the offset of the first
// byte of data. A header line without its '\n' is a truncated file.
struct text_header {
    std::vector<std::string> lines;  // without the marker and the line end
    std::size_t end = 0;
};
text_header read_text_header(const std::string& file, std::string_view format, bytes_view bytes, char marker,
                             std::string_view last_line = {});

// Lower-cased copy, for matching header words case-insensitively.
std::string lowered(std::string_view s);
// The first "WxH" or "width ... height" the header lines give (Prophesee's "% geometry 640x480",
// "% Width 304" and "% Height 240", "format EVT3;height=720;width=1280").
std::optional<sensor_size> header_geometry(const std::vector<std::string>& lines);

// Collects decoded events, refusing a timestamp before the previous one.
class event_sink {
public:
    event_sink(const std::string& file, std::string_view format, std::vector<camera_event>& out)
        : file_(file), format_(format), out_(out) {}
    void add(std::int64_t t, std::uint32_t x, std::uint32_t y, std::uint32_t p, std::uint64_t offset);

private:
    const std::string& file_;
    std::string_view format_;
    std::vector<camera_event>& out_;
};

std::uint32_t load_be32(const unsigned char* p);
std::uint32_t load_le32(const unsigned char* p);
std::uint16_t load_le16(const unsigned char* p);

// Each decoder fills rec.events, rec.skipped and, where the file says, rec.sensor.
void decode_nmnist(bytes_view bytes, event_recording& rec);
void decode_aedat2(bytes_view bytes, std::optional<aer_sensor> sensor, event_recording& rec);
void decode_aedat3(bytes_view bytes, event_recording& rec);
void decode_prophesee_dat(bytes_view bytes, event_recording& rec);
void decode_evt2(bytes_view bytes, event_recording& rec);
void decode_evt3(bytes_view bytes, event_recording& rec);
void decode_aedat4(bytes_view bytes, event_recording& rec);

}  // namespace fluxon::io::event_detail
