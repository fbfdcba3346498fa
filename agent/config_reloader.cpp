#include "agent/config_reloader.hpp"

#include <utility>

namespace roster::agent {

ConfigReloader::ConfigReloader(registry::Registry& registry, const Clock& clock, Logger log,
                               const AgentConfig& running, std::string local_node, Load load, ApplyLive apply_live)
    : registry_(registry),
      clock_(clock),
      log_(std::move(log)),
      running_(running),
      local_node_(std::move(local_node)),
      load_(std::move(load)),
      apply_live_(std::move(apply_live)) {}

bool ConfigReloader::put(const registry::ServiceRegistration& reg, const char* what) {
  auto r = registry_.register_service(reg, clock_.now(), registry::Origin::Config);
  if (r) return true;
  log_.error("cannot register service from config",
             {{"service", reg.service.id.empty() ? reg.service.name : reg.service.id}, {"change", what},
              {"error", r.error().message}});
  return false;
}

Status ConfigReloader::register_initial() {
  const std::lock_guard lock(mutex_);
  auto services = config_services(running_);
  if (auto st = validate_services(services, script_checks(running_)); !st) return st;
  for (const auto& [id, s] : services)
    if (auto r = registry_.register_service(s.reg, clock_.now(), registry::Origin::Config); !r)
      return invalid("service \"" + id + "\": " + r.error().message);
  services_ = std::move(services);
  return ok();
}

Status ConfigReloader::reload() {
  const std::lock_guard lock(mutex_);
  log_.info("reloading configuration");
  auto next = load_();
  if (!next) {
    log_.error("configuration reload failed; nothing changed", {{"error", next.error().message}});
    return next.error();
  }
  auto services = config_services(*next);
  if (auto st = validate_services(services, script_checks(running_)); !st) {
    log_.error("configuration reload failed; nothing changed", {{"error", st.error().message}});
    return st;
  }

  const ReloadPlan plan = plan_reload(services_, services);
  std::size_t failed = 0;
  for (const auto& id : plan.remove) {
    // Already gone when it was deregistered through the API: nothing to do.
    if (auto r = registry_.deregister_service(id); !r && r.error().code != ErrorCode::NotFound) {
      log_.error("cannot deregister service removed from config", {{"service", id}, {"error", r.error().message}});
      ++failed;
    }
  }
  for (const auto& reg : plan.add) failed += !put(reg, "added");
  for (const auto& reg : plan.replace) failed += !put(reg, "changed");
  // Unchanged definitions touch nothing, unless the API deregistered or
  // redefined the service meanwhile: config wins, as at a restart.
  const auto catalog = registry_.snapshot();
  const auto* node = catalog->find_node(local_node_);
  std::size_t restored = 0;
  for (const auto& reg : plan.keep) {
    registry::Service expected = reg.service;
    if (expected.id.empty()) expected.id = expected.name;
    const registry::Service* current = node ? node->services.get(expected.id) : nullptr;
    if (current && current->same_definition(expected)) continue;
    ++restored;
    failed += !put(reg, "restored");
  }
  services_ = std::move(services);

  apply_live_(*next);
  const auto restart = restart_needed(running_, *next);
  for (const auto& key : restart)
    log_.warn("configuration key changed; it takes effect at the next restart", {{"key", key}});
  log_.info("configuration reloaded",
            {{"added", std::to_string(plan.add.size())}, {"changed", std::to_string(plan.replace.size())},
             {"removed", std::to_string(plan.remove.size())}, {"unchanged", std::to_string(plan.keep.size())},
             {"restored", std::to_string(restored)}});
  if (failed > 0)
    return invalid(std::to_string(failed) + " config service change(s) failed to apply; see the agent log");
  return ok();
}

}  // namespace roster::agent
