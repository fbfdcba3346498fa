#pragma once
// The pure half of configuration reload: which config-file services to add,
// replace, remove or leave alone, and which changed settings only a restart
// applies. agent/config_reloader.hpp applies the plan to the registry.
#include <map>
#include <string>
#include <vector>

#include "agent/agent_config.hpp"
#include "common/result.hpp"
#include "registry/definitions.hpp"

namespace roster::agent {

struct ConfigService {
  registry::ServiceRegistration reg;  // replace_existing_checks set: the files own the checks
  std::string source;                 // the definition as written; "" when unknown
};

// By service ID (the name when no ID is given); a later definition of an ID
// replaces an earlier one, as registering them in order does.
using ConfigServices = std::map<std::string, ConfigService>;

ConfigServices config_services(const AgentConfig& config);

// Equal definitions: the same source text when both are known, and the same
// decoded fields (service, and each check's identity, kind and TTL).
bool same_definition(const ConfigService& a, const ConfigService& b);

// The script checks the agent accepts, from its enable_script_checks and
// enable_local_script_checks (fixed at start: a reload does not change them).
registry::ScriptChecks script_checks(const AgentConfig& config);

// Every service valid (registry::validate) and its script checks allowed by
// `scripts`, so that applying the services cannot fail on their content; the
// error names the service.
Status validate_services(const ConfigServices& services, registry::ScriptChecks scripts);

struct ReloadPlan {
  std::vector<registry::ServiceRegistration> add;      // new IDs
  std::vector<registry::ServiceRegistration> replace;  // IDs whose definition changed
  std::vector<std::string> remove;                     // IDs no longer in the files
  std::vector<registry::ServiceRegistration> keep;     // unchanged: nothing to do unless the registry lost them
};

ReloadPlan plan_reload(const ConfigServices& before, const ConfigServices& after);

// The config keys that differ between `running` and `next` but only take
// effect at the next start (docs/agent.md lists them).
std::vector<std::string> restart_needed(const AgentConfig& running, const AgentConfig& next);

}  // namespace roster::agent
