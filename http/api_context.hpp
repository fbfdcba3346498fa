#pragma once
// What the API handlers need from the agent: the registry (read and write),
// the clock, and facts about this agent for /v1/agent/self and friends.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "http/acl.hpp"
#include "registry/registry.hpp"

namespace roster::gossip::crypto {
class KeyringService;
}

namespace roster::http {

// One gossip member, as /v1/agent/members shows it.
struct ClusterMember {
  std::string name;
  std::string addr;
  std::uint16_t port = 0;
  std::map<std::string, std::string> tags;
  int status = 1;  // Consul's: 1 alive, 2 leaving, 3 left, 4 failed
};

// The gossip pool, for /v1/agent/members, join and force-leave
// (agent/gossip_wiring.cpp implements it). Thread safety: called from any
// HTTP thread.
class Cluster {
 public:
  virtual ~Cluster() = default;
  virtual std::vector<ClusterMember> members() const = 0;
  // The error's text is the 500 body.
  virtual Status join(const std::string& address) = 0;
  // NotFound for an unknown node.
  virtual Status force_leave(const std::string& node, bool prune) = 0;
  // Consul's "serf_lan" Stats of /v1/agent/self (string values).
  virtual std::vector<std::pair<std::string, std::string>> stats() const = 0;
};

struct AgentInfo {
  std::string node_name;
  std::string node_id;
  std::string datacenter = "dc1";
  std::string address;  // the node's advertised address
  std::string version;
  std::string revision;
  std::uint16_t server_port = 8300;  // Consul's RPC port, shown by status/leader
  bool pretty_by_default = false;    // -dev: JSON always indented, as Consul
};

// Thread safety: references only; the referenced objects are thread-safe.
struct ApiContext {
  registry::Registry& registry;
  const Clock& clock;
  AgentInfo info;
  // PUT /v1/agent/leave: asks the agent to shut down gracefully once the reply
  // is sent. Empty: leave is refused with a 500.
  std::function<void()> leave = nullptr;
  // PUT /v1/agent/reload: re-reads the config files and applies them (SIGHUP's
  // path too); its error becomes the 500 text. Empty: reload is refused with a 500.
  std::function<Status()> reload = nullptr;
  // The ACL settings, replaced on reload. Null: ACLs off.
  std::shared_ptr<AclSettings> acl = nullptr;
  // Gossip: members, join, force-leave. Null: this agent is alone (members
  // lists itself; join and force-leave are refused).
  Cluster* cluster = nullptr;
  // /v1/operator/keyring. Null: answered with a 500 (handlers/keyring.hpp).
  std::shared_ptr<gossip::crypto::KeyringService> keyring = nullptr;
};

}  // namespace roster::http
