#pragma once
// A preset as loaded: its parameters, the text they were read from (stored in run files) and
// where that came from ("builtin:<name>" or the file's path). Each family's preset reader
// returns one (engine/base/preset_values.hpp reads them).
#include <string>

namespace fluxon::preset {

template <class Params>
struct loaded {
    Params params;
    std::string text;
    std::string origin;
};

}  // namespace fluxon::preset
