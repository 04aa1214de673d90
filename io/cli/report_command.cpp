// `fluxon report RUN [-o DIR]`: the figures of a run file or a sweep and an index.html showing
// them (docs/analysis.md, "Reports"). The figures are matplotlib's, so this command replaces
// itself with the Python module fluxon.report on the interpreter the build was configured
// with; it needs the pure-Python package only, not the C++ extension.
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <vector>

#include <fmt/format.h>

#include "engine/base/errors.hpp"
#include "io/cli/commands.hpp"

namespace fluxon::cli {
namespace {

namespace fs = std::filesystem;

// The package is found relative to this executable rather than at a path fixed when it was
// built, so that the build tree, an install, and an install moved with --prefix all work.
// Both relative paths come from io/cli/CMakeLists.txt.
fs::path package_dir() {
    std::error_code ec;
    const fs::path here = fs::read_symlink("/proc/self/exe", ec).parent_path();
    if (ec) return {};
    for (const char* relative : {FLUXON_INSTALLED_PACKAGE_DIR, FLUXON_BUILD_PACKAGE_DIR}) {
        const fs::path dir = (here / relative).lexically_normal();
        if (fs::exists(dir / "fluxon" / "report.py", ec)) return dir;
    }
    return {};  // then only the interpreter's own path (PYTHONPATH, site-packages) can find it
}

void prepend_python_path(const fs::path& dir) {
    std::string value = dir.string();
    if (const char* old = std::getenv("PYTHONPATH"); old != nullptr && *old != '\0') {
        value.append(":").append(old);
    }
    ::setenv("PYTHONPATH", value.c_str(), 1);
}

}  // namespace

int report_command(const report_args& args) {
    std::vector<std::string> words{FLUXON_PYTHON_INTERPRETER, "-m", "fluxon.report", args.source};
    if (!args.output.empty()) {
        words.insert(words.end(), {"-o", args.output});
    }
    if (const fs::path dir = package_dir(); !dir.empty()) prepend_python_path(dir);
    std::vector<char*> argv;
    for (std::string& word : words) argv.push_back(word.data());
    argv.push_back(nullptr);
    std::cout.flush();
    ::execv(FLUXON_PYTHON_INTERPRETER, argv.data());
    // execv returns only when the interpreter could not be started
    throw user_error(fmt::format("fluxon report draws with Python and matplotlib, but the interpreter {} "
                                 "could not be started: {}",
                                 FLUXON_PYTHON_INTERPRETER, std::strerror(errno)),
                     {});
}

}  // namespace fluxon::cli
