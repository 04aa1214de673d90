// Replays inputs through a fuzz target in a normal build, for ctest: every input that ever
// crashed a harness (tests/fuzz/regressions/<target>/) and the seed corpus. An input that is
// still a finding ends this process as it ended the fuzzer (an uncaught exception, a signal,
// a sanitizer's report), so ctest fails and names the target; the file is printed first.
//   fluxon_fuzz_replay TARGET FILE_OR_DIR...
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string_view>
#include <vector>

#include "targets.hpp"

namespace {

using target_fn = int (*)(fluxon::fuzz::input);

struct named_target {
    std::string_view name;
    target_fn run;
};

constexpr named_target targets[] = {
    {"config", fluxon::fuzz::config},           {"sfq_circuit", fluxon::fuzz::sfq_circuit},
    {"dram_trace", fluxon::fuzz::dram_trace},   {"preset_chip", fluxon::fuzz::preset_chip},
    {"preset_crossbar", fluxon::fuzz::preset_crossbar}, {"preset_dram", fluxon::fuzz::preset_dram},
    {"preset_sfq", fluxon::fuzz::preset_sfq},   {"array_npy", fluxon::fuzz::array_npy},
    {"array_npz", fluxon::fuzz::array_npz},     {"run_file", fluxon::fuzz::run_file},
    {"nir_file", fluxon::fuzz::nir_file},       {"event_file", fluxon::fuzz::event_file},
};

std::vector<std::filesystem::path> inputs_of(const std::filesystem::path& arg) {
    std::vector<std::filesystem::path> out;
    if (std::filesystem::is_directory(arg)) {
        for (const auto& entry : std::filesystem::directory_iterator(arg))
            if (entry.is_regular_file()) out.push_back(entry.path());
        std::sort(out.begin(), out.end());
    } else {
        out.push_back(arg);
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::cerr << "usage: fluxon_fuzz_replay TARGET FILE_OR_DIR...\n";
        return 2;
    }
    const std::string_view name = argv[1];
    const auto target = std::find_if(std::begin(targets), std::end(targets),
                                     [&](const named_target& t) { return t.name == name; });
    if (target == std::end(targets)) {
        std::cerr << "fluxon_fuzz_replay: no target '" << name << "'\n";
        return 2;
    }
    std::size_t replayed = 0;
    for (int i = 2; i < argc; ++i) {
        if (!std::filesystem::exists(argv[i])) {
            std::cerr << "fluxon_fuzz_replay: " << argv[i] << " does not exist\n";
            return 2;
        }
        for (const auto& path : inputs_of(argv[i])) {
            std::ifstream in(path, std::ios::binary);
            const std::vector<std::uint8_t> data{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
            std::cout << path.string() << std::endl;  // before the run: a crash leaves its name
            target->run(fluxon::fuzz::input(data.data(), data.size()));
            ++replayed;
        }
    }
    std::cout << name << ": " << replayed << " inputs replayed, none a finding\n";
    return 0;
}
