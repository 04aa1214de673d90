#pragma once
// Physical quantities at the edge: "20 ms", "-50 mV", "1.5 nA" are parsed once into SI doubles.
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "engine/base/errors.hpp"

namespace fluxon {

enum class dimension { dimensionless, time, voltage, current, conductance, capacitance, resistance,
                       frequency, energy, power };

std::string_view dimension_name(dimension d);
// The SI unit symbol for a dimension ("s", "V", ...; "1" for dimensionless).
std::string_view si_unit(dimension d);

// The dimension whose exponents of the SI base units (m, kg, s, A, K, mol, cd) are `exponents`,
// for quantities that arrive from other unit libraries (Brian2's Dimension keeps them in that
// order); nullopt when fluxon has no unit of that dimension.
std::optional<dimension> dimension_from_si_exponents(const std::array<double, 7>& exponents);

struct parsed_quantity {
    double value = 0;  // SI
    std::string error;  // empty on success
};

// Parses "<number> <unit>" (the space is optional) with a unit of dimension `expected`, or a
// bare number when `expected` is dimensionless. Units: s ms us ns ps fs, V mV uV, A mA uA nA pA
// fA, S mS uS nS pS, F uF nF pF fF, Ohm kOhm MOhm GOhm, Hz kHz MHz GHz, J mJ uJ nJ pJ fJ aJ,
// W mW uW nW pW.
parsed_quantity parse_quantity(std::string_view text, dimension expected);

// A value as the user gave it: a number (already SI) or text with a unit ("20 ms"), plus where
// it came from for error messages.
struct quantity_input {
    std::variant<double, std::string> value;
    error_site site;
};

// Resolves one input against a dimension; throws config_error at `input.site`.
double resolve_quantity(const quantity_input& input, dimension dim, const std::string& what);

}  // namespace fluxon
