#pragma once
// Values of a network description read out of a config document: per-neuron value forms and
// id lists, which may come from data files (the scalar readers are in engine/base/config_scalars). Each reader checks the TOML type and says what it expected when the
// type is wrong; values keep their site for the errors the network builder may raise later.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/quantity.hpp"
#include "engine/base/config_node.hpp"
#include "engine/base/config_scalars.hpp"
#include "networks/spec.hpp"
#include "neurons/params.hpp"

namespace fluxon::io {



// A list of quantities, or { file = "x.npy" } (SI), converted to SI. When `dim` is unknown
// the units name it, and every element must agree.
std::vector<double> read_si_values(const config_node& at, std::optional<dimension> dim);
// A list of non-negative integers, or { file = "ids.npy" }.
std::vector<std::int64_t> read_ids(const config_node& at);
// { file = "w.npy" | "w.npz:name" | "f.h5:/dataset" }: an array of any shape (layer weights).
tensor read_tensor_file(const config_node& at);

// "q" | number | { uniform = [lo, hi] } | { normal = [mean, std] } | { file = "x.npy" } | [q, ...]
net::value_spec read_value_spec(const config_node& at, std::optional<dimension> dim);

}  // namespace fluxon::io
