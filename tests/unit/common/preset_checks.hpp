#pragma once
// What the preset-reader tests share: locating lines, editing a valid preset into a broken one,
// and checking the config_error it gives.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <string_view>

#include "engine/base/errors.hpp"

namespace fluxon::test {

// 1-based line of the first line containing `needle`, so tests do not hard-code line numbers.
inline int line_of(const std::string& text, std::string_view needle) {
    const std::size_t at = text.find(needle);
    REQUIRE(at != std::string::npos);
    return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
}

// `text` with the first `from` replaced by `to`.
inline std::string edited(std::string text, std::string_view from, std::string_view to) {
    const std::size_t at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
    return text;
}

// parse(text, "test.toml") must fail with a config_error at `key`, on the line holding
// `line_needle`, whose message contains `message`.
template <class Parse>
void check_config_error(Parse parse, const std::string& text, const std::string& key, std::string_view line_needle,
                        std::string_view message) {
    try {
        parse(text, "test.toml");
        FAIL("expected a config_error at ", key);
    } catch (const config_error& e) {
        CHECK(e.site().file == "test.toml");
        CHECK(e.site().key == key);
        CHECK(e.site().line == line_of(text, line_needle));
        CHECK_MESSAGE(e.detail().find(message) != std::string::npos, e.what());
    }
}

}  // namespace fluxon::test
