#include "tests/unit/io/aedat4_writer.hpp"

#include <stdexcept>

#include <fmt/format.h>
#include <lz4frame.h>
#include <lz4hc.h>
#include <zstd.h>

#include "io/schemas/aedat4_events_generated.h"
#include "io/schemas/aedat4_header_generated.h"

namespace fluxon::test {
namespace {

std::string le32(std::uint32_t v) {
    return {static_cast<char>(v & 0xFF), static_cast<char>(v >> 8 & 0xFF), static_cast<char>(v >> 16 & 0xFF),
            static_cast<char>(v >> 24 & 0xFF)};
}

std::string bytes_of(const flatbuffers::FlatBufferBuilder& builder) {
    return std::string(reinterpret_cast<const char*>(builder.GetBufferPointer()), builder.GetSize());
}

}  // namespace

std::string aedat4_description(const std::vector<aedat4_test_stream>& streams) {
    std::string xml = "<dv version=\"2.0\">\n    <node name=\"outInfo\" path=\"/mainloop/Recorder/outInfo/\">\n";
    for (const aedat4_test_stream& s : streams) {
        xml += fmt::format("        <node name=\"{0}\" path=\"/mainloop/Recorder/outInfo/{0}/\">\n", s.id);
        xml += "            <attr key=\"compression\" type=\"string\">LZ4</attr>\n";
        xml += fmt::format("            <attr key=\"typeIdentifier\" type=\"string\">{}</attr>\n", s.type);
        xml += fmt::format("            <node name=\"info\" path=\"/mainloop/Recorder/outInfo/{}/info/\">\n", s.id);
        if (s.width) xml += fmt::format("                <attr key=\"sizeX\" type=\"int\">{}</attr>\n", *s.width);
        if (s.height) xml += fmt::format("                <attr key=\"sizeY\" type=\"int\">{}</attr>\n", *s.height);
        xml += "                <attr key=\"tsOffset\" type=\"long\">1605507430438338</attr>\n";
        xml += "            </node>\n        </node>\n";
    }
    return xml + "    </node>\n</dv>\n";
}

std::string aedat4_header(std::int32_t compression, const std::string& description, std::int64_t data_table) {
    flatbuffers::FlatBufferBuilder builder;
    const auto text = builder.CreateString(description);
    builder.FinishSizePrefixed(
        io::aedat4::CreateIOHeader(builder, static_cast<io::aedat4::Compression>(compression), data_table, text),
        io::aedat4::IOHeaderIdentifier());
    return "#!AER-DAT4.0\r\n" + bytes_of(builder);
}

std::string aedat4_event_payload(const std::vector<aedat4_test_event>& events) {
    std::vector<io::aedat4::Event> structs;
    for (const aedat4_test_event& e : events) structs.emplace_back(e.t, e.x, e.y, e.on);
    flatbuffers::FlatBufferBuilder builder;
    const auto elements = builder.CreateVectorOfStructs(structs);
    builder.FinishSizePrefixed(io::aedat4::CreateEventPacket(builder, elements), io::aedat4::EventPacketIdentifier());
    return bytes_of(builder);
}

std::string aedat4_compress(aedat4_compression compression, const std::string& payload) {
    switch (compression) {
        case aedat4_compression::none: return payload;
        case aedat4_compression::lz4:
        case aedat4_compression::lz4_high: {
            LZ4F_preferences_t preferences{};
            preferences.compressionLevel = compression == aedat4_compression::lz4_high ? LZ4HC_CLEVEL_DEFAULT : 0;
            std::string out(LZ4F_compressFrameBound(payload.size(), &preferences), '\0');
            const std::size_t n = LZ4F_compressFrame(out.data(), out.size(), payload.data(), payload.size(), &preferences);
            if (LZ4F_isError(n)) throw std::runtime_error(LZ4F_getErrorName(n));
            out.resize(n);
            return out;
        }
        case aedat4_compression::zstd:
        case aedat4_compression::zstd_high: {
            std::string out(ZSTD_compressBound(payload.size()), '\0');
            const int level = compression == aedat4_compression::zstd_high ? 19 : 3;
            const std::size_t n = ZSTD_compress(out.data(), out.size(), payload.data(), payload.size(), level);
            if (ZSTD_isError(n)) throw std::runtime_error(ZSTD_getErrorName(n));
            out.resize(n);
            return out;
        }
    }
    throw std::logic_error("unknown compression");
}

std::string aedat4_packet(std::int32_t stream, const std::string& body) {
    return le32(static_cast<std::uint32_t>(stream)) + le32(static_cast<std::uint32_t>(body.size())) + body;
}

}  // namespace fluxon::test
