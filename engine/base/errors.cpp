#include "engine/base/errors.hpp"

#include <fmt/format.h>

namespace fluxon {

std::string format_error(const std::string& what, const error_site& site) {
    std::string out;
    if (!site.file.empty()) {
        out.append(site.file);
        if (site.line > 0) out.append(fmt::format(":{}", site.line));
        out.append(": ");
    }
    if (!site.key.empty()) out.append(fmt::format("key '{}': ", site.key));
    if (!site.node.empty()) out.append(fmt::format("node '{}': ", site.node));
    if (!site.resource.empty()) out.append(fmt::format("resource '{}': ", site.resource));
    out.append(what);
    return out;
}

error::error(const std::string& what, error_site site)
    : std::runtime_error(format_error(what, site)), site_(std::move(site)), detail_(what) {}

}  // namespace fluxon
