#pragma once
// A device asked for by an experiment: which registered family, the instance's name, and the
// settings the family read from its config section. The settings are the family's own type;
// everything between the config reader and the family passes them along unopened.
#include <memory>
#include <string>

#include "engine/base/errors.hpp"

namespace fluxon {

class device_settings {
public:
    virtual ~device_settings() = default;
};

struct device_request {
    std::string family;    // registered family name ("neuromorphic", "crossbar", ...)
    std::string instance;  // unique in the run: ledger paths, run-file group, Python results
    std::shared_ptr<const device_settings> settings;
    error_site site;       // the config section the device was described in
};

}  // namespace fluxon
