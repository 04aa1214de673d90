#pragma once
// The one exception hierarchy of fluxon. User errors (bad config, bad files, bad arguments)
// carry structured fields so that the CLI and the Python layer can point at the culprit
// without parsing messages; internal errors mean a bug in fluxon.
#include <stdexcept>
#include <string>

namespace fluxon {

// Where a user error comes from. Every field is optional; empty means "not applicable".
struct error_site {
    std::string file;      // config, data or run file
    int line = 0;          // 1-based line in `file`, 0 when unknown
    std::string key;       // dotted config key, e.g. "populations.exc.params.tau_m"
    std::string node;      // network node (population, source, projection) name
    std::string resource;  // hardware resource that did not fit (mappers)
};

class error : public std::runtime_error {
public:
    error(const std::string& what, error_site site);
    const error_site& site() const noexcept { return site_; }
    // The bare message without the site prefix.
    const std::string& detail() const noexcept { return detail_; }

private:
    error_site site_;
    std::string detail_;
};

// Bad input from the user: the run is refused with a message naming the culprit.
class user_error : public error {
public:
    using error::error;
};

// A config file (or its Python equivalent) is malformed: unknown key, wrong type, bad value.
class config_error : public user_error {
public:
    using user_error::user_error;
};

// The network is inconsistent: unknown node, shape mismatch, impossible connectivity.
class network_error : public user_error {
public:
    using user_error::user_error;
};

// A file could not be read or written, or its content is not what was expected.
class io_error : public user_error {
public:
    using user_error::user_error;
};

// A time or quantity cannot be represented (below the time base, or overflowing it).
class time_error : public user_error {
public:
    using user_error::user_error;
};

// A bug in fluxon: an invariant did not hold.
class internal_error : public error {
public:
    explicit internal_error(const std::string& what) : error(what, {}) {}
};

// Formats "file:line: key 'k': node 'n': message" from the fields that are set.
std::string format_error(const std::string& what, const error_site& site);

}  // namespace fluxon
