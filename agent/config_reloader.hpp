#pragma once
// ConfigReloader: the thin shell of configuration reload (SIGHUP and PUT
// /v1/agent/reload). It reads the config again, plans with
// agent/reload_plan.hpp, applies the plan to the registry and hands the live
// settings (log level, ACLs) to the agent. It owns the set of config-file
// services: the ones it registered, so the ones a reload may remove.
#include <functional>
#include <mutex>
#include <string>

#include "agent/agent_config.hpp"
#include "agent/reload_plan.hpp"
#include "common/clock.hpp"
#include "common/log.hpp"
#include "common/result.hpp"
#include "registry/registry.hpp"

namespace roster::agent {

// Thread safety: register_initial() once before serving; reload() from any
// thread (reloads run one at a time).
class ConfigReloader {
 public:
  // Reads the configuration again (files, then the flags on top).
  using Load = std::function<Result<AgentConfig>()>;
  // Applies the settings that change live; called after the services.
  using ApplyLive = std::function<void(const AgentConfig&)>;

  ConfigReloader(registry::Registry& registry, const Clock& clock, Logger log, const AgentConfig& running,
                 std::string local_node, Load load, ApplyLive apply_live);

  // Registers the running config's services (at start, before the state log
  // is replayed, so config wins over persisted services with the same ID).
  Status register_initial();

  // Loads and applies the config. A config that does not load or holds an
  // invalid service changes nothing and is the error; otherwise services are
  // added, replaced and removed as planned.
  Status reload();

 private:
  // Registers `reg` as a config service; false (logged) when the registry refuses.
  bool put(const registry::ServiceRegistration& reg, const char* what);

  registry::Registry& registry_;
  const Clock& clock_;
  Logger log_;
  const AgentConfig running_;  // as started: restart-only keys are compared with it
  std::string local_node_;
  Load load_;
  ApplyLive apply_live_;
  std::mutex mutex_;        // one reload at a time
  ConfigServices services_;  // under mutex_: the config services registered
};

}  // namespace roster::agent
