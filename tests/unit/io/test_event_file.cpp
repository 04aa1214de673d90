// Event-camera recordings: the two real samples in ../shared/data/events (from neuromorphs/tonic,
// GPL-3.0, used as test input only: see PROVENANCE.md there), small files of every other format
// built here byte by byte with values decoded by hand from the format's layout, malformed files,
// and the recording as a spike_times population and as input-layer frames.
#include <doctest/doctest.h>

#include "tests/unit/common/relative.hpp"

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "tests/unit/common/temp_file.hpp"
#include "tests/unit/io/event_file_errors.hpp"
#include "engine/base/errors.hpp"
#include "io/config.hpp"
#include "io/event_file.hpp"
#include "io/event_input.hpp"

using namespace fluxon;
using namespace fluxon::io;
using fluxon::test::temp_file;
using fluxon::test::has;
using fluxon::test::read_error;

TEST_SUITE_BEGIN("io");

namespace {

const std::string shared_events = std::string(FLUXON_SHARED_DIR) + "/data/events/";

std::string bytes(std::initializer_list<unsigned> values) {
    std::string out;
    for (const unsigned v : values) out.push_back(static_cast<char>(v));
    return out;
}

std::string be32(std::uint32_t v) { return bytes({v >> 24 & 0xFF, v >> 16 & 0xFF, v >> 8 & 0xFF, v & 0xFF}); }
std::string le32(std::uint32_t v) { return bytes({v & 0xFF, v >> 8 & 0xFF, v >> 16 & 0xFF, v >> 24 & 0xFF}); }
std::string le16(std::uint16_t v) { return bytes({v & 0xFFu, v >> 8 & 0xFFu}); }

// One N-MNIST record: x, y, p | ts[22:16], ts[15:8], ts[7:0].
std::string nmnist(unsigned x, unsigned y, unsigned p, std::uint32_t ts) {
    return bytes({x, y, p << 7 | (ts >> 16 & 0x7F), ts >> 8 & 0xFF, ts & 0xFF});
}

// An AEDAT 3.1 packet header: type, source, event size, ts offset, overflow, capacity, number, valid.
std::string aedat3_packet(std::int16_t type, std::int32_t overflow, std::int32_t capacity) {
    return le16(static_cast<std::uint16_t>(type)) + le16(1) + le32(8) + le32(4) + le32(static_cast<std::uint32_t>(overflow)) +
           le32(static_cast<std::uint32_t>(capacity)) + le32(static_cast<std::uint32_t>(capacity)) +
           le32(static_cast<std::uint32_t>(capacity));
}

camera_event ev(std::int64_t t, std::uint16_t x, std::uint16_t y, std::uint8_t p) { return {t, x, y, p}; }

}  // namespace

TEST_CASE("event files: the N-MNIST sample, decoded by hand from its bytes") {
    const event_recording rec = read_event_file(shared_events + "sample_nmnist.bin");
    CHECK(rec.format == event_format::nmnist);
    CHECK(rec.sensor == sensor_size{34, 34, 2});
    REQUIRE(rec.events.size() == 4325);
    CHECK(rec.skipped == 0);
    // First record 07 0f 80 02 8e: x 7, y 15, p 1, ts 0x00028e = 654.
    CHECK(rec.events.front() == ev(654, 7, 15, 1));
    // Last record 15 0e 84 bf 87: x 21, y 14, p 1, ts 0x04bf87 = 311175.
    CHECK(rec.events.back() == ev(311175, 21, 14, 1));
    std::size_t on = 0;
    for (const camera_event& e : rec.events) {
        CHECK(e.x <= 33);
        CHECK(e.y <= 33);
        on += e.p;
    }
    CHECK(on == 2145);
    CHECK(std::is_sorted(rec.events.begin(), rec.events.end(),
                         [](const camera_event& a, const camera_event& b) { return a.t < b.t; }));
}

TEST_CASE("event files: the N-CARS .dat sample, decoded by hand from its bytes") {
    const event_recording rec = read_event_file(shared_events + "sample_ncars.dat");
    CHECK(rec.format == event_format::prophesee_dat);
    CHECK_FALSE(rec.sensor.known());  // its header gives no geometry
    REQUIRE(rec.events.size() == 2009);
    // After the 91-byte header and the type/size bytes 00 08: t 00000000, a 00020019 ->
    // x 0x19 = 25, y 0x20019 >> 14 = 8, p 0.
    CHECK(rec.events.front() == ev(0, 25, 8, 0));
    // Last: t 00018670 = 99952, a 1007004b -> x 0x4b = 75, y 0x401c & 0x3fff = 28, p 1.
    CHECK(rec.events.back() == ev(99952, 75, 28, 1));
    std::uint16_t max_x = 0, max_y = 0;
    for (const camera_event& e : rec.events) {
        max_x = std::max(max_x, e.x);
        max_y = std::max(max_y, e.y);
    }
    CHECK(max_x == 77);
    CHECK(max_y == 41);
    // A size given by the caller is used, and checked.
    event_read_options options;
    options.size = sensor_size{120, 100, 2};
    CHECK(read_event_file(shared_events + "sample_ncars.dat", options).sensor == sensor_size{120, 100, 2});
    options.size = sensor_size{64, 64, 2};
    const std::string message = read_error(shared_events + "sample_ncars.dat", options);
    CHECK(has(message, "sample_ncars.dat"));
    CHECK(has(message, "outside the sensor"));
}

TEST_CASE("event files: N-MNIST overflow markers, out-of-sensor events and explicit format") {
    // y == 240 adds 2^13 to the timestamps after it and is dropped.
    temp_file f("ev_overflow", nmnist(1, 2, 1, 100) + nmnist(0, 240, 0, 0) + nmnist(3, 4, 0, 50), ".bin");
    const event_recording rec = read_event_file(f.name());
    REQUIRE(rec.events.size() == 2);
    CHECK(rec.events[0] == ev(100, 1, 2, 1));
    CHECK(rec.events[1] == ev(8192 + 50, 3, 4, 0));
    CHECK(rec.skipped == 1);

    temp_file wide("ev_wide", nmnist(40, 2, 1, 100), ".bin");
    const std::string message = read_error(wide.name());
    CHECK(has(message, wide.name()));
    CHECK(has(message, "event #0"));
    CHECK(has(message, "x = 40"));
    event_read_options options;
    options.size = sensor_size{64, 64, 2};
    CHECK(read_event_file(wide.name(), options).events.size() == 1);

    temp_file odd("ev_odd_name", nmnist(1, 1, 0, 7), ".events");
    CHECK(has(read_error(odd.name()), "cannot tell the event format"));
    options.format = event_format::nmnist;
    CHECK(read_event_file(odd.name(), options).events.front() == ev(7, 1, 1, 0));
}

TEST_CASE("event files: AEDAT 2.0 DVS128 and DAVIS346 addresses") {
    // DVS128 (header names it): x = a >> 8 & 0x7f, y = a >> 1 & 0x7f, p = a & 1; bit 15 external.
    const std::string dvs_header = "#!AER-DAT2.0\r\n# HardwareInterface: DVS128\r\n";
    temp_file dvs("ev_dvs128", dvs_header + be32(0x0515) + be32(100) + be32(0x8000) + be32(150) + be32(0x7F00) + be32(200),
                  ".aedat");
    const event_recording rec = read_event_file(dvs.name());
    CHECK(rec.format == event_format::aedat2);
    CHECK(rec.sensor == sensor_size{128, 128, 2});
    REQUIRE(rec.events.size() == 2);
    CHECK(rec.events[0] == ev(100, 5, 10, 1));
    CHECK(rec.events[1] == ev(200, 127, 0, 0));
    CHECK(rec.skipped == 1);

    // DAVIS346: column (a & 0x3ff000) >> 12 = 335 -> x 10, row (a & 0x7fc00000) >> 22 = 239 -> y 20,
    // p bit 11; bit 31 (APS) skipped.
    const std::string davis_header = "#!AER-DAT2.0\r\n# HardwareInterface: Davis346red\r\n";
    temp_file davis("ev_davis", davis_header + be32(0x3BD4F800) + be32(1000) + be32(0x80000123) + be32(1001) + be32(0) +
                                    be32(1002),
                    ".aedat");
    const event_recording d = read_event_file(davis.name());
    CHECK(d.sensor == sensor_size{346, 260, 2});
    REQUIRE(d.events.size() == 2);
    CHECK(d.events[0] == ev(1000, 10, 20, 1));
    CHECK(d.events[1] == ev(1002, 345, 259, 0));
    CHECK(d.skipped == 1);

    // Without a camera in the header, the option decides; without either, a named error.
    temp_file bare("ev_bare", std::string("#!AER-DAT2.0\r\n") + be32(0x0515) + be32(100), ".aedat");
    CHECK(has(read_error(bare.name()), "give sensor = \"dvs128\" or \"davis346\""));
    event_read_options options;
    options.sensor = aer_sensor::dvs128;
    CHECK(read_event_file(bare.name(), options).events.front() == ev(100, 5, 10, 1));

    // A column beyond the array: the address and the offset of its record (header is 14 bytes).
    temp_file bad("ev_davis_bad", std::string("#!AER-DAT2.0\r\n") + be32(400u << 12) + be32(5), ".aedat");
    options.sensor = aer_sensor::davis346;
    const std::string message = read_error(bad.name(), options);
    CHECK(has(message, "AEDAT 2.0 at byte offset 14"));
    CHECK(has(message, "column 400"));
}

TEST_CASE("event files: AEDAT 3.1 polarity packets, other packets skipped, timestamp overflow") {
    const std::string header = "#!AER-DAT3.1\r\n#Format: RAW\r\n#Source 1: DVS128\r\n#!END-HEADER\r\n";
    // data: x << 17 | y << 2 | p << 1 | valid.
    const std::string packets = aedat3_packet(1, 0, 3) + le32(3u << 17 | 4u << 2 | 1u << 1 | 1u) + le32(10) +
                                le32(7u << 17) + le32(11) +  // not valid
                                le32(127u << 17 | 127u << 2 | 1u) + le32(12) + aedat3_packet(2, 0, 1) + le32(0xFFFF) +
                                le32(13) +  // a special-event packet
                                aedat3_packet(1, 1, 1) + le32(1u << 17 | 2u << 2 | 1u) + le32(5);
    temp_file f("ev_aedat3", header + packets, ".aedat");
    const event_recording rec = read_event_file(f.name());
    CHECK(rec.format == event_format::aedat3);
    CHECK(rec.sensor == sensor_size{128, 128, 2});
    REQUIRE(rec.events.size() == 3);
    CHECK(rec.events[0] == ev(10, 3, 4, 1));
    CHECK(rec.events[1] == ev(12, 127, 127, 0));
    CHECK(rec.events[2] == ev((std::int64_t{1} << 31) + 5, 1, 2, 0));
    CHECK(rec.skipped == 2);

    // A packet promising 3 events with one present: the offset of its header.
    temp_file cut("ev_aedat3_cut", header + aedat3_packet(1, 0, 3) + le32(1) + le32(1), ".aedat");
    const std::string message = read_error(cut.name());
    CHECK(has(message, cut.name()));
    CHECK(has(message, "AEDAT 3.1 at byte offset " + std::to_string(header.size())));
    CHECK(has(message, "truncated packet"));
}

TEST_CASE("event files: EVT 2.0 words with the time high part") {
    const std::string header = "% evt 2.0\n% format EVT2\n% geometry 640x480\n% end\n";
    const std::string words = le32(0x10000000)    // CD_ON before any time high: no known time, skipped
                              + le32(0x80000010)  // EVT_TIME_HIGH 16: t = 16 << 6 = 1024 + low
                              + le32(0x114320C8)  // CD_ON low 5, x 100, y 200
                              + le32(0xA0000001)  // EXT_TRIGGER
                              + le32(0x0FD3F9DF);  // CD_OFF low 63, x 639, y 479
    temp_file f("ev_evt2", header + words, ".raw");
    const event_recording rec = read_event_file(f.name());
    CHECK(rec.format == event_format::evt2);
    CHECK(rec.sensor == sensor_size{640, 480, 2});
    REQUIRE(rec.events.size() == 2);
    CHECK(rec.events[0] == ev(1029, 100, 200, 1));
    CHECK(rec.events[1] == ev(1087, 639, 479, 0));
    CHECK(rec.skipped == 2);

    temp_file reserved("ev_evt2_reserved", header + le32(0x80000010) + le32(0x30000000), ".raw");
    const std::string message = read_error(reserved.name());
    CHECK(has(message, "EVT 2.0 at byte offset " + std::to_string(header.size() + 4)));
    CHECK(has(message, "reserved type 0x3"));

    temp_file cut("ev_evt2_cut", header + le32(0x80000010) + bytes({1, 2}), ".raw");
    CHECK(has(read_error(cut.name()), "EVT 2.0 at byte offset " + std::to_string(header.size() + 4) +
                                          ": truncated word: expected 4 bytes, 2 remain"));
}

TEST_CASE("event files: EVT 3.0 state machine, vectors and time wrap") {
    const std::string header = "% evt 3.0\n% format EVT3;height=720;width=1280\n% end\n";
    const std::string words = le16(0x2005)    // EVT_ADDR_X before any time: skipped
                              + le16(0x8001)  // TIME_HIGH 1
                              + le16(0x6010)  // TIME_LOW 16: t = 1 << 12 | 16 = 4112
                              + le16(0x012C)  // ADDR_Y 300
                              + le16(0x2807)  // ADDR_X x 7, p 1
                              + le16(0x3064)  // VECT_BASE_X x 100, p 0
                              + le16(0x4805)  // VECT_12 bits 0, 2, 11: x 100, 102, 111; base -> 112
                              + le16(0x5081)  // VECT_8 bits 0, 7: x 112, 119
                              + le16(0x6020)  // TIME_LOW 32
                              + le16(0x8000)  // TIME_HIGH 0 < 1: the 24-bit time wrapped
                              + le16(0x24FF)  // ADDR_X x 1279, p 0
                              + le16(0xA000);  // EXT_TRIGGER
    temp_file f("ev_evt3", header + words, ".raw");
    const event_recording rec = read_event_file(f.name());
    CHECK(rec.format == event_format::evt3);
    CHECK(rec.sensor == sensor_size{1280, 720, 2});
    const std::vector<camera_event> expected = {ev(4112, 7, 300, 1),   ev(4112, 100, 300, 0), ev(4112, 102, 300, 0),
                                                ev(4112, 111, 300, 0), ev(4112, 112, 300, 0), ev(4112, 119, 300, 0),
                                                ev((1 << 24) + 32, 1279, 300, 0)};
    CHECK(rec.events == expected);
    CHECK(rec.skipped == 2);

    temp_file cut("ev_evt3_cut", header + le16(0x8001) + bytes({7}), ".raw");
    CHECK(has(read_error(cut.name()), "EVT 3.0 at byte offset " + std::to_string(header.size() + 2)));
    temp_file nameless("ev_evt3_nameless", "% date today\n" + le16(0x8001), ".raw");
    CHECK(has(read_error(nameless.name()), "names no encoding"));
}

TEST_CASE("event files: truncated and malformed files name the file and the offset") {
    // 5-byte records: 7 bytes leave a 2-byte record #1 at offset 5.
    temp_file nm("ev_nm_cut", nmnist(1, 1, 0, 7) + bytes({1, 2}), ".bin");
    std::string message = read_error(nm.name());
    CHECK(has(message, nm.name()));
    CHECK(has(message, "N-MNIST .bin at byte offset 5: truncated record #1"));

    // Time going backwards: the second record, at offset 5.
    temp_file back("ev_nm_back", nmnist(1, 1, 0, 700) + nmnist(2, 2, 0, 600), ".bin");
    message = read_error(back.name());
    CHECK(has(message, "byte offset 5"));
    CHECK(has(message, "event #1 has timestamp 600 us, before the previous event's 700 us"));

    const std::string dat_header = "% Data file containing Event2D events.\n% Version 2\n";
    temp_file dat("ev_dat_cut", dat_header + bytes({0, 8}) + le32(5) + le32(1) + bytes({1, 2, 3}), ".dat");
    CHECK(has(read_error(dat.name()), "Prophesee .dat at byte offset " + std::to_string(dat_header.size() + 10) +
                                          ": truncated event #1"));
    temp_file dat_type("ev_dat_type", dat_header + bytes({2, 16}), ".dat");
    CHECK(has(read_error(dat_type.name()), "event type 2 of size 16 bytes"));
    temp_file dat_p("ev_dat_pol", dat_header + bytes({0, 8}) + le32(5) + le32(3u << 28), ".dat");
    CHECK(has(read_error(dat_p.name()), "polarity field 3 of event #0"));

    const std::string aedat_header = "#!AER-DAT2.0\r\n# DVS128\r\n";
    temp_file a2("ev_a2_cut", aedat_header + be32(0x0515) + be32(1) + bytes({0, 0, 1}), ".aedat");
    CHECK(has(read_error(a2.name()), "AEDAT 2.0 at byte offset " + std::to_string(aedat_header.size() + 8) +
                                         ": truncated event #1"));
    temp_file header_cut("ev_a2_header", "#!AER-DAT2.0\r\n# no end", ".aedat");
    CHECK(has(read_error(header_cut.name()), "byte offset 14: header line starting with '#' has no end of line"));
    temp_file a4("ev_a4", "#!AER-DAT4.0\r\n", ".aedat4");
    CHECK(has(read_error(a4.name()), "AEDAT 4.0 at byte offset 14: truncated: expected the 4-byte size of the IOHeader"));
    CHECK(has(read_error("/nonexistent/rec.bin"), "event file not found"));
}

namespace {

// W = 4, H = 3: (t 10, x 1, y 2, ON) is entry 1*12 + 2*4 + 1 = 21; (t 20, x 3, y 0, OFF) is 3;
// (t 30) repeats entry 21 in the same 0.1 ms step as t 10; (t 150) is entry 21 again, later.
std::string small_recording() {
    return nmnist(1, 2, 1, 10) + nmnist(3, 0, 0, 20) + nmnist(1, 2, 1, 30) + nmnist(1, 2, 1, 150);
}

net::experiment_spec population_config(const temp_file& rec, int size, const std::string& extra) {
    const std::string text = "[run]\ndt = \"0.1 ms\"\nduration = \"1 ms\"\n[populations.cam]\nsize = " +
                             std::to_string(size) + "\nmodel = \"spike_times\"\nevents = { file = \"" + rec.name() +
                             "\", sensor_size = [4, 3]" + extra + " }\n";
    return parse_config_text(text, "events.toml");
}

std::string config_error_of(const temp_file& rec, int size, const std::string& extra) {
    try {
        population_config(rec, size, extra);
    } catch (const config_error& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST_CASE("event inputs: a spike_times population from a recording (index, crop, downsample, merge, window)") {
    temp_file rec("ev_pop", small_recording(), ".bin");
    {
        const auto spec = population_config(rec, 24, "");
        const auto& arrays = spec.network.populations.at(0).arrays;
        // The repeat at 30 us falls in step 1 with the event at 10 us: the first is kept.
        CHECK(arrays.at("ids") == std::vector<double>{21, 3, 21});
        CHECK(arrays.at("times") == std::vector<double>{10e-6, 20e-6, 150e-6});
    }
    {  // crop x0 1, y0 0, 3 x 3: (1,2,ON) -> (0,2) -> 9 + 6 + 0 = 15; (3,0,OFF) -> (2,0) -> 2
        const auto spec = population_config(rec, 18, ", crop = [1, 0, 3, 3]");
        CHECK(spec.network.populations.at(0).arrays.at("ids") == std::vector<double>{15, 2, 15});
    }
    {  // downsample 2: 2 x 2 (ceil 3 / 2); (1,2,ON) -> (0,1) -> 4 + 2 + 0 = 6; (3,0,OFF) -> (1,0) -> 1
        const auto spec = population_config(rec, 8, ", downsample = 2");
        CHECK(spec.network.populations.at(0).arrays.at("ids") == std::vector<double>{6, 1, 6});
    }
    {  // merge_polarity: P = 1; (1,2) -> 9, (3,0) -> 3
        const auto spec = population_config(rec, 12, ", merge_polarity = true");
        CHECK(spec.network.populations.at(0).arrays.at("ids") == std::vector<double>{9, 3, 9});
    }
    {  // start 15 us drops t 10; times from start plus offset 1 ms; stop 100 us drops t 150
        const auto spec = population_config(rec, 24, ", start = \"15 us\", stop = \"100 us\", offset = \"1 ms\"");
        const auto& arrays = spec.network.populations.at(0).arrays;
        CHECK(arrays.at("ids") == std::vector<double>{3, 21});
        REQUIRE(arrays.at("times").size() == 2);
        CHECK(arrays.at("times")[0] == fluxon::test::approx(1e-3 + 5e-6).epsilon(1e-12));
        CHECK(arrays.at("times")[1] == fluxon::test::approx(1e-3 + 15e-6).epsilon(1e-12));
    }
}

TEST_CASE("event inputs: population errors name the key and the numbers") {
    temp_file rec("ev_pop_err", small_recording(), ".bin");
    std::string message = config_error_of(rec, 20, "");
    CHECK(has(message, "key 'populations.cam.size'"));
    CHECK(has(message, "size is 20 but the recording"));
    CHECK(has(message, "gives 24 inputs (P x H x W = 2 x 3 x 4"));

    message = config_error_of(rec, 24, ", on_same_step = \"error\"");
    CHECK(has(message, "key 'populations.cam.events.file'"));
    CHECK(has(message, "event #2 of the selection (t = 30 us from start) falls in step 1"));

    message = config_error_of(rec, 24, ", crop = [2, 0, 3, 3]");
    CHECK(has(message, "does not fit inside the sensor of 4 x 3"));
    message = config_error_of(rec, 24, ", format = \"mp4\"");
    CHECK(has(message, "key 'populations.cam.events.format'"));
    CHECK(has(message, "unknown event format \"mp4\""));
    message = config_error_of(rec, 24, ", colour = 1");
    CHECK(has(message, "colour"));
    message = config_error_of(rec, 24, ", start = \"1.5 us\"");
    CHECK(has(message, "not a whole number of microseconds"));

    // The file's own errors keep its name and offset, at the key.
    temp_file cut("ev_pop_cut", small_recording() + bytes({1}), ".bin");
    message = config_error_of(cut, 24, "");
    CHECK(has(message, "key 'populations.cam.events.file'"));
    CHECK(has(message, cut.name()));
    CHECK(has(message, "byte offset 20"));
}

TEST_CASE("event inputs: input-layer frames count events per entry per step of dt") {
    temp_file rec("ev_frames", small_recording() + nmnist(1, 2, 1, 155), ".bin");
    const auto frames_of = [&](const std::string& extra) {
        const std::string text = "[run]\ndt = \"10 us\"\n[layers.x]\nkind = \"input\"\ndata = { events = \"" +
                                 rec.name() + "\", sensor_size = [4, 3]" + extra + " }\n";
        return parse_config_text(text, "frames.toml").network.layers.at(0).arrays.at("data");
    };
    const tensor t = frames_of("");
    // Frames of 10 us: t 10 -> 1, 20 -> 2, 30 -> 3, 150 and 155 -> 15; 16 frames [16, 2, 3, 4].
    CHECK(t.shape == std::vector<std::int64_t>{16, 2, 3, 4});
    const auto at = [&](std::size_t frame, std::size_t entry) { return t.values.at(frame * 24 + entry); };
    CHECK(at(1, 21) == 1);
    CHECK(at(2, 3) == 1);
    CHECK(at(3, 21) == 1);
    CHECK(at(15, 21) == 2);
    double total = 0;
    for (const double v : t.values) total += v;
    CHECK(total == 5);

    // stop fixes the number of frames: 100 us / 10 us = 10; later events are left out.
    const tensor cut = frames_of(", stop = \"100 us\", merge_polarity = true");
    CHECK(cut.shape == std::vector<std::int64_t>{10, 1, 3, 4});
    double kept = 0;
    for (const double v : cut.values) kept += v;
    CHECK(kept == 3);
}

TEST_SUITE_END();
