// AEDAT 4.0 recordings: files built by tests/unit/io/aedat4_writer (the FlatBuffers builder,
// liblz4's and libzstd's frame writers) with every compression, several packets and streams
// that are not events, read back against the values put in; malformed files name the file and
// the byte offset. The real DV sample the reader was checked against is not in the repository
// (docs/events.md gives its numbers).
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "tests/unit/common/temp_file.hpp"
#include "tests/unit/io/aedat4_writer.hpp"
#include "tests/unit/io/event_file_errors.hpp"
#include "engine/base/errors.hpp"
#include "io/config.hpp"
#include "io/event_file.hpp"

using namespace fluxon;
using namespace fluxon::io;
using namespace fluxon::test;

TEST_SUITE_BEGIN("io");

namespace {

// A Unix time in microseconds (2020-11-16), as DV stamps its events.
constexpr std::int64_t unix_us = 1605537493718345;

camera_event ev(std::int64_t t, std::uint16_t x, std::uint16_t y, std::uint8_t p) { return {t, x, y, p}; }

const std::vector<aedat4_test_stream> davis_streams = {
    {0, "EVTS", 346, 260}, {1, "FRME", 346, 260}, {2, "IMUS", {}, {}}, {3, "TRIG", {}, {}}};

// Two event packets with a frame and an IMU packet between them. The frame and IMU payloads
// are never decoded, so any bytes stand for them.
const std::vector<aedat4_test_event> first_packet = {
    {unix_us, 154, 204, false}, {unix_us + 7, 0, 0, true}, {unix_us + 7, 345, 259, true}};
const std::vector<aedat4_test_event> second_packet = {{unix_us + 1000, 12, 34, false}, {unix_us + 589917, 88, 237, true}};

std::string davis_file(aedat4_compression c) {
    const auto body = [&](const std::string& payload) { return aedat4_compress(c, payload); };
    return aedat4_header(static_cast<std::int32_t>(c), aedat4_description(davis_streams)) +
           aedat4_packet(0, body(aedat4_event_payload(first_packet))) +
           aedat4_packet(1, body("a frame packet, never decoded")) + aedat4_packet(2, body("IMU samples")) +
           aedat4_packet(0, body(aedat4_event_payload(second_packet)));
}

std::uint32_t le32_at(const std::string& s, std::size_t at) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(s[at])) |
           static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 1])) << 8 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 2])) << 16 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 3])) << 24;
}

}  // namespace

TEST_CASE("AEDAT 4.0: events of every compression, other streams skipped, times from the first event") {
    // t counts from the first event (Unix time unix_us): 0, 7, 7, 1000, 589917 us.
    const std::vector<camera_event> expected = {ev(0, 154, 204, 0), ev(7, 0, 0, 1), ev(7, 345, 259, 1),
                                                ev(1000, 12, 34, 0), ev(589917, 88, 237, 1)};
    for (const auto c : {aedat4_compression::none, aedat4_compression::lz4, aedat4_compression::lz4_high,
                         aedat4_compression::zstd, aedat4_compression::zstd_high}) {
        CAPTURE(static_cast<int>(c));
        const std::string bytes = davis_file(c);
        // (FlatBuffers leaves out a field at its default: the header's size depends on c.)
        const std::size_t header_size = aedat4_header(static_cast<std::int32_t>(c), aedat4_description(davis_streams)).size();
        // The first packet's body starts with the frame magic of its compression (LZ4 0x184D2204,
        // Zstandard 0xFD2FB528), or with the FlatBuffer's size prefix when uncompressed.
        const std::uint32_t head = le32_at(bytes, header_size + 8);
        if (c == aedat4_compression::lz4 || c == aedat4_compression::lz4_high) CHECK(head == 0x184D2204u);
        if (c == aedat4_compression::zstd || c == aedat4_compression::zstd_high) CHECK(head == 0xFD2FB528u);
        if (c == aedat4_compression::none) CHECK(head == aedat4_event_payload(first_packet).size() - 4);

        temp_file f("a4_c" + std::to_string(static_cast<int>(c)), bytes, ".aedat4");
        const event_recording rec = read_event_file(f.name());
        CHECK(rec.format == event_format::aedat4);
        CHECK(rec.sensor == sensor_size{346, 260, 2});
        CHECK(rec.events == expected);
        CHECK(rec.origin == unix_us);
        CHECK(rec.skipped == 2);  // the frame packet and the IMU packet
    }
}

TEST_CASE("AEDAT 4.0: detection, the data table, the lowest event stream, an unknown size") {
    const std::string bytes = davis_file(aedat4_compression::lz4);
    // .aedat with the 4.0 first line is AEDAT 4.0 too; so is any name with format = "aedat4".
    temp_file plain("a4_plain", bytes, ".aedat");
    CHECK(detect_event_format(plain.name()) == event_format::aedat4);
    CHECK(parse_format_name("aedat4") == event_format::aedat4);
    temp_file other("a4_other", bytes, ".rec");
    event_read_options options;
    options.format = event_format::aedat4;
    CHECK(read_event_file(other.name(), options).events.size() == 5);

    // The FileDataTable after the packets is not read: the header says where the packets end.
    const std::string description = aedat4_description(davis_streams);
    const std::string packets = aedat4_packet(0, aedat4_event_payload(first_packet));
    const std::size_t table = aedat4_header(0, description, 0).size() + packets.size();
    temp_file tabled("a4_table", aedat4_header(0, description, static_cast<std::int64_t>(table)) + packets +
                                     "a FileDataTable, not read", ".aedat4");
    CHECK(read_event_file(tabled.name()).events.size() == 3);

    // Two event streams: the lower id (2) is read, the other's packet is skipped. A stream
    // without sizeX/sizeY leaves the sensor unknown.
    const std::vector<aedat4_test_stream> two = {{5, "EVTS", 640, 480}, {2, "EVTS", {}, {}}};
    temp_file pair("a4_pair",
                   aedat4_header(0, aedat4_description(two)) +
                       aedat4_packet(5, aedat4_event_payload({{10, 600, 400, true}})) +
                       aedat4_packet(2, aedat4_event_payload({{20, 1, 2, true}, {25, 3, 4, false}})),
                   ".aedat4");
    const event_recording rec = read_event_file(pair.name());
    CHECK(!rec.sensor.known());
    CHECK(rec.events == std::vector<camera_event>{ev(0, 1, 2, 1), ev(5, 3, 4, 0)});
    CHECK(rec.origin == 20);
    CHECK(rec.skipped == 1);
}

TEST_CASE("AEDAT 4.0: malformed files name the file, the byte offset and what was expected") {
    const std::string description = aedat4_description(davis_streams);
    const std::string header = aedat4_header(0, description);
    const std::string packet = aedat4_packet(0, aedat4_event_payload(first_packet));
    const std::string at_header = "AEDAT 4.0 at byte offset 14: ";
    const std::string at_packets = "AEDAT 4.0 at byte offset " + std::to_string(header.size()) + ": ";
    const auto error_of = [&](const std::string& tag, const std::string& bytes) {
        temp_file f("a4_bad_" + tag, bytes, ".aedat4");
        const std::string message = read_error(f.name());
        CHECK(has(message, f.name()));
        return message;
    };

    CHECK(has(error_of("empty", ""), "AEDAT 4.0 at byte offset 0: truncated"));
    CHECK(has(error_of("magic_cut", "#!AER-DA"), "AEDAT 4.0 at byte offset 0: truncated: the file ends inside its first line"));
    CHECK(has(error_of("magic", "#!AER-DAT5.0\r\n" + header.substr(14)), "offset 0: expected the first line"));
    CHECK(has(error_of("size_cut", header.substr(0, 16)), at_header + "truncated: expected the 4-byte size"));
    CHECK(has(error_of("header_cut", header.substr(0, 40)), at_header + "truncated IOHeader: its size prefix says " +
                                                                  std::to_string(header.size() - 18) + " bytes, 22 remain"));
    // A damaged header: the root offset (the 4 bytes after the size prefix) points far outside it.
    std::string damaged = header;
    damaged[21] = '\x7F';
    CHECK(has(error_of("header_bad", damaged), at_header + "the IOHeader is not a valid FlatBuffer"));
    CHECK(has(error_of("compression", aedat4_header(7, description) + packet), at_header + "unknown compression 7"));
    CHECK(has(error_of("xml", aedat4_header(0, "<dv>\n<node name=\"outInfo\">\n</dv>") + packet),
              at_header + "the IOHeader's description of the streams, line 3: mismatched tag"));
    CHECK(has(error_of("xml_id", aedat4_header(0, "<dv><node name=\"outInfo\"><node name=\"x\"/></node></dv>") + packet),
              "stream node name \"x\" is not a stream id"));
    CHECK(has(error_of("no_events", aedat4_header(0, aedat4_description({{2, "IMUS", {}, {}}})) + packet),
              "declares no event stream (typeIdentifier \"EVTS\"); its streams: 2 (IMUS)"));
    const std::string data_table = aedat4_header(0, description, 1 << 20) + packet;
    CHECK(has(error_of("table", data_table), "the IOHeader puts the data table at byte 1048576, outside the packets"));

    // Packets.
    CHECK(has(error_of("packet_head", header + packet.substr(0, 5)),
              at_packets + "truncated packet header: expected 8 bytes (stream id, size), 5 remain"));
    CHECK(has(error_of("packet_cut", header + packet.substr(0, packet.size() - 3)),
              at_packets + "packet of stream 0 says it holds " + std::to_string(packet.size() - 8) + " bytes, " +
                  std::to_string(packet.size() - 11) + " remain before the end of the file"));
    CHECK(has(error_of("stream", header + aedat4_packet(9, aedat4_event_payload(first_packet))),
              at_packets + "packet of stream 9, which the description does not declare (its streams: 0 (EVTS), 1 "
                           "(FRME), 2 (IMUS), 3 (TRIG))"));
    // LZ4 in the header, raw FlatBuffers in the packet.
    const std::string lz4_header = aedat4_header(1, description);
    CHECK(has(error_of("codec", lz4_header + packet),
              "AEDAT 4.0 at byte offset " + std::to_string(lz4_header.size()) + ": packet of stream 0 (" +
                  std::to_string(packet.size() - 8) + " bytes, LZ4-compressed): LZ4: ERROR_frameType_unknown"));
    // A Zstandard frame missing its last 4 bytes, in a packet whose size says so.
    const std::string frame = aedat4_compress(aedat4_compression::zstd, aedat4_event_payload(first_packet));
    CHECK(has(error_of("zstd_cut", aedat4_header(3, description) + aedat4_packet(0, frame.substr(0, frame.size() - 4))),
              "Zstandard-compressed): Zstandard: the frame ends early"));
    CHECK(has(error_of("zstd_tail", aedat4_header(3, description) + aedat4_packet(0, frame + "xy")),
              "Zstandard: 2 bytes follow the end of the frame"));
    // An IMU payload in the event stream.
    std::string imus = aedat4_event_payload(first_packet);
    imus.replace(8, 4, "IMUS");
    CHECK(has(error_of("identifier", header + aedat4_packet(0, imus)),
              at_packets + "the payload of the event packet has the identifier \"IMUS\", expected \"EVTS\""));
    CHECK(has(error_of("payload", header + aedat4_packet(0, std::string("\x10\x00\x00\x00short", 9))),
              at_packets + "the payload of the event packet (9 bytes) is not a valid size-prefixed EventPacket"));
    CHECK(has(error_of("negative", header + aedat4_packet(0, aedat4_event_payload({{5, -1, 3, true}}))),
              "event #0 of the packet (t = 5 us) has the negative coordinates x = -1, y = 3"));
    // Time going backwards across packets, at the offset of the packet that does it: below the
    // previous event (times from the first event), and below the first event itself (Unix times).
    const auto one = [](std::int64_t t) { return aedat4_packet(0, aedat4_event_payload({{t, 1, 1, true}})); };
    CHECK(has(error_of("backwards", header + one(unix_us) + one(unix_us + 10) + one(unix_us + 5)),
              "AEDAT 4.0 at byte offset " + std::to_string(header.size() + 2 * one(0).size()) +
                  ": event #2 has timestamp 5 us, before the previous event's 10 us"));
    CHECK(has(error_of("before_first", header + one(unix_us) + one(unix_us - 3)),
              "AEDAT 4.0 at byte offset " + std::to_string(header.size() + one(0).size()) +
                  ": event #0 of the packet has timestamp 1605537493718342 us, before the first event's "
                  "1605537493718345 us"));
    // Outside the sensor the description gives (346 x 260).
    CHECK(has(error_of("outside", header + aedat4_packet(0, aedat4_event_payload({{5, 346, 3, true}}))),
              "aedat4: event #0 (t = 0 us, x = 346, y = 3, p = 1) lies outside the sensor of width 346, height 260"));
}

TEST_CASE("AEDAT 4.0: a spike_times population from a config file") {
    // 4 x 3 sensor: (1, 2, ON) is entry 1*12 + 2*4 + 1 = 21, (3, 0, OFF) is 3.
    const std::vector<aedat4_test_stream> small = {{0, "EVTS", 4, 3}};
    temp_file rec("a4_pop",
                  aedat4_header(1, aedat4_description(small)) +
                      aedat4_packet(0, aedat4_compress(aedat4_compression::lz4,
                                                       aedat4_event_payload({{unix_us + 40, 1, 2, true}}))) +
                      aedat4_packet(0, aedat4_compress(aedat4_compression::lz4,
                                                       aedat4_event_payload({{unix_us + 140, 3, 0, false}}))),
                  ".aedat4");
    const std::string text = "[run]\ndt = \"0.1 ms\"\nduration = \"1 ms\"\n[populations.cam]\nsize = 24\n"
                             "model = \"spike_times\"\nevents = { file = \"" + rec.name() + "\", format = \"aedat4\" }\n";
    const auto spec = parse_config_text(text, "aedat4.toml");
    const auto& arrays = spec.network.populations.at(0).arrays;
    CHECK(arrays.at("ids") == std::vector<double>{21, 3});
    CHECK(arrays.at("times") == std::vector<double>{0.0, 100e-6});
}

TEST_SUITE_END();
