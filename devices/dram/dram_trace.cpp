#include "devices/dram/dram_trace.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <memory>
#include <string_view>

#include <fmt/format.h>

#include "engine/base/errors.hpp"

namespace fluxon {
namespace {

constexpr std::string_view line_form = "'<address> <READ|WRITE> <cycle>'";

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

// The line as quoted in errors: trimmed, and cut short so that a binary file does not flood
// the message.
std::string quoted(std::string_view line) {
    while (!line.empty() && is_space(line.front())) line.remove_prefix(1);
    while (!line.empty() && is_space(line.back())) line.remove_suffix(1);
    constexpr std::size_t longest = 80;
    if (line.size() > longest) return fmt::format("'{}...'", line.substr(0, longest));
    return fmt::format("'{}'", line);
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) {
               return lower(x) == lower(y);
           });
}

// A whole token as an unsigned number in `base`; false when it is not one or overflows.
bool parse_whole(std::string_view token, int base, std::uint64_t& value, bool& overflow) {
    const char* end = token.data() + token.size();
    const auto [stop, ec] = std::from_chars(token.data(), end, value, base);
    overflow = ec == std::errc::result_out_of_range;
    return !token.empty() && ec == std::errc{} && stop == end;
}

class trace_parser {
public:
    trace_parser(const std::string& path, std::uint64_t capacity, dram_clock last_cycle)
        : path_(path), capacity_(capacity), last_cycle_(last_cycle) {}

    // Parses one line (without its '\n'); appends its request, if it holds one.
    void line(std::string_view text, int number, std::vector<dram_request>& out) {
        line_ = number;
        std::array<std::string_view, 3> tokens;
        std::size_t count = 0;
        std::size_t at = 0;
        while (true) {
            while (at < text.size() && is_space(text[at])) ++at;
            if (at == text.size()) break;
            if (count == 0 && text[at] == '#') return;
            const std::size_t start = at;
            while (at < text.size() && !is_space(text[at])) ++at;
            if (count == tokens.size()) fail(text, "more than three fields");
            tokens[count++] = text.substr(start, at - start);
        }
        if (count == 0) return;
        if (count < tokens.size()) fail(text, fmt::format("only {} field{}", count, count == 1 ? "" : "s"));

        dram_request request;
        request.address = address(text, tokens[0]);
        request.write = op(text, tokens[1]);
        request.arrival = cycle(text, tokens[2]);
        out.push_back(request);
    }

private:
    [[noreturn]] void fail(std::string_view text, std::string_view why) const {
        error_site site;
        site.file = path_;
        site.line = line_;
        throw io_error(fmt::format("expected {}, got {}: {}", line_form, quoted(text), why), site);
    }

    [[noreturn]] void fail_plain(const std::string& message) const {
        error_site site;
        site.file = path_;
        site.line = line_;
        throw io_error(message, site);
    }

    std::uint64_t address(std::string_view text, std::string_view token) const {
        const bool hex = token.size() > 1 && token[0] == '0' && (token[1] == 'x' || token[1] == 'X');
        std::uint64_t value = 0;
        bool overflow = false;
        if (!parse_whole(hex ? token.substr(2) : token, hex ? 16 : 10, value, overflow)) {
            if (overflow) {
                fail_plain(fmt::format("address {} does not fit in 64 bits; the memory holds {} bytes "
                                       "(0x{:x})",
                                       token, capacity_, capacity_));
            }
            fail(text, fmt::format("'{}' is not an address: hex with 0x, or decimal", token));
        }
        if (value >= capacity_) {
            fail_plain(fmt::format("address 0x{:x} ({}) is not below the memory's capacity of {} bytes "
                                   "(0x{:x})",
                                   value, value, capacity_, capacity_));
        }
        return value;
    }

    bool op(std::string_view text, std::string_view token) const {
        if (equal_ignoring_case(token, "read") || equal_ignoring_case(token, "r")) return false;
        if (equal_ignoring_case(token, "write") || equal_ignoring_case(token, "w")) return true;
        fail(text, fmt::format("'{}' is not an operation: READ, WRITE, R or W", token));
    }

    dram_clock cycle(std::string_view text, std::string_view token) {
        std::uint64_t value = 0;
        bool overflow = false;
        constexpr auto largest = static_cast<std::uint64_t>(std::numeric_limits<dram_clock>::max());
        if (!parse_whole(token, 10, value, overflow) || value > largest) {
            const std::string_view why = token.starts_with('-') ? "it must not be negative"
                                         : overflow || value > largest
                                             ? "it is too large"
                                             : "it must be a whole number of DRAM clocks";
            fail(text, fmt::format("'{}' is not a cycle: {}", token, why));
        }
        const auto clock = static_cast<dram_clock>(value);
        if (clock > last_cycle_) {
            fail_plain(fmt::format("cycle {} is beyond cycle {}, the last a run can reach at this memory's clock "
                                   "(2^62 ps, about 53 days; docs/dram.md)",
                                   clock, last_cycle_));
        }
        if (previous_line_ > 0 && clock < previous_) {
            fail_plain(fmt::format(
                "cycle {} is before cycle {} on line {}: requests must be in arrival order", clock,
                previous_, previous_line_));
        }
        previous_ = clock;
        previous_line_ = line_;
        return clock;
    }

    const std::string& path_;
    std::uint64_t capacity_;
    dram_clock last_cycle_;
    int line_ = 0;
    dram_clock previous_ = 0;
    int previous_line_ = 0;  // 0: no request yet
};

std::string read_all(const std::string& path) {
    error_site site;
    site.file = path;
    // One read of the whole file: a trace may hold millions of lines.
    const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
    if (!file) throw io_error("cannot open the DRAM trace file", site);
    // Sized up front: growing the string as it fills would copy a large trace several times.
    std::error_code ec;
    const std::uintmax_t size = std::filesystem::file_size(path, ec);
    std::string text(ec ? 0 : static_cast<std::size_t>(size), '\0');
    text.resize(std::fread(text.data(), 1, text.size(), file.get()));
    // Whatever the size did not announce (a pipe, a file still growing) follows in chunks.
    std::array<char, 1 << 16> chunk;
    while (!std::ferror(file.get()) && !std::feof(file.get())) {
        const std::size_t got = std::fread(chunk.data(), 1, chunk.size(), file.get());
        text.append(chunk.data(), got);
    }
    if (std::ferror(file.get())) throw io_error("cannot read the DRAM trace file (is it a directory?)", site);
    return text;
}

}  // namespace

std::vector<dram_request> read_dram_trace(const std::string& path, std::uint64_t capacity_bytes, dram_clock last_cycle) {
    const std::string text = read_all(path);
    std::vector<dram_request> requests;
    requests.reserve(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
    trace_parser parser(path, capacity_bytes, last_cycle);
    std::string_view rest = text;
    int number = 0;
    while (!rest.empty()) {
        ++number;
        const std::size_t end = rest.find('\n');
        parser.line(rest.substr(0, end), number, requests);
        rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    }
    return requests;
}

dram_clock last_trace_cycle(double tck) {
    const double cycles = std::floor(0x1p62 * 1e-12 / tck);
    return cycles >= 0x1p63 ? std::numeric_limits<dram_clock>::max() : static_cast<dram_clock>(cycles);
}

}  // namespace fluxon
