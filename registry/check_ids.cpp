#include "registry/check_ids.hpp"

namespace roster::registry {

std::vector<std::string> embedded_check_ids(const std::string& service_id,
                                            const std::vector<CheckDefinition>& checks) {
  std::vector<std::string> ids;
  ids.reserve(checks.size());
  for (std::size_t i = 0; i < checks.size(); ++i) {
    if (!checks[i].id.empty()) ids.push_back(checks[i].id);
    else if (checks.size() == 1) ids.push_back("service:" + service_id);
    else ids.push_back("service:" + service_id + ":" + std::to_string(i + 1));
  }
  return ids;
}

std::string default_check_name(const CheckDefinition& def, const std::string& service_name) {
  return def.name.empty() ? "Service '" + service_name + "' check" : def.name;
}

}  // namespace roster::registry
