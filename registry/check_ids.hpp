#pragma once
// Consul's naming of checks embedded in a service definition.
#include <string>
#include <vector>

#include "registry/definitions.hpp"

namespace roster::registry {

// `service:<id>` for a single check, `service:<id>:1`, `:2`, ... for several,
// unless the definition names its own ID.
std::vector<std::string> embedded_check_ids(const std::string& service_id,
                                            const std::vector<CheckDefinition>& checks);

// The definition's name, or `Service '<name>' check`.
std::string default_check_name(const CheckDefinition& def, const std::string& service_name);

}  // namespace roster::registry
