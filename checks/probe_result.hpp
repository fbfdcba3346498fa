#pragma once
// What one run of a check saw, before thresholds (registry/check_state.hpp
// decides what it does to the check's status).
#include <string>

#include "registry/model.hpp"

namespace roster::checks {

struct ProbeResult {
  registry::HealthStatus status = registry::HealthStatus::Critical;
  std::string output;
};

}  // namespace roster::checks
