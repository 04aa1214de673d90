#pragma once
// AEDAT 4.0 files for the tests, built with the FlatBuffers builder from the flatc-generated code
// of io/schemas and compressed with liblz4's and libzstd's own frame writers: the reader is
// tested against files whose every byte comes from these libraries, not from the reader.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fluxon::test {

// IOHeader compression values (docs.inivation.com, "AEDAT 4.0").
enum class aedat4_compression : std::int32_t { none = 0, lz4 = 1, lz4_high = 2, zstd = 3, zstd_high = 4 };

struct aedat4_test_stream {
    std::int32_t id = 0;
    std::string type;  // "EVTS", "FRME", "IMUS", "TRIG"
    std::optional<std::uint32_t> width, height;
};

struct aedat4_test_event {
    std::int64_t t = 0;
    std::int16_t x = 0, y = 0;
    bool on = false;
};

// DV's XML description: <dv version="2.0"><node name="outInfo"> with one node per stream.
std::string aedat4_description(const std::vector<aedat4_test_stream>& streams);
// "#!AER-DAT4.0\r\n" and the size-prefixed IOHeader. `compression` is an int32 so that tests
// can write values that are not in the enum.
std::string aedat4_header(std::int32_t compression, const std::string& description, std::int64_t data_table = -1);
// A size-prefixed EventPacket FlatBuffer ("EVTS").
std::string aedat4_event_payload(const std::vector<aedat4_test_event>& events);
// `payload` as one LZ4 or Zstandard frame (unchanged for none).
std::string aedat4_compress(aedat4_compression compression, const std::string& payload);
// [int32 stream id][int32 size][body], little-endian.
std::string aedat4_packet(std::int32_t stream, const std::string& body);

}  // namespace fluxon::test
