// AEDAT 4.0, the recordings of iniVation's DV software (docs.inivation.com, "AEDAT 4.0"): a text
// line, a size-prefixed IOHeader FlatBuffer, then packets [int32 stream id][int32 size][payload],
// each payload (LZ4- or Zstandard-compressed as the header says) a size-prefixed FlatBuffer.
// The schemas are ours (io/schemas/*.fbs, only what is read here), compiled by flatc at build
// time; FlatBuffers verifies every buffer before anything is read from it. Layout: docs/events.md.
#include <algorithm>
#include <cstring>
#include <limits>

#include <fmt/format.h>

#include "io/aedat4_description.hpp"
#include "io/compressed_frame.hpp"
#include "io/event_decoders.hpp"
#include "io/schemas/aedat4_events_generated.h"
#include "io/schemas/aedat4_header_generated.h"

namespace fluxon::io::event_detail {
namespace {

constexpr std::string_view format = "AEDAT 4.0";
constexpr std::string_view magic = "#!AER-DAT4.0\r\n";

// estimate: the most bytes one packet may decompress to. DV writes a packet every few
// milliseconds of events; 256 MiB is 16.7 million 16-byte events, far above that, and keeps a
// crafted frame (Zstandard expands a few kilobytes into gigabytes) from exhausting memory.
constexpr std::size_t max_packet_bytes = std::size_t{1} << 28;

std::string_view compression_name(std::int32_t c) {
    switch (c) {
        case 0: return "none";
        case 1: return "LZ4";
        case 2: return "LZ4 high";
        case 3: return "Zstandard";
        case 4: return "Zstandard high";
        default: return "?";
    }
}

std::string stream_list(const std::vector<aedat4_stream>& streams) {
    std::string out;
    for (const aedat4_stream& s : streams) out += fmt::format("{}{} ({})", out.empty() ? "" : ", ", s.id, s.type);
    return out.empty() ? "none" : out;
}

// A size-prefixed FlatBuffer copied to the start of `out`, whose allocation is aligned for every
// scalar: in the file it may start at any byte, and FlatBuffers reads its scalars in place.
void copy_aligned(bytes_view from, std::vector<unsigned char>& out) { out.assign(from.begin(), from.end()); }

struct header_info {
    std::int32_t compression = 0;
    std::vector<aedat4_stream> streams;
    std::size_t data_begin = 0, data_end = 0;  // the packets' bytes
};

header_info read_header(bytes_view bytes, event_recording& rec) {
    if (bytes.size() < magic.size() || std::memcmp(bytes.data(), magic.data(), magic.size()) != 0) {
        const std::size_t n = std::min(bytes.size(), magic.size());
        if (n == 0 || std::memcmp(bytes.data(), magic.data(), n) == 0)  // an empty file has no data()
            fail_at(rec.file, format, 0, "truncated: the file ends inside its first line \"#!AER-DAT4.0\\r\\n\"");
        fail_at(rec.file, format, 0, "expected the first line \"#!AER-DAT4.0\\r\\n\"");
    }
    const std::size_t at = magic.size();
    if (bytes.size() - at < 4)
        fail_at(rec.file, format, at, "truncated: expected the 4-byte size of the IOHeader after the first line");
    const std::uint32_t size = load_le32(bytes.data() + at);
    if (size > bytes.size() - at - 4)
        fail_at(rec.file, format, at,
                fmt::format("truncated IOHeader: its size prefix says {} bytes, {} remain", size, bytes.size() - at - 4));
    std::vector<unsigned char> buffer;
    copy_aligned(bytes.subspan(at, 4 + std::size_t{size}), buffer);
    flatbuffers::Verifier verifier(buffer.data(), buffer.size());
    if (!aedat4::VerifySizePrefixedIOHeaderBuffer(verifier))
        fail_at(rec.file, format, at,
                "the IOHeader is not a valid FlatBuffer with the identifier \"IOHE\" (compression, data table "
                "position, description)");
    const aedat4::IOHeader* header = aedat4::GetSizePrefixedIOHeader(buffer.data());

    header_info info;
    info.compression = static_cast<std::int32_t>(header->compression());
    if (info.compression < 0 || info.compression > 4)
        fail_at(rec.file, format, at,
                fmt::format("unknown compression {} in the IOHeader: expected 0 (none), 1 (LZ4), 2 (LZ4 high), "
                            "3 (Zstandard) or 4 (Zstandard high)",
                            info.compression));
    if (header->description() == nullptr)
        fail_at(rec.file, format, at, "the IOHeader has no description of the streams");
    if (const auto error = parse_aedat4_description(header->description()->string_view(), info.streams))
        fail_at(rec.file, format, at, "the IOHeader's description of the streams, " + *error);

    info.data_begin = at + 4 + size;
    info.data_end = bytes.size();
    const std::int64_t table = header->data_table_position();
    if (table != -1) {
        if (table < static_cast<std::int64_t>(info.data_begin) || table > static_cast<std::int64_t>(bytes.size()))
            fail_at(rec.file, format, at,
                    fmt::format("the IOHeader puts the data table at byte {}, outside the packets (bytes {} to {}); "
                                "the file is truncated or its header damaged",
                                table, info.data_begin, bytes.size()));
        info.data_end = static_cast<std::size_t>(table);
    }
    return info;
}

// The polarity stream read: the event stream of lowest id, as Tonic picks it.
const aedat4_stream& event_stream(const header_info& info, const event_recording& rec) {
    const aedat4_stream* best = nullptr;
    for (const aedat4_stream& s : info.streams)
        if (s.type == "EVTS" && (best == nullptr || s.id < best->id)) best = &s;
    if (best == nullptr)
        fail_file(rec.file, fmt::format("AEDAT 4.0: the description declares no event stream (typeIdentifier "
                                        "\"EVTS\"); its streams: {}",
                                        stream_list(info.streams)));
    return *best;
}

// Adds the events of one packet's payload (decompressed) to the sink. `at` is the packet's
// offset in the file: the events inside a compressed payload have none of their own.
void read_events(const std::vector<unsigned char>& payload, std::size_t at, std::optional<std::int64_t>& origin,
                 event_sink& sink, const event_recording& rec) {
    // [size prefix][root offset][identifier]: name a wrong identifier before verifying the rest.
    if (payload.size() >= 12 && !aedat4::SizePrefixedEventPacketBufferHasIdentifier(payload.data()))
        fail_at(rec.file, format, at,
                fmt::format("the payload of the event packet has the identifier \"{}\", expected \"EVTS\"",
                            std::string(reinterpret_cast<const char*>(payload.data()) + 8, 4)));
    flatbuffers::Verifier verifier(payload.data(), payload.size());
    if (!aedat4::VerifySizePrefixedEventPacketBuffer(verifier))
        fail_at(rec.file, format, at,
                fmt::format("the payload of the event packet ({} bytes) is not a valid size-prefixed EventPacket "
                            "FlatBuffer with the identifier \"EVTS\"",
                            payload.size()));
    const auto* elements = aedat4::GetSizePrefixedEventPacket(payload.data())->elements();
    if (elements == nullptr) return;
    std::size_t k = 0;
    for (const aedat4::Event* e : *elements) {
        if (e->x() < 0 || e->y() < 0)
            fail_at(rec.file, format, at,
                    fmt::format("event #{} of the packet (t = {} us) has the negative coordinates x = {}, y = {}", k,
                                e->t(), e->x(), e->y()));
        if (!origin) origin = e->t();
        // Unix times: counted from the first event so that a run starts with the recording.
        if (e->t() < *origin)
            fail_at(rec.file, format, at,
                    fmt::format("event #{} of the packet has timestamp {} us, before the first event's {} us: "
                                "timestamps must not go backwards",
                                k, e->t(), *origin));
        const std::uint64_t since = static_cast<std::uint64_t>(e->t()) - static_cast<std::uint64_t>(*origin);
        if (since > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            fail_at(rec.file, format, at,
                    fmt::format("event #{} of the packet has timestamp {} us, more than 2^63 us after the first "
                                "event's {} us",
                                k, e->t(), *origin));
        sink.add(static_cast<std::int64_t>(since), static_cast<std::uint32_t>(e->x()), static_cast<std::uint32_t>(e->y()),
                 e->on() ? 1u : 0u, at);
        ++k;
    }
}

}  // namespace

void decode_aedat4(bytes_view bytes, event_recording& rec) {
    const header_info info = read_header(bytes, rec);
    const aedat4_stream& events = event_stream(info, rec);
    if (events.width && events.height) rec.sensor = sensor_size{*events.width, *events.height, 2};
    event_sink sink(rec.file, format, rec.events);
    std::optional<std::int64_t> origin;
    std::vector<unsigned char> payload;
    std::size_t at = info.data_begin;
    while (at < info.data_end) {
        const std::size_t left = info.data_end - at;
        if (left < 8)
            fail_at(rec.file, format, at,
                    fmt::format("truncated packet header: expected 8 bytes (stream id, size), {} remain", left));
        const auto id = static_cast<std::int32_t>(load_le32(bytes.data() + at));
        const auto size = static_cast<std::int32_t>(load_le32(bytes.data() + at + 4));
        const bool before_table = info.data_end < bytes.size();
        if (size < 0 || static_cast<std::size_t>(size) > left - 8)
            fail_at(rec.file, format, at,
                    fmt::format("packet of stream {} says it holds {} bytes, {} remain before {}", id, size, left - 8,
                                before_table ? fmt::format("the data table at byte {}", info.data_end)
                                             : std::string("the end of the file")));
        const auto stream = std::find_if(info.streams.begin(), info.streams.end(),
                                         [&](const aedat4_stream& s) { return s.id == id; });
        if (stream == info.streams.end())
            fail_at(rec.file, format, at,
                    fmt::format("packet of stream {}, which the description does not declare (its streams: {})", id,
                                stream_list(info.streams)));
        const bytes_view body = bytes.subspan(at + 8, static_cast<std::size_t>(size));
        if (id != events.id) {
            // Frames, IMU samples, triggers, further event streams: one skipped record per packet.
            ++rec.skipped;
        } else if (info.compression == 0) {
            copy_aligned(body, payload);
            read_events(payload, at, origin, sink, rec);
        } else {
            const frame_codec codec = info.compression <= 2 ? frame_codec::lz4 : frame_codec::zstd;
            if (const auto error = decompress_frame(codec, body, max_packet_bytes, payload))
                fail_at(rec.file, format, at,
                        fmt::format("packet of stream {} ({} bytes, {}-compressed): {}", id, size,
                                    compression_name(info.compression), *error));
            read_events(payload, at, origin, sink, rec);
        }
        at += 8 + static_cast<std::size_t>(size);
    }
    rec.origin = origin.value_or(0);
}

}  // namespace fluxon::io::event_detail
