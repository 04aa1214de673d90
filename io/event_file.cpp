#include "io/event_file.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "engine/base/errors.hpp"
#include "io/event_decoders.hpp"

namespace fluxon::io {

namespace event_detail {

void fail_file(const std::string& file, const std::string& message) {
    error_site site;
    site.file = file;
    throw io_error(message, site);
}

void fail_at(const std::string& file, std::string_view format, std::uint64_t offset, const std::string& message) {
    fail_file(file, fmt::format("{} at byte offset {}: {}", format, offset, message));
}

std::string lowered(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

text_header read_text_header(const std::string& file, std::string_view format, bytes_view bytes, char marker,
                             std::string_view last_line) {
    text_header header;
    std::size_t pos = 0;
    while (pos < bytes.size() && bytes[pos] == static_cast<unsigned char>(marker)) {
        const auto* begin = bytes.data() + pos;
        const auto* newline = std::find(begin, bytes.data() + bytes.size(), static_cast<unsigned char>('\n'));
        if (newline == bytes.data() + bytes.size())
            fail_at(file, format, pos, fmt::format("header line starting with '{}' has no end of line: the file is "
                                                   "truncated in its header", marker));
        std::string line(reinterpret_cast<const char*>(begin) + 1, reinterpret_cast<const char*>(newline));
        if (!line.empty() && line.back() == '\r') line.pop_back();
        pos = static_cast<std::size_t>(newline - bytes.data()) + 1;
        const bool last = !last_line.empty() && line == last_line;
        header.lines.push_back(std::move(line));
        if (last) break;
    }
    header.end = pos;
    return header;
}

namespace {

std::optional<std::uint32_t> parse_uint(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    std::uint32_t value = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc() || end == s.data()) return std::nullopt;
    return value;
}

// "... <key><sep><number>" anywhere in `line` (already lower-cased).
std::optional<std::uint32_t> number_after(std::string_view line, std::string_view key) {
    const std::size_t at = line.find(key);
    if (at == std::string_view::npos) return std::nullopt;
    return parse_uint(line.substr(at + key.size()));
}

}  // namespace

std::optional<sensor_size> header_geometry(const std::vector<std::string>& lines) {
    std::optional<std::uint32_t> width, height;
    for (const std::string& raw : lines) {
        const std::string line = lowered(raw);
        if (const std::size_t at = line.find("geometry"); at != std::string::npos) {
            // "geometry 640x480"
            const std::string_view rest = std::string_view(line).substr(at + 8);
            const std::size_t x = rest.find('x');
            if (x != std::string_view::npos) {
                const auto w = parse_uint(rest.substr(0, x));
                const auto h = parse_uint(rest.substr(x + 1));
                if (w && h) return sensor_size{*w, *h, 2};
            }
        }
        if (!width) width = number_after(line, "width=");
        if (!height) height = number_after(line, "height=");
        // "% Width 304" and "% Height 240" of .dat files
        std::string_view trimmed = line;
        while (!trimmed.empty() && trimmed.front() == ' ') trimmed.remove_prefix(1);
        if (trimmed.starts_with("width ")) width = parse_uint(trimmed.substr(6));
        if (trimmed.starts_with("height ")) height = parse_uint(trimmed.substr(7));
    }
    if (width && height && *width > 0 && *height > 0) return sensor_size{*width, *height, 2};
    return std::nullopt;
}

void event_sink::add(std::int64_t t, std::uint32_t x, std::uint32_t y, std::uint32_t p, std::uint64_t offset) {
    if (!out_.empty() && t < out_.back().t)
        fail_at(file_, format_, offset,
                fmt::format("event #{} has timestamp {} us, before the previous event's {} us: timestamps must not "
                            "go backwards",
                            out_.size(), t, out_.back().t));
    out_.push_back(camera_event{t, static_cast<std::uint16_t>(x), static_cast<std::uint16_t>(y),
                                static_cast<std::uint8_t>(p)});
}

std::uint32_t load_be32(const unsigned char* p) {
    return static_cast<std::uint32_t>(p[0]) << 24 | static_cast<std::uint32_t>(p[1]) << 16 |
           static_cast<std::uint32_t>(p[2]) << 8 | static_cast<std::uint32_t>(p[3]);
}

std::uint32_t load_le32(const unsigned char* p) {
    return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
           static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}

std::uint16_t load_le16(const unsigned char* p) {
    return static_cast<std::uint16_t>(static_cast<unsigned>(p[0]) | static_cast<unsigned>(p[1]) << 8);
}

}  // namespace event_detail

namespace {

using namespace event_detail;

constexpr std::pair<event_format, std::string_view> format_names[] = {
    {event_format::nmnist, "nmnist"}, {event_format::aedat2, "aedat2"}, {event_format::aedat3, "aedat3"},
    {event_format::aedat4, "aedat4"}, {event_format::prophesee_dat, "dat"}, {event_format::evt2, "evt2"},
    {event_format::evt3, "evt3"},
};

std::vector<unsigned char> read_whole_file(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) fail_file(path, "event file not found");
    if (std::filesystem::is_directory(path, ec)) fail_file(path, "is a directory, expected an event recording");
    std::ifstream in(path, std::ios::binary);
    if (!in) fail_file(path, "cannot open the event file for reading");
    const std::uintmax_t size = std::filesystem::file_size(path, ec);
    if (ec) fail_file(path, "cannot tell the size of the event file");
    std::vector<unsigned char> bytes(static_cast<std::size_t>(size));
    in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (static_cast<std::uintmax_t>(in.gcount()) != size) fail_file(path, "cannot read the whole event file");
    return bytes;
}

// The first line of a file, for formats that say their version there.
std::string first_line(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::string line;
    if (in) std::getline(in, line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

event_format aedat_version(const std::string& path) {
    const std::string line = first_line(path);
    if (line.starts_with("#!AER-DAT2")) return event_format::aedat2;
    if (line.starts_with("#!AER-DAT3")) return event_format::aedat3;
    if (line.starts_with("#!AER-DAT4")) return event_format::aedat4;
    fail_file(path, fmt::format("not an AEDAT file: the first line is \"{}\", expected \"#!AER-DAT2.0\", "
                                "\"#!AER-DAT3.1\" or \"#!AER-DAT4.0\"",
                                line.substr(0, 40)));
}

// A .raw file's header says its encoding: "% format EVT3;height=..", or "% evt 3.0" in older files.
event_format raw_version(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::string line;
    while (in && in.peek() == '%' && std::getline(in, line)) {
        const std::string l = lowered(line);
        const auto says = [&](std::string_view v) {
            return l.find("format " + std::string(v)) != std::string::npos;
        };
        if (says("evt21") || says("evt2.1") || l.find("evt 2.1") != std::string::npos)
            fail_file(path, "EVT 2.1 .raw files are not supported; fluxon reads EVT 2.0 and EVT 3.0");
        if (says("evt2") || l.find("evt 2.0") != std::string::npos) return event_format::evt2;
        if (says("evt3") || l.find("evt 3.0") != std::string::npos) return event_format::evt3;
    }
    fail_file(path, "the .raw header names no encoding: expected a line \"% format EVT2\" or \"% format EVT3\" "
                    "(or \"% evt 2.0\" / \"% evt 3.0\"); give format = \"evt2\" or \"evt3\"");
}

void check_inside_sensor(const event_recording& rec) {
    const sensor_size& s = rec.sensor;
    if (!s.known()) return;
    for (std::size_t i = 0; i < rec.events.size(); ++i) {
        const camera_event& e = rec.events[i];
        if (e.x >= s.width || e.y >= s.height || e.p >= s.polarities)
            fail_file(rec.file,
                      fmt::format("{}: event #{} (t = {} us, x = {}, y = {}, p = {}) lies outside the sensor of "
                                  "width {}, height {} and {} polarities; give the right sensor size",
                                  format_name(rec.format), i, e.t, e.x, e.y, e.p, s.width, s.height, s.polarities));
    }
}

}  // namespace

std::string_view format_name(event_format f) {
    for (const auto& [format, name] : format_names)
        if (format == f) return name;
    return "?";
}

std::optional<event_format> parse_format_name(std::string_view name) {
    for (const auto& [format, known] : format_names)
        if (known == name) return format;
    return std::nullopt;
}

std::string_view known_format_names() {
    return "\"nmnist\", \"aedat2\", \"aedat3\", \"aedat4\", \"dat\", \"evt2\", \"evt3\"";
}

std::optional<aer_sensor> parse_sensor_name(std::string_view name) {
    const std::string n = lowered(name);
    if (n == "dvs128") return aer_sensor::dvs128;
    if (n == "davis346") return aer_sensor::davis346;
    return std::nullopt;
}

event_format detect_event_format(const std::string& path) {
    const std::string extension = lowered(std::filesystem::path(path).extension().string());
    if (extension == ".bin") return event_format::nmnist;
    if (extension == ".aedat" || extension == ".aedat3" || extension == ".aedat2") return aedat_version(path);
    if (extension == ".aedat4") return event_format::aedat4;
    if (extension == ".dat") return event_format::prophesee_dat;
    if (extension == ".raw") return raw_version(path);
    fail_file(path, fmt::format("cannot tell the event format from the extension \"{}\": expected .bin (N-MNIST), "
                                ".aedat (AEDAT 2.0/3.1/4.0), .aedat4, .dat or .raw (Prophesee), or give format = one of {}",
                                extension, known_format_names()));
}

event_recording read_event_file(const std::string& path, const event_read_options& options) {
    event_recording rec;
    rec.file = path;
    const std::vector<unsigned char> bytes = read_whole_file(path);
    rec.format = options.format ? *options.format : detect_event_format(path);
    switch (rec.format) {
        case event_format::nmnist: decode_nmnist(bytes, rec); break;
        case event_format::aedat2: decode_aedat2(bytes, options.sensor, rec); break;
        case event_format::aedat3: decode_aedat3(bytes, rec); break;
        case event_format::prophesee_dat: decode_prophesee_dat(bytes, rec); break;
        case event_format::evt2: decode_evt2(bytes, rec); break;
        case event_format::evt3: decode_evt3(bytes, rec); break;
        case event_format::aedat4: decode_aedat4(bytes, rec); break;
    }
    if (options.size) rec.sensor = *options.size;
    check_inside_sensor(rec);
    return rec;
}

}  // namespace fluxon::io
