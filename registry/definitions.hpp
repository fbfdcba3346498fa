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

// A write through /v1/catalog/register: a node, optionally one service and
// checks. Checks are stored as written (CheckType::Catalog), never run.
struct CatalogRegistration {
  Node node;  // name and address required; indexes ignored
  bool skip_node_update = false;
  std::optional<Service> service;  // ID defaults to the name
  std::vector<Check> checks;
};

// /v1/catalog/deregister: the whole node, or one of its services or checks.
struct CatalogDeregistration {
  std::string node;
  std::string service_id;
  std::string check_id;
};

// Validates a registration with Consul's error texts ("Missing service name",
// "Invalid Service Meta: ...", "Invalid check: ...").
Status validate(const ServiceRegistration& reg);
// A check definition's type and TTL ("Invalid check: ...").
Status validate_check(const CheckDefinition& check);
// A standalone check (/v1/agent/check/register): also needs a name.
Status validate_standalone_check(const CheckDefinition& check);
// A catalog write: node name and address, the service's fields, node meta.
Status validate(const CatalogRegistration& reg);

}  // namespace roster::registry
