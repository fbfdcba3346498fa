#pragma once
// What the API handlers need from the agent: the registry (read and write),
// the clock, and facts about this agent for /v1/agent/self and friends.
#include <cstdint>
#include <functional>
#include <string>

#include "common/clock.hpp"
#include "registry/registry.hpp"

namespace roster::http {

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
};

}  // namespace roster::http
