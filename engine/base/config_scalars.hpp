#pragma once
// Typed scalar values read out of a config or preset document: strings, integers, numbers,
// booleans and quantities. Each reader checks the TOML type and says what it expected when the
// type is wrong; quantities keep their site for the errors raised when they are resolved.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/config_node.hpp"
#include "engine/base/quantity.hpp"

namespace fluxon {

std::string read_string(const config_node& at, std::string_view expected);
std::int64_t read_integer(const config_node& at, std::string_view expected);
// An integer or a float.
double read_number(const config_node& at, std::string_view expected);
bool read_bool(const config_node& at);
// A quantity string ("20 ms") kept as text, or a bare number. Bare numbers are refused where
// `dim` is known and has a unit, so that "tau_m = 20" cannot silently mean 20 s.
quantity_input read_quantity(const config_node& at, std::optional<dimension> dim);
std::vector<quantity_input> read_quantity_list(const config_node& at, std::optional<dimension> dim);

// For readers of richer forms built on these:
bool is_number(const toml::node& node);
// Whether a bare number is refused at `at` (config files need a unit where `dim` has one);
// where it is taken as an SI value instead, it is noted for the recorded text.
bool refuses_number(const config_node& at, std::optional<dimension> dim);
[[noreturn]] void fail_type(const config_node& at, std::string_view expected);
// "a number", or "a quantity string like \"20 ms\"".
std::string quantity_expectation(std::optional<dimension> dim);

}  // namespace fluxon
