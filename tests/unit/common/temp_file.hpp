#pragma once
// A file that lives as long as the object, named by the process and a tag so that parallel test
// processes do not collide.
#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <vector>

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

// A fresh directory per test (created unless `create` is false, for code that must create it),
// removed with everything in it afterwards.
struct scratch_dir {
    std::filesystem::path path;
    explicit scratch_dir(const std::string& tag, bool create = true) {
        static std::atomic<int> counter{0};
        path = std::filesystem::temp_directory_path() /
               ("fluxon_" + tag + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
        std::filesystem::remove_all(path);
        if (create) std::filesystem::create_directories(path);
    }
    ~scratch_dir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    scratch_dir(const scratch_dir&) = delete;
    scratch_dir& operator=(const scratch_dir&) = delete;
    std::string file(const std::string& name) const { return (path / name).string(); }
    std::vector<std::string> names() const {
        std::vector<std::string> out;
        for (const auto& entry : std::filesystem::directory_iterator(path)) out.push_back(entry.path().filename().string());
        return out;
    }
};

}  // namespace fluxon::test
