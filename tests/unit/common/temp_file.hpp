#pragma once
// A file that lives as long as the object, named by the process and a tag so that parallel test
// processes do not collide.
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

#include <unistd.h>

namespace fluxon::test {

struct temp_file {
    std::filesystem::path path;
    temp_file(const std::string& tag, const std::string& text, const std::string& extension = ".toml") {
        path = std::filesystem::temp_directory_path() /
               ("fluxon_test_" + std::to_string(::getpid()) + "_" + tag + extension);
        std::ofstream(path, std::ios::binary) << text;
    }
    ~temp_file() {
        std::error_code ec;
        std::filesystem::remove(path, ec);
    }
    temp_file(const temp_file&) = delete;
    temp_file& operator=(const temp_file&) = delete;
    std::string name() const { return path.string(); }
};

}  // namespace fluxon::test
