#pragma once
// IndexTable: Consul's per-resource indexes. Every change gets the next global
// index, but only the resources it touched move to it, so a blocking query on
// service `b` is not answered by a change to service `a` (consul-compat §2.4,
// users.md #12). Names are lower-cased, as lookups are case-insensitive.
#include <map>
#include <string>
#include <string_view>

#include "registry/model.hpp"
#include "registry/pmap.hpp"

namespace roster::registry {

// Thread safety: a plain value (its maps are persistent, so a copy is O(1));
// the registry publishes a copy inside each immutable Catalog.
struct IndexTable {
  // The index this run started at: greater than every index handed out by an
  // earlier run (persisted, or seeded from the wall clock in -dev). Resources
  // never touched in this run report it, so no index ever goes backwards.
  Index floor = 1;
  Index services = 1;  // a service was added, removed or redefined anywhere
  Index nodes = 1;     // a node was added, removed or redefined
  Index checks = 1;    // a check was added, removed or changed anywhere
  // Last change to a service's instances (definitions, their nodes).
  PMap<std::string, Index> service_defs;
  // Last change to a service's instances or to any check that decides their health.
  PMap<std::string, Index> service_health;
  // Last change to anything on a node.
  PMap<std::string, Index> node_any;

  static IndexTable starting_at(Index floor);

  Index service_definition(std::string_view name) const;  // catalog/service/<name>
  Index service_health_of(std::string_view name) const;    // health/service/<name>, health/checks/<name>
  Index node(std::string_view name) const;                 // catalog/node/<n>, health/node/<n>
};

// Records in `t` that the node record `before` became `after` at index `at`.
// Either may be null (a node added or removed). Entries for removed services
// and nodes stay (as tombstones), so their watchers see the removal.
void record_change(IndexTable& t, const NodeRecord* before, const NodeRecord* after, Index at);

}  // namespace roster::registry
