#include "registry/model.hpp"

#include <algorithm>

namespace roster::registry {

std::string_view to_string(HealthStatus s) {
  switch (s) {
    case HealthStatus::Passing: return "passing";
    case HealthStatus::Warning: return "warning";
    case HealthStatus::Critical: return "critical";
  }
  return "critical";
}

std::optional<HealthStatus> parse_health_status(std::string_view s) {
  if (s == "passing") return HealthStatus::Passing;
  if (s == "warning") return HealthStatus::Warning;
  if (s == "critical") return HealthStatus::Critical;
  return std::nullopt;
}

HealthStatus worst(HealthStatus a, HealthStatus b) {
  return static_cast<int>(a) > static_cast<int>(b) ? a : b;
}

std::string_view to_string(CheckType t) {
  switch (t) {
    case CheckType::Ttl: return "ttl";
    case CheckType::Serf: return "";
    case CheckType::Maintenance: return "maintenance";
    case CheckType::Catalog: return "";
    case CheckType::Http: return "http";
    case CheckType::Tcp: return "tcp";
    case CheckType::Script: return "script";
  }
  return "";
}

bool is_interval_check(CheckType t) {
  return t == CheckType::Http || t == CheckType::Tcp || t == CheckType::Script;
}

Duration CheckSpec::effective_interval() const { return std::max(interval, kMinCheckInterval); }

Duration CheckSpec::effective_timeout() const {
  const Duration t = timeout > Duration::zero() ? timeout : kDefaultCheckTimeout;
  return std::min(t, effective_interval());
}

bool is_maintenance_check(std::string_view id) {
  return id == kNodeMaintenanceId || id.substr(0, kServiceMaintenancePrefix.size()) == kServiceMaintenancePrefix;
}

Check serf_alive_check() {
  Check serf;
  serf.id = kSerfCheckId;
  serf.name = kSerfCheckName;
  serf.output = kSerfAliveOutput;
  serf.status = HealthStatus::Passing;
  serf.type = CheckType::Serf;
  return serf;
}

}  // namespace roster::registry
