#pragma once
// The composition root of `roster agent`: builds the registry, DNS and HTTP
// servers, connects them, runs the io_context until SIGINT/SIGTERM.
#include "agent/agent_config.hpp"

namespace roster::agent {

// Runs the agent; returns the process exit code.
int run_agent(const AgentConfig& config);

}  // namespace roster::agent
