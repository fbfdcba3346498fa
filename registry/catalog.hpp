#pragma once
// Catalog: an immutable snapshot of the whole registry at one index. DNS and
// HTTP take a shared_ptr<const Catalog> and read it without any lock.
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "registry/index_table.hpp"
#include "registry/model.hpp"

namespace roster::registry {

// One service instance with the checks that decide its health: the node's
// node-level checks plus the instance's own service checks.
struct Instance {
  const NodeRecord* node = nullptr;
  const Service* service = nullptr;
  std::vector<const Check*> checks;
  HealthStatus health = HealthStatus::Passing;  // worst of `checks`; passing if none
};

// Thread safety: immutable after construction; safe to read from any thread.
class Catalog {
 public:
  // Without `indexes`, every resource reports `index`.
  Catalog(Index index, std::string datacenter, std::vector<std::shared_ptr<const NodeRecord>> nodes,
          std::shared_ptr<const IndexTable> indexes = nullptr);

  Index index() const { return index_; }
  // Per-resource indexes for blocking queries and X-Consul-Index.
  const IndexTable& indexes() const { return *indexes_; }
  const std::string& datacenter() const { return datacenter_; }

  // All nodes, ordered by name.
  const std::vector<std::shared_ptr<const NodeRecord>>& nodes() const { return nodes_; }
  // The node named `name` (case-insensitive), or nullptr.
  const NodeRecord* find_node(std::string_view name) const;

  // Every instance of a service (case-insensitive name), whatever its health,
  // ordered by node name then service ID.
  std::vector<Instance> instances(std::string_view service_name) const;
  // Service name -> union of its tags, for /v1/catalog/services.
  std::map<std::string, std::vector<std::string>> service_tags() const;

  // One node record replaced: `before` (null: added) became `after` (null: removed).
  struct NodeChange {
    std::shared_ptr<const NodeRecord> before;
    std::shared_ptr<const NodeRecord> after;
  };
  // The catalog `prev` with `changes` applied, at `index`. Costs O(number of
  // nodes + d log n) for d changed services and checks: the lookup structures
  // are persistent maps shared with `prev` (registry/pmap.hpp).
  static std::shared_ptr<const Catalog> next(const Catalog& prev, Index index,
                                             std::shared_ptr<const IndexTable> indexes,
                                             const std::vector<NodeChange>& changes);

 private:
  // Checks of one node by owner, each list ordered by check ID.
  struct NodeChecks {
    std::vector<const Check*> node_level;
    PMap<std::string, std::vector<const Check*>> by_service;  // by service ID
  };
  Catalog() = default;
  void apply(const NodeChange& change);

  Index index_ = 1;
  std::shared_ptr<const IndexTable> indexes_;
  std::string datacenter_;
  std::vector<std::shared_ptr<const NodeRecord>> nodes_;
  PMap<std::string, const NodeRecord*> nodes_by_name_;  // lower-cased
  PMap<std::string, const NodeRecord*> nodes_exact_;    // by exact name
  PMap<std::string, NodeChecks> checks_;                // by exact node name
  // Lower-cased service name -> "<node name>\0<service ID>" -> the service.
  PMap<std::string, PMap<std::string, const Service*>> by_service_name_;
};

// True if `service` carries `tag` (case-insensitive, as Consul's tag filter).
bool has_tag(const Service& service, std::string_view tag);

// The aggregate Go's api.HealthChecks.AggregatedStatus computes: "maintenance"
// if a maintenance check is present, else the worst status ("passing" if none).
std::string_view aggregated_status(const std::vector<const Check*>& checks);

}  // namespace roster::registry
