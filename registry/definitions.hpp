#pragma once
// What a client asks to register, before validation: a service definition with
// its check definitions, as decoded from Consul's JSON (http/json).
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "registry/model.hpp"

namespace roster::registry {

// The kinds a check definition can name. Only TTL is run by this version; the
// others are recognised so the error can say so.
enum class CheckKind { None, Ttl, Http, Tcp, Script, Grpc, Other };

struct CheckDefinition {
  std::string id;
  std::string name;
  std::string notes;
  std::string service_id;  // only for standalone check registration
  std::optional<HealthStatus> status;  // initial status; critical if absent
  CheckKind kind = CheckKind::None;
  int kinds_named = 0;  // how many of TTL/HTTP/TCP/Args/GRPC/... were set
  Duration ttl{0};
};

struct ServiceRegistration {
  Service service;  // indexes are ignored
  std::vector<CheckDefinition> checks;  // `Check` first, then `Checks`, in order
  bool replace_existing_checks = false;
};

// Validates a registration with Consul's error texts ("Missing service name",
// "Invalid Service Meta: ...", "Invalid check: ...").
Status validate(const ServiceRegistration& reg);

}  // namespace roster::registry
