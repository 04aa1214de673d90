#pragma once
// The streams an AEDAT 4.0 file declares: the XML description in its IOHeader (DV's infoNode),
// <dv><node name="outInfo"><node name="ID"> with <attr key="typeIdentifier">EVTS</attr> and an
// <node name="info"> holding sizeX and sizeY. Parsed with expat (Debian's libexpat1-dev).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fluxon::io {

struct aedat4_stream {
    std::int32_t id = 0;
    std::string type;                       // the four-character identifier: EVTS, FRME, IMUS, TRIG, ...
    std::optional<std::uint32_t> width, height;  // info/sizeX and info/sizeY, where given
};

// Fills `streams` in the order the description lists them, or returns what is wrong with it
// (XML that does not parse, with its line; no outInfo node; a stream without an integer id or a
// typeIdentifier; an id given twice; a size that is not a positive integer).
std::optional<std::string> parse_aedat4_description(std::string_view xml, std::vector<aedat4_stream>& streams);

}  // namespace fluxon::io
