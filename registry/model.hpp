#pragma once
// The catalog's data model: nodes, services, checks and their health, with
// Consul's meaning for each field. Plain values; no behaviour beyond helpers.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "registry/pmap.hpp"

namespace roster::registry {

using Index = std::uint64_t;

// Stored statuses. "maintenance" exists only as an aggregate in clients.
enum class HealthStatus { Passing, Warning, Critical };

std::string_view to_string(HealthStatus s);
std::optional<HealthStatus> parse_health_status(std::string_view s);
// The worse of two statuses (critical > warning > passing).
HealthStatus worst(HealthStatus a, HealthStatus b);

struct Weights {
  int passing = 1;
  int warning = 1;
  bool operator==(const Weights&) const = default;
};

// A service's address under a tag (TaggedAddresses: lan_ipv4, wan, ...).
struct ServiceAddress {
  std::string address;
  int port = 0;
  bool operator==(const ServiceAddress&) const = default;
};

struct Service {
  std::string id;
  std::string name;
  std::vector<std::string> tags;
  std::string address;  // "" means: use the node's address
  int port = 0;
  std::map<std::string, std::string> meta;
  Weights weights;
  bool enable_tag_override = false;
  // As registered; answers add lan_/wan_ entries for `address` where absent.
  std::map<std::string, ServiceAddress> tagged_addresses;
  Index create_index = 0;
  Index modify_index = 0;

  // Equal as a definition (indexes aside).
  bool same_definition(const Service& o) const {
    return id == o.id && name == o.name && tags == o.tags && address == o.address &&
           port == o.port && meta == o.meta && weights == o.weights &&
           enable_tag_override == o.enable_tag_override && tagged_addresses == o.tagged_addresses;
  }
};

// Ttl: updated by clients, expires on its own. Serf: the node's gossip check.
// Maintenance: the `_node_maintenance` / `_service_maintenance:<id>` checks.
// Catalog: written through /v1/catalog/register, never run (status is
// whatever was written). Http, Tcp, Script: run by this agent every interval
// (checks/). The values are stored in the journal: append, never renumber.
enum class CheckType { Ttl, Serf, Maintenance, Catalog, Http, Tcp, Script };

std::string_view to_string(CheckType t);
// Http, Tcp and Script: the types the agent runs itself.
bool is_interval_check(CheckType t);

// Consul's defaults and limits for checks (consul-compat §3).
inline constexpr Duration kDefaultCheckTimeout = std::chrono::seconds(10);
inline constexpr Duration kMinCheckInterval = std::chrono::seconds(1);
inline constexpr int kDefaultOutputMaxSize = 4096;

// A check's definition beyond its identity: how the agent runs it and the
// rules applied to its results. For TTL checks only the TTL itself (in Check),
// `deregister_critical_after` and `output_max_size` matter.
struct CheckSpec {
  std::string http;  // URL (Http)
  std::string method;  // "" means GET
  std::map<std::string, std::vector<std::string>> header;
  std::string body;
  bool tls_skip_verify = false;
  std::string tls_server_name;
  std::string tcp;                 // host:port (Tcp)
  std::vector<std::string> args;   // argv, run without a shell (Script)
  Duration interval{0};
  Duration timeout{0};  // 0: kDefaultCheckTimeout
  int success_before_passing = 0;
  int failures_before_warning = 0;  // 0: same as failures_before_critical
  int failures_before_critical = 0;
  Duration deregister_critical_after{0};  // 0: never
  int output_max_size = kDefaultOutputMaxSize;

  bool operator==(const CheckSpec&) const = default;
  // How often the agent runs it: Interval, raised to Consul's 1 s minimum.
  Duration effective_interval() const;
  // How long one run may take: Timeout (default 10 s), never longer than the
  // effective interval.
  Duration effective_timeout() const;
};

struct Check {
  std::string id;
  std::string name;
  std::string notes;
  std::string output;
  HealthStatus status = HealthStatus::Critical;
  std::string service_id;  // "" for a node-level check
  std::string service_name;
  std::vector<std::string> service_tags;
  CheckType type = CheckType::Ttl;
  Duration ttl{0};
  CheckSpec spec;
  Index create_index = 0;
  Index modify_index = 0;

  // Equal as stored state (indexes aside).
  bool same_state(const Check& o) const {
    return id == o.id && name == o.name && notes == o.notes && output == o.output &&
           status == o.status && service_id == o.service_id && service_name == o.service_name &&
           service_tags == o.service_tags && type == o.type && ttl == o.ttl && spec == o.spec;
  }
  // Equal but for the run's results (status and output).
  bool same_definition(const Check& o) const {
    Check a = *this;
    a.status = o.status;
    a.output = o.output;
    return a.same_state(o);
  }
};

struct Node {
  std::string name;
  std::string id;  // UUID
  std::string address;
  std::string datacenter;
  std::map<std::string, std::string> meta;
  Index create_index = 0;
  Index modify_index = 0;

  bool same_definition(const Node& o) const {
    return name == o.name && id == o.id && address == o.address && datacenter == o.datacenter &&
           meta == o.meta;
  }
};

// One node with everything registered on it. The maps are persistent
// (registry/pmap.hpp): copying a record is O(1), and versions share entries.
struct NodeRecord {
  Node node;
  PMap<std::string, Service> services;  // by service ID
  PMap<std::string, Check> checks;      // by check ID
};

// Consul's fixed names for the gossip health check every agent node carries.
inline constexpr std::string_view kSerfCheckId = "serfHealth";
inline constexpr std::string_view kSerfCheckName = "Serf Health Status";
inline constexpr std::string_view kSerfAliveOutput = "Agent alive and reachable";
// The serfHealth check of a node that is alive (index fields zero).
Check serf_alive_check();

// Maintenance mode is a critical check with these fixed names (consul-compat §2.6).
inline constexpr std::string_view kNodeMaintenanceId = "_node_maintenance";
inline constexpr std::string_view kNodeMaintenanceName = "Node Maintenance Mode";
inline constexpr std::string_view kServiceMaintenancePrefix = "_service_maintenance:";
inline constexpr std::string_view kServiceMaintenanceName = "Service Maintenance Mode";
inline constexpr std::string_view kNodeMaintenanceDefaultReason =
    "Maintenance mode is enabled for this node, but no reason was provided. This is a default message.";
inline constexpr std::string_view kServiceMaintenanceDefaultReason =
    "Maintenance mode is enabled for this service, but no reason was provided. This is a default message.";

// True for `_node_maintenance` and `_service_maintenance:<id>`.
bool is_maintenance_check(std::string_view check_id);

}  // namespace roster::registry
