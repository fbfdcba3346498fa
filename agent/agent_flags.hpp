#pragma once
// Parsing `roster agent` flags in Consul's spelling: -x and --x, -x=v and -x v.
#include <string>
#include <vector>

#include "agent/agent_config.hpp"
#include "common/result.hpp"

namespace roster::agent {

enum class FlagsOutcome { Run, Help };

struct ParsedFlags {
  FlagsOutcome outcome = FlagsOutcome::Run;
  AgentConfig config;
};

// Parses flags, then loads -config-file/-config-dir (flags win over files).
Result<ParsedFlags> parse_agent_flags(const std::vector<std::string>& args);

std::string agent_usage();

}  // namespace roster::agent
