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

struct Service {
  std::string id;
  std::string name;
  std::vector<std::string> tags;
  std::string address;  // "" means: use the node's address
  int port = 0;
  std::map<std::string, std::string> meta;
  Weights weights;
  bool enable_tag_override = false;
  Index create_index = 0;
  Index modify_index = 0;

  // Equal as a definition (indexes aside).
  bool same_definition(const Service& o) const {
    return id == o.id && name == o.name && tags == o.tags && address == o.address &&
           port == o.port && meta == o.meta && weights == o.weights &&
           enable_tag_override == o.enable_tag_override;
  }
};

// Ttl: run by this agent. Serf: the node's gossip check. Maintenance: the
// `_node_maintenance` / `_service_maintenance:<id>` checks. Catalog: written
// through /v1/catalog/register, never run (status is whatever was written).
enum class CheckType { Ttl, Serf, Maintenance, Catalog };

std::string_view to_string(CheckType t);

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
  Index create_index = 0;
  Index modify_index = 0;

  // Equal as stored state (indexes aside).
  bool same_state(const Check& o) const {
    return id == o.id && name == o.name && notes == o.notes && output == o.output &&
           status == o.status && service_id == o.service_id && service_name == o.service_name &&
           service_tags == o.service_tags && type == o.type && ttl == o.ttl;
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
