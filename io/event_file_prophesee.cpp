// Prophesee's event files: .dat (EVT 2D, as in N-CARS and the ATIS datasets) and the .raw
// streams of Metavision cameras in EVT 2.0 and EVT 3.0. Layouts: docs/events.md, from
// Prophesee's documentation of the formats (docs.prophesee.ai, "EVT 2.0 Format", "EVT 3.0
// Format").
#include <bit>

#include <fmt/format.h>

#include "io/event_decoders.hpp"

namespace fluxon::io::event_detail {
namespace {

// A .raw stream holds whole words; a partial last word is a truncated file.
void check_whole_words(const event_recording& rec, std::string_view format, std::size_t begin, std::size_t end,
                       std::size_t word) {
    const std::size_t rest = (end - begin) % word;
    if (rest != 0)
        fail_at(rec.file, format, end - rest,
                fmt::format("truncated word: expected {} bytes, {} remain", word, rest));
}

void set_geometry(const text_header& header, event_recording& rec) {
    if (const auto size = header_geometry(header.lines)) rec.sensor = *size;
}

}  // namespace

void decode_prophesee_dat(bytes_view bytes, event_recording& rec) {
    constexpr std::string_view format = "Prophesee .dat";
    const text_header header = read_text_header(rec.file, format, bytes, '%');
    set_geometry(header, rec);
    if (bytes.size() - header.end < 2)
        fail_at(rec.file, format, header.end, "truncated: expected the event type and event size bytes after the header");
    const unsigned type = bytes[header.end], size = bytes[header.end + 1];
    // 0: Event2D (the ATIS datasets, N-CARS); 12: EventCD. Both are (t, x | y << 14 | p << 28).
    if ((type != 0 && type != 12) || size != 8)
        fail_at(rec.file, format, header.end,
                fmt::format("event type {} of size {} bytes: only change-detection events (type 0 or 12, 8 bytes) "
                            "are supported",
                            type, size));
    const std::size_t first = header.end + 2;
    const std::size_t rest = (bytes.size() - first) % 8;
    if (rest != 0)
        fail_at(rec.file, format, bytes.size() - rest,
                fmt::format("truncated event #{}: expected 8 bytes, {} remain", (bytes.size() - rest - first) / 8, rest));
    event_sink sink(rec.file, format, rec.events);
    rec.events.reserve((bytes.size() - first) / 8);
    for (std::size_t at = first; at < bytes.size(); at += 8) {
        const std::int64_t t = load_le32(bytes.data() + at);
        const std::uint32_t a = load_le32(bytes.data() + at + 4);
        const std::uint32_t p = a >> 28;
        if (p > 1)
            fail_at(rec.file, format, at + 4, fmt::format("polarity field {} of event #{}, expected 0 or 1", p,
                                                          (at - first) / 8));
        sink.add(t, a & 0x3FFF, (a >> 14) & 0x3FFF, p, at);
    }
}

void decode_evt2(bytes_view bytes, event_recording& rec) {
    constexpr std::string_view format = "EVT 2.0";
    const text_header header = read_text_header(rec.file, format, bytes, '%', " end");
    set_geometry(header, rec);
    check_whole_words(rec, format, header.end, bytes.size(), 4);
    event_sink sink(rec.file, format, rec.events);
    // The 28 high bits of the 34-bit microsecond time; events before the first EVT_TIME_HIGH
    // have no known time and are passed over (as Metavision's decoder does).
    std::optional<std::int64_t> time_high;
    for (std::size_t at = header.end; at < bytes.size(); at += 4) {
        const std::uint32_t w = load_le32(bytes.data() + at);
        switch (w >> 28) {
            case 0x0:  // CD_OFF
            case 0x1:  // CD_ON: [27:22] time low, [21:11] x, [10:0] y
                if (!time_high) {
                    ++rec.skipped;
                    break;
                }
                sink.add(*time_high << 6 | ((w >> 22) & 0x3F), (w >> 11) & 0x7FF, w & 0x7FF, w >> 28, at);
                break;
            case 0x8:  // EVT_TIME_HIGH: [27:0]
                time_high = w & 0x0FFFFFFF;
                break;
            case 0xA:  // EXT_TRIGGER
            case 0xE:  // OTHERS
            case 0xF:  // CONTINUED
                ++rec.skipped;
                break;
            default:
                fail_at(rec.file, format, at,
                        fmt::format("word 0x{:08X} has the reserved type 0x{:X}; expected CD_OFF (0x0), CD_ON (0x1), "
                                    "EVT_TIME_HIGH (0x8), EXT_TRIGGER (0xA), OTHERS (0xE) or CONTINUED (0xF)",
                                    w, w >> 28));
        }
    }
}

void decode_evt3(bytes_view bytes, event_recording& rec) {
    constexpr std::string_view format = "EVT 3.0";
    const text_header header = read_text_header(rec.file, format, bytes, '%', " end");
    set_geometry(header, rec);
    check_whole_words(rec, format, header.end, bytes.size(), 2);
    event_sink sink(rec.file, format, rec.events);
    // The decoder's state: EVT 3.0 sends a field only when it changes.
    std::optional<std::uint32_t> time_high;  // bits 23..12 of the 24-bit time
    std::uint32_t time_low = 0;              // bits 11..0
    std::int64_t wraps = 0;                  // times the 24-bit time rolled over (every 16.7 s)
    std::optional<std::uint32_t> y;
    std::uint32_t base_x = 0, base_p = 0;
    const auto now = [&] { return wraps << 24 | static_cast<std::int64_t>(*time_high) << 12 | time_low; };
    // Pixel events before the first EVT_TIME_HIGH and EVT_ADDR_Y lack their time or row.
    const auto ready = [&] { return time_high.has_value() && y.has_value(); };
    const auto vector = [&](std::uint32_t valid, std::uint32_t width, std::size_t at) {
        if (!ready()) {
            rec.skipped += static_cast<std::uint64_t>(std::popcount(valid));
        } else {
            for (std::uint32_t i = 0; i < width; ++i)
                if (valid >> i & 1u) sink.add(now(), base_x + i, *y, base_p, at);
        }
        base_x += width;
    };
    for (std::size_t at = header.end; at < bytes.size(); at += 2) {
        const std::uint16_t w = load_le16(bytes.data() + at);
        switch (w >> 12) {
            case 0x0:  // EVT_ADDR_Y: [11] system type, [10:0] y
                y = w & 0x7FFu;
                break;
            case 0x2:  // EVT_ADDR_X: [11] polarity, [10:0] x; one event
                if (!ready()) {
                    ++rec.skipped;
                    break;
                }
                sink.add(now(), w & 0x7FFu, *y, (w >> 11) & 1u, at);
                break;
            case 0x3:  // VECT_BASE_X: [11] polarity, [10:0] x of the next vector
                base_x = w & 0x7FFu;
                base_p = (w >> 11) & 1u;
                break;
            case 0x4:  // VECT_12: [11:0] one bit per pixel from base_x on
                vector(w & 0xFFFu, 12, at);
                break;
            case 0x5:  // VECT_8: [7:0]
                vector(w & 0xFFu, 8, at);
                break;
            case 0x6:  // EVT_TIME_LOW: [11:0]
                time_low = w & 0xFFFu;
                break;
            case 0x8: {  // EVT_TIME_HIGH: [11:0]
                const std::uint32_t high = w & 0xFFFu;
                if (time_high && high < *time_high) ++wraps;
                time_high = high;
                break;
            }
            case 0x7:  // CONTINUED_4
            case 0xA:  // EXT_TRIGGER
            case 0xE:  // OTHERS
            case 0xF:  // CONTINUED_12
                ++rec.skipped;
                break;
            default:
                fail_at(rec.file, format, at,
                        fmt::format("word 0x{:04X} has the reserved type 0x{:X}; expected one of EVT_ADDR_Y (0x0), "
                                    "EVT_ADDR_X (0x2), VECT_BASE_X (0x3), VECT_12 (0x4), VECT_8 (0x5), EVT_TIME_LOW "
                                    "(0x6), CONTINUED_4 (0x7), EVT_TIME_HIGH (0x8), EXT_TRIGGER (0xA), OTHERS (0xE), "
                                    "CONTINUED_12 (0xF)",
                                    w, w >> 12));
        }
    }
}

}  // namespace fluxon::io::event_detail
