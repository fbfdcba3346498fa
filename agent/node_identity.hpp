#pragma once
// Who this agent is: node name, node ID (persisted in the data dir, as
// Consul's node-id file), and the address it advertises.
#include <string>

#include "agent/agent_config.hpp"
#include "common/result.hpp"
#include "registry/registry.hpp"

namespace roster::agent {

Result<registry::LocalNode> resolve_identity(const AgentConfig& config);

// The first non-loopback IPv4 address of this machine, or 127.0.0.1.
std::string default_advertise_address();

}  // namespace roster::agent
