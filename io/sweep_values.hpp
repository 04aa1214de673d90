#pragma once
// A swept key's values as the sweep's index records them: numbers in the SI unit of the
// quantity when every value spells one ("1.2 mV" -> 0.0012 with unit "V"; "3" -> 3 with unit
// "1"), the text as given otherwise (a topology name, a list of populations).
#include <string>
#include <vector>

#include "io/sweep_grid.hpp"

namespace fluxon::io {

struct swept_values {
    std::string key;
    bool numeric = false;
    std::string unit;             // SI unit symbol when numeric ("1": dimensionless), else ""
    std::vector<double> numbers;  // SI, one per value, when numeric
    std::vector<std::string> given;  // the values as given
};

// One entry per axis, values in the axis' order. A quantity is parsed exactly as the config
// reads it, so the number is the one the run used.
swept_values index_values(const sweep_axis& axis);

}  // namespace fluxon::io
