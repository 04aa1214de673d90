#include "io/aedat4_description.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <memory>

#include <expat.h>
#include <fmt/format.h>

namespace fluxon::io {
namespace {

// One open element: its tag and its "name" (for <node>) or "key" (for <attr>) attribute.
struct open_element {
    std::string tag, name;
};

struct parse_state {
    XML_Parser parser = nullptr;
    std::vector<open_element> path;
    std::string text;  // the character data of the <attr> being read
    bool saw_out_info = false;
    std::vector<aedat4_stream>& streams;
    std::optional<std::string> error;

    void stop(std::string message) {
        if (!error)
            error = fmt::format("line {}: {}", XML_GetCurrentLineNumber(parser), std::move(message));
        XML_StopParser(parser, XML_FALSE);
    }
    bool at(std::size_t depth, std::string_view tag) const { return path.size() == depth && path.back().tag == tag; }
    // Inside <dv><node name="outInfo"> at depth 2 and below.
    bool in_out_info() const {
        return path.size() >= 2 && path[0].tag == "dv" && path[1].tag == "node" && path[1].name == "outInfo";
    }
};

std::string attribute(const XML_Char** attributes, std::string_view wanted) {
    for (const XML_Char** a = attributes; a[0] != nullptr; a += 2)
        if (wanted == a[0]) return a[1];
    return {};
}

template <typename T>
std::optional<T> parse_integer(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\t' || s.front() == '\r'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    T value{};
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return value;
}

void XMLCALL on_start(void* data, const XML_Char* tag, const XML_Char** attributes) {
    auto& state = *static_cast<parse_state*>(data);
    open_element element{tag, attribute(attributes, std::string_view(tag) == "attr" ? "key" : "name")};
    state.text.clear();
    if (state.path.empty() && element.tag != "dv") {
        state.stop(fmt::format("the root element is <{}>, expected <dv>", element.tag));
        return;
    }
    state.path.push_back(std::move(element));
    if (!state.in_out_info()) return;
    if (state.at(2, "node")) state.saw_out_info = true;
    if (state.path.size() == 3 && state.path[2].tag == "node") {
        const auto id = parse_integer<std::int32_t>(state.path[2].name);
        if (!id || *id < 0) {
            state.stop(fmt::format("stream node name \"{}\" is not a stream id (an integer >= 0)", state.path[2].name));
            return;
        }
        for (const aedat4_stream& s : state.streams)
            if (s.id == *id) {
                state.stop(fmt::format("stream id {} is declared twice", *id));
                return;
            }
        state.streams.push_back(aedat4_stream{*id, {}, {}, {}});
    }
}

void XMLCALL on_text(void* data, const XML_Char* text, int length) {
    auto& state = *static_cast<parse_state*>(data);
    if (!state.path.empty() && state.path.back().tag == "attr") state.text.append(text, static_cast<std::size_t>(length));
}

void XMLCALL on_end(void* data, const XML_Char*) {
    auto& state = *static_cast<parse_state*>(data);
    if (state.in_out_info() && state.path.size() >= 4 && state.path.back().tag == "attr" &&
        state.path[2].tag == "node") {
        aedat4_stream& stream = state.streams.back();
        const std::string& key = state.path.back().name;
        if (state.path.size() == 4 && key == "typeIdentifier") {
            stream.type = state.text;
        } else if (state.path.size() == 5 && state.path[3].tag == "node" && state.path[3].name == "info" &&
                   (key == "sizeX" || key == "sizeY")) {
            const auto size = parse_integer<std::uint32_t>(state.text);
            if (!size || *size == 0 || *size > 65535) {
                state.stop(fmt::format("stream {}: {} is \"{}\", expected an integer from 1 to 65535", stream.id, key,
                                       state.text));
                return;
            }
            (key == "sizeX" ? stream.width : stream.height) = *size;
        }
    }
    state.path.pop_back();
    state.text.clear();
}

}  // namespace

std::optional<std::string> parse_aedat4_description(std::string_view xml, std::vector<aedat4_stream>& streams) {
    streams.clear();
    const std::unique_ptr<std::remove_pointer_t<XML_Parser>, decltype(&XML_ParserFree)> parser(
        XML_ParserCreate(nullptr), &XML_ParserFree);
    if (!parser) return std::string("cannot create an XML parser");
    parse_state state{parser.get(), {}, {}, false, streams, std::nullopt};
    XML_SetUserData(parser.get(), &state);
    XML_SetElementHandler(parser.get(), on_start, on_end);
    XML_SetCharacterDataHandler(parser.get(), on_text);
    // The description may carry a terminating NUL (DV writes C strings); expat would call it
    // junk after the document.
    while (!xml.empty() && xml.back() == '\0') xml.remove_suffix(1);
    if (xml.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
        return std::string("the description is too long");
    const XML_Status status = XML_Parse(parser.get(), xml.data(), static_cast<int>(xml.size()), XML_TRUE);
    if (state.error) return state.error;
    if (status != XML_STATUS_OK)
        return fmt::format("line {}: {}", XML_GetCurrentLineNumber(parser.get()),
                           XML_ErrorString(XML_GetErrorCode(parser.get())));
    if (!state.saw_out_info) return std::string("no <node name=\"outInfo\"> listing the streams");
    for (const aedat4_stream& s : streams)
        if (s.type.empty()) return fmt::format("stream {} has no typeIdentifier", s.id);
    return std::nullopt;
}

}  // namespace fluxon::io
