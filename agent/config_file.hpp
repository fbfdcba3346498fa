#pragma once
// Consul-format JSON config files: -config-file paths, then every *.json in
// each -config-dir in lexical order; later files override earlier scalars, and
// `service`/`services` entries accumulate.
#include <string>
#include <vector>

#include "agent/agent_config.hpp"
#include "common/result.hpp"

namespace roster::agent {

Status load_config_files(const std::vector<std::string>& files, const std::vector<std::string>& dirs,
                         AgentConfig& config);

// One file's text (exposed for tests); `name` is used in error messages.
Status apply_config_text(const std::string& text, const std::string& name, AgentConfig& config);

}  // namespace roster::agent
