#pragma once
// The replicated registry on the simulated network: a real Replicator
// (gossip/replicator.hpp) on every node of a SimNetwork, as the agent wires
// it (delegate of the node's Membership, listener of its member events,
// ticked at its deadlines), without Registry: the replica stores are what
// tests and bench/gossip compare. Records are plain NodeRecords the caller
// publishes as the node's local record.
//
// Attach after the nodes exist (joined or converged); each node learns the
// members its table already holds, then publishes its record. Restarting a
// node is not modelled here (its Replicator would need a new boot).
#include <cstddef>
#include <memory>
#include <vector>

#include "gossip/replicator.hpp"
#include "gossip/sim/sim_network.hpp"

namespace roster::gossip::sim {

// A realistic record for a simulated node: meta, the serfHealth check, and
// `services` web instances with a passing check each (≈ 250 B + 200 B a
// service, encoded).
registry::NodeRecord sim_record(const std::string& node, std::size_t index, int services);

class SimReplicas {
 public:
  // `record(i)` is node i's first local record.
  SimReplicas(SimNetwork& net, const std::function<registry::NodeRecord(std::size_t)>& record);
  ~SimReplicas();
  SimReplicas(const SimReplicas&) = delete;
  SimReplicas& operator=(const SimReplicas&) = delete;

  // Node i's registry changed: publish its new record (rumor, then fetches).
  void set_local(std::size_t i, const registry::NodeRecord& record);
  const replica::Replicator& at(std::size_t i) const;
  // The stamp node `observer` holds for `owner`'s record, if any.
  std::optional<replica::Stamp> stamp_of(std::size_t observer, std::size_t owner) const;
  // Every up node holds the same replica (equal store summaries: the same
  // records at the same stamps and digests, tombstones included).
  bool identical() const;
  // Sum of every node's replicator counters.
  replica::ReplicatorStats total_stats() const;

 private:
  class Node;
  SimNetwork& net_;
  std::vector<std::unique_ptr<Node>> nodes_;
};

}  // namespace roster::gossip::sim
