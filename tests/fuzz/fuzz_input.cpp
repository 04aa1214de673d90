#include "fuzz_input.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace fluxon::fuzz {

namespace {

// The scratch directory, removed when the process exits normally.
class scratch {
public:
    scratch() {
        const char* tmp = std::getenv("TMPDIR");
        dir_ = std::filesystem::path(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") /
               ("fluxon-fuzz-" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir_);
    }
    ~scratch() {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    scratch(const scratch&) = delete;
    scratch& operator=(const scratch&) = delete;
    const std::filesystem::path& dir() const { return dir_; }

private:
    std::filesystem::path dir_;
};

const std::filesystem::path& scratch_dir() {
    static const scratch s;
    return s.dir();
}

}  // namespace

std::string as_text(input data) { return std::string(reinterpret_cast<const char*>(data.data()), data.size()); }

std::string as_file(input data, std::string_view name) {
    const std::string path = (scratch_dir() / std::string(name)).string();
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) throw std::runtime_error("fuzz: cannot write " + path);
    if (!data.empty() && std::fwrite(data.data(), 1, data.size(), f) != data.size()) {
        std::fclose(f);
        throw std::runtime_error("fuzz: cannot write " + path);
    }
    std::fclose(f);
    return path;
}

}  // namespace fluxon::fuzz
