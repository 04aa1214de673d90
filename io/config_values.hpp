#pragma once
// Typed values read out of a config document: strings, integers, quantities, per-neuron value
// forms and id lists. Each reader checks the TOML type and says what it expected when the
// type is wrong; values keep their site for the errors the network builder may raise later.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/quantity.hpp"
#include "io/config_node.hpp"
#include "networks/spec.hpp"
#include "neurons/params.hpp"

namespace fluxon::io {

std::string read_string(const config_node& at, std::string_view expected);
std::int64_t read_integer(const config_node& at, std::string_view expected);
// An integer or a float.
double read_number(const config_node& at, std::string_view expected);
bool read_bool(const config_node& at);

// A quantity string ("20 ms") kept as text, or a bare number. Bare numbers are refused where
// `dim` is known and has a unit, so that "tau_m = 20" cannot silently mean 20 s.
quantity_input read_quantity(const config_node& at, std::optional<dimension> dim);
std::vector<quantity_input> read_quantity_list(const config_node& at, std::optional<dimension> dim);

// A list of quantities, or { file = "x.npy" } (SI), converted to SI. When `dim` is unknown
// the units name it, and every element must agree.
std::vector<double> read_si_values(const config_node& at, std::optional<dimension> dim);
// A list of non-negative integers, or { file = "ids.npy" }.
std::vector<std::int64_t> read_ids(const config_node& at);

// "q" | number | { uniform = [lo, hi] } | { normal = [mean, std] } | { file = "x.npy" } | [q, ...]
net::value_spec read_value_spec(const config_node& at, std::optional<dimension> dim);

}  // namespace fluxon::io
