#pragma once
// What a client asks to register, before validation: a service definition with
// its check definitions, as decoded from Consul's JSON (http/json).
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "registry/model.hpp"

namespace roster::registry {

// The kinds a check definition can name. TTL, HTTP, TCP and script checks
// run; the others (gRPC, Docker, H2PING, UDP, alias, OS service) are
// recognised so the error can name them.
enum class CheckKind { None, Ttl, Http, Tcp, Script, Grpc, Other };

struct CheckDefinition {
  std::string id;
  std::string name;
  std::string notes;
  std::string service_id;  // only for standalone check registration
  std::optional<HealthStatus> status;  // initial status; critical if absent
  CheckKind kind = CheckKind::None;
  std::string kind_name;  // the field that named an unsupported kind ("GRPC", "UDP", ...)
  int kinds_named = 0;  // how many of TTL/HTTP/TCP/Args/GRPC/... were set
  Duration ttl{0};
  CheckSpec spec;  // target, interval, timeout, thresholds, reaping

  // The stored type of a valid definition (Ttl for TTL, else Http/Tcp/Script).
  CheckType type() const;
};

// Which script checks the agent accepts (enable_script_checks /
// enable_local_script_checks): `api` from anywhere, `config` from config files.
struct ScriptChecks {
  bool api = false;
  bool config = false;
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
// A check definition's type, TTL or interval, target and thresholds
// ("Invalid check: ...").
Status validate_check(const CheckDefinition& check);
// Whether a script check may be registered from where it comes; Consul's
// texts ("Scripts are disabled on this agent; ..."). Ok for other kinds.
Status script_check_allowed(const CheckDefinition& check, ScriptChecks policy, bool from_config);
// A standalone check (/v1/agent/check/register): also needs a name.
Status validate_standalone_check(const CheckDefinition& check);
// A catalog write: node name and address, the service's fields, node meta.
Status validate(const CatalogRegistration& reg);

}  // namespace roster::registry
