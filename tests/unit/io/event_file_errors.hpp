#pragma once
// For the event-file tests: the message reading a file raises.
#include <string>

#include "engine/base/errors.hpp"
#include "io/event_file.hpp"

namespace fluxon::test {

// The message of the io_error reading `path` raises, or "no error".
inline std::string read_error(const std::string& path, const io::event_read_options& options = {}) {
    try {
        io::read_event_file(path, options);
    } catch (const io_error& e) {
        return e.what();
    }
    return "no error";
}

inline bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace fluxon::test
