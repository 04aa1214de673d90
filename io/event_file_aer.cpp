// The AER family of event files: N-MNIST's 5-byte records (Orchard et al. 2015) and jAER/cAER's
// AEDAT 2.0 and 3.1. Layouts: docs/events.md.
#include <fmt/format.h>

#include "io/event_decoders.hpp"

namespace fluxon::io::event_detail {
namespace {

// N-MNIST is recorded on a 34 x 34 crop of the ATIS; N-Caltech101 uses the same records on a
// larger one, so its users give the size.
constexpr sensor_size nmnist_sensor{34, 34, 2};

sensor_size size_of(aer_sensor s) {
    return s == aer_sensor::dvs128 ? sensor_size{128, 128, 2} : sensor_size{346, 260, 2};
}

// The camera a jAER/cAER header names, e.g. "# HardwareInterface: Davis346red" or "#Source 1: DVS128".
std::optional<aer_sensor> header_sensor(const std::vector<std::string>& lines) {
    for (const std::string& line : lines) {
        const std::string l = lowered(line);
        if (l.find("davis346") != std::string::npos) return aer_sensor::davis346;
        if (l.find("dvs128") != std::string::npos) return aer_sensor::dvs128;
    }
    return std::nullopt;
}

}  // namespace

void decode_nmnist(bytes_view bytes, event_recording& rec) {
    constexpr std::string_view format = "N-MNIST .bin";
    constexpr std::size_t record = 5;
    if (bytes.size() % record != 0) {
        const std::size_t at = bytes.size() - bytes.size() % record;
        fail_at(rec.file, format, at,
                fmt::format("truncated record #{}: expected {} bytes, {} remain", at / record, record,
                            bytes.size() - at));
    }
    rec.sensor = nmnist_sensor;
    event_sink sink(rec.file, format, rec.events);
    rec.events.reserve(bytes.size() / record);
    std::int64_t overflow = 0;
    for (std::size_t at = 0; at < bytes.size(); at += record) {
        const unsigned char* r = bytes.data() + at;
        // y == 240 marks a wrap of the 23-bit clock on the recording rig; Tonic adds 2^13 to the
        // timestamps that follow and drops the marker, and so do we.
        if (r[1] == 240) {
            overflow += std::int64_t{1} << 13;
            ++rec.skipped;
            continue;
        }
        const std::int64_t ts = static_cast<std::int64_t>(r[2] & 0x7F) << 16 | static_cast<std::int64_t>(r[3]) << 8 | r[4];
        sink.add(ts + overflow, r[0], r[1], r[2] >> 7, at);
    }
}

void decode_aedat2(bytes_view bytes, std::optional<aer_sensor> sensor, event_recording& rec) {
    constexpr std::string_view format = "AEDAT 2.0";
    const text_header header = read_text_header(rec.file, format, bytes, '#');
    if (header.lines.empty() || !header.lines.front().starts_with("!AER-DAT2"))
        fail_at(rec.file, format, 0, "expected the header line \"#!AER-DAT2.0\"");
    if (!sensor) sensor = header_sensor(header.lines);
    if (!sensor)
        fail_file(rec.file, "AEDAT 2.0: the header does not name the camera (DVS128 or DAVIS346), which the address "
                            "decoding depends on; give sensor = \"dvs128\" or \"davis346\"");
    rec.sensor = size_of(*sensor);
    constexpr std::size_t record = 8;
    const std::size_t data = bytes.size() - header.end;
    if (data % record != 0) {
        const std::size_t at = bytes.size() - data % record;
        fail_at(rec.file, format, at,
                fmt::format("truncated event #{}: expected {} bytes (address, timestamp), {} remain",
                            (at - header.end) / record, record, data % record));
    }
    event_sink sink(rec.file, format, rec.events);
    rec.events.reserve(data / record);
    for (std::size_t at = header.end; at < bytes.size(); at += record) {
        const std::uint32_t a = load_be32(bytes.data() + at);
        const std::int64_t t = load_be32(bytes.data() + at + 4);
        if (*sensor == aer_sensor::dvs128) {
            // Bit 15 marks an external (trigger) input, not a pixel.
            if (a & 0x8000u) {
                ++rec.skipped;
                continue;
            }
            sink.add(t, (a >> 8) & 0x7F, (a >> 1) & 0x7F, a & 1, at);
        } else {
            // Bit 31 marks APS and IMU samples, bit 10 an external input: only DVS events are kept.
            if (a & 0x80000000u || a & 0x400u) {
                ++rec.skipped;
                continue;
            }
            const std::uint32_t column = (a & 0x003FF000u) >> 12, row = (a & 0x7FC00000u) >> 22;
            if (column > 345 || row > 259)
                fail_at(rec.file, format, at,
                        fmt::format("DAVIS346 address 0x{:08X} decodes to column {} and row {}, outside the 346 x 260 "
                                    "array (is the sensor right?)",
                                    a, column, row));
            // jAER counts columns and rows from the other corner.
            sink.add(t, 345 - column, 259 - row, (a & 0x800u) >> 11, at);
        }
    }
}

void decode_aedat3(bytes_view bytes, event_recording& rec) {
    constexpr std::string_view format = "AEDAT 3.1";
    const text_header header = read_text_header(rec.file, format, bytes, '#', "!END-HEADER");
    if (header.lines.empty() || !header.lines.front().starts_with("!AER-DAT3"))
        fail_at(rec.file, format, 0, "expected the header line \"#!AER-DAT3.1\"");
    if (header.lines.back() != "!END-HEADER")
        fail_at(rec.file, format, header.end, "expected the header to end with the line \"#!END-HEADER\"");
    if (const auto named = header_sensor(header.lines)) rec.sensor = size_of(*named);
    for (const std::string& line : header.lines)
        if (lowered(line).find("davis240") != std::string::npos) rec.sensor = sensor_size{240, 180, 2};
    event_sink sink(rec.file, format, rec.events);

    constexpr std::size_t packet_header = 28;
    constexpr std::int16_t polarity_type = 1;
    std::size_t at = header.end;
    while (at < bytes.size()) {
        if (bytes.size() - at < packet_header)
            fail_at(rec.file, format, at,
                    fmt::format("truncated packet header: expected {} bytes, {} remain", packet_header, bytes.size() - at));
        const unsigned char* h = bytes.data() + at;
        const auto type = static_cast<std::int16_t>(load_le16(h));
        const auto size = static_cast<std::int32_t>(load_le32(h + 4));
        const auto ts_offset = static_cast<std::int32_t>(load_le32(h + 8));
        const auto ts_overflow = static_cast<std::int32_t>(load_le32(h + 12));
        const auto capacity = static_cast<std::int32_t>(load_le32(h + 16));
        const auto number = static_cast<std::int32_t>(load_le32(h + 20));
        if (size <= 0 || capacity < 0 || number < 0 || number > capacity || ts_offset < 0 || ts_offset + 4 > size ||
            ts_overflow < 0)
            fail_at(rec.file, format, at,
                    fmt::format("malformed packet header (type {}, event size {}, timestamp offset {}, overflow {}, "
                                "capacity {}, number {})",
                                type, size, ts_offset, ts_overflow, capacity, number));
        const std::uint64_t body = static_cast<std::uint64_t>(capacity) * static_cast<std::uint64_t>(size);
        if (body > bytes.size() - at - packet_header)
            fail_at(rec.file, format, at,
                    fmt::format("truncated packet: its header promises {} events of {} bytes, {} bytes remain",
                                capacity, size, bytes.size() - at - packet_header));
        const std::size_t first = at + packet_header;
        at = first + static_cast<std::size_t>(body);
        if (type != polarity_type) {
            rec.skipped += static_cast<std::uint64_t>(number);
            continue;
        }
        if (size != 8 || ts_offset != 4)
            fail_at(rec.file, format, first - packet_header,
                    fmt::format("polarity packet with events of {} bytes and timestamp offset {}, expected 8 and 4",
                                size, ts_offset));
        for (std::int32_t k = 0; k < capacity; ++k) {
            const std::size_t e = first + static_cast<std::size_t>(k) * 8;
            const std::uint32_t data = load_le32(bytes.data() + e);
            const auto ts = static_cast<std::int32_t>(load_le32(bytes.data() + e + 4));
            if (!(data & 1u)) {  // the valid bit: cAER marks filtered-out events invalid in place
                ++rec.skipped;
                continue;
            }
            if (ts < 0) fail_at(rec.file, format, e + 4, fmt::format("negative timestamp {}", ts));
            const std::int64_t t = static_cast<std::int64_t>(ts_overflow) << 31 | ts;
            sink.add(t, (data >> 17) & 0x1FFF, (data >> 2) & 0x1FFF, (data >> 1) & 1, e);
        }
    }
}

}  // namespace fluxon::io::event_detail
