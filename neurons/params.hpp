#pragma once
// Typed parameter schemas: every model declares its parameters (name, dimension, default,
// range) once; user input is validated against the schema at the edge and lowered into the
// model's plain hot struct. Nothing on the hot path looks a parameter up by name.
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "engine/base/errors.hpp"
#include "engine/base/quantity.hpp"

namespace fluxon {

struct param_def {
    std::string name;
    dimension dim = dimension::dimensionless;
    std::optional<double> default_value;  // nullopt: required
    double min = -std::numeric_limits<double>::infinity();
    double max = std::numeric_limits<double>::infinity();
    bool min_exclusive = false;
    std::string doc;
    // When not empty the parameter is a word among these; its value is the word's index.
    std::vector<std::string> choices;
};

using param_schema = std::vector<param_def>;

// Which simulator's conventions a run follows where simulators differ while integrating the
// same equations (docs/models.md, "Timing conventions"). Both run the same steps; they differ in
// the time a spike is stamped with, how long t_ref holds the membrane, and the step at which a
// spike source's time is emitted.
//   nest:   a spike is stamped with the grid point at which the membrane was found above
//           threshold; t_ref holds it from that point for t_ref.
//   brian2: a spike is stamped with the start of the step over which the membrane crossed
//           (one step earlier); t_ref holds it until the stamp plus t_ref.
enum class timing_convention { nest, brian2 };

// The precision of neuron state. Single halves the memory a step sweeps (where a LIF network
// spends its time), as GeNN's and Brian2's float32 options do; spike trains then differ from a
// double-precision run's after the first rounding difference (docs/models.md).
enum class state_precision { double_precision, single_precision };

using param_inputs = std::map<std::string, quantity_input>;


// Validated parameters in SI, in schema order.
class validated_params {
public:
    validated_params(const param_schema* schema, std::vector<double> values)
        : schema_(schema), values_(std::move(values)) {}
    // Lookup by name: for lowering only, never on the hot path.
    double get(const std::string& name) const;
    const std::vector<double>& values() const { return values_; }
    const param_schema& schema() const { return *schema_; }
    // {"tau_m": 0.02, ...} in SI, for provenance in run files.
    std::string to_json() const;

private:
    const param_schema* schema_;
    std::vector<double> values_;
};

// Checks names (unknown ones are errors listing the known ones), dimensions, ranges and
// required values. `where` locates the parameter table (file/line/key prefix/node).
validated_params validate_params(const param_schema& schema, const param_inputs& inputs,
                                 const error_site& where);

}  // namespace fluxon
