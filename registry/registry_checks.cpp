// Registry: the agent's checks — TTL updates, standalone checks, maintenance.
#include "registry/registry.hpp"

namespace roster::registry {
namespace {

Error unknown_check(std::string_view id) {
  return not_found("Unknown check ID \"" + std::string(id) +
                   "\". Ensure that the check ID is passed, not the check name.");
}

Check maintenance_check(std::string id, std::string_view name, const std::string& reason,
                        std::string_view default_reason, Index index) {
  Check c;
  c.id = std::move(id);
  c.name = name;
  c.notes = reason.empty() ? std::string(default_reason) : reason;
  c.status = HealthStatus::Critical;
  c.type = CheckType::Maintenance;
  c.create_index = c.modify_index = index;
  return c;
}

// Puts `c` in place, keeping the create index of an identical predecessor.
// False when nothing would change.
bool put_check(NodeRecord& rec, Check c) {
  if (const Check* old = rec.checks.get(c.id)) {
    if (old->same_state(c)) return false;
    c.create_index = old->create_index;
  }
  const std::string id = c.id;
  rec.checks.set(id, std::move(c));
  return true;
}

}  // namespace

Result<Index> Registry::update_ttl(std::string_view check_id, HealthStatus status,
                                   std::string output, TimePoint now) {
  return edit_local([&](State& s, NodeRecord& rec, Index index) -> Result<bool> {
    const std::string id(check_id);
    const Check* old = rec.checks.get(id);
    if (!old) return unknown_check(check_id);
    if (old->type != CheckType::Ttl)
      return conflict("CheckID \"" + id + "\" does not have associated TTL");
    s.ttl_timers.arm(id, TtlTimer::armed_at(now, old->ttl));
    // A heartbeat that changes nothing visible only re-arms the timer (and
    // persists its new expiry).
    s.persist_checks.insert(id);
    if (old->status == status && old->output == output) return false;
    Check c = *old;
    c.status = status;
    c.output = std::move(output);
    c.modify_index = index;
    rec.checks.set(id, std::move(c));
    return true;
  });
}

Result<Index> Registry::register_check(const CheckDefinition& def, TimePoint now) {
  if (auto st = validate_standalone_check(def); !st) return st.error();
  return edit_local([&](State& s, NodeRecord& rec, Index index) -> Result<bool> {
    Check c;
    c.id = def.id.empty() ? def.name : def.id;
    c.name = def.name;
    c.notes = def.notes;
    c.type = CheckType::Ttl;
    c.ttl = def.ttl;
    c.create_index = c.modify_index = index;
    if (!def.service_id.empty()) {
      const Service* svc = rec.services.get(def.service_id);
      if (!svc) return not_found("ServiceID \"" + def.service_id + "\" does not exist");
      c.service_id = svc->id;
      c.service_name = svc->name;
      c.service_tags = svc->tags;
    }
    const Check* old = rec.checks.get(c.id);
    if (old && old->type == CheckType::Serf)
      return invalid("Invalid check: CheckID \"" + c.id + "\" is reserved");
    const bool survives = old && old->type == CheckType::Ttl;
    c.status = survives ? old->status : def.status.value_or(HealthStatus::Critical);
    c.output = survives ? old->output : "";
    if (!survives || !s.ttl_timers.armed(c.id)) s.ttl_timers.arm(c.id, TtlTimer::armed_at(now, c.ttl));
    return put_check(rec, std::move(c));
  });
}

Result<Index> Registry::deregister_check(std::string_view check_id) {
  return edit_local([&](State& s, NodeRecord& rec, Index) -> Result<bool> {
    const std::string id(check_id);
    const Check* old = rec.checks.get(id);
    if (!old || old->type == CheckType::Serf) return unknown_check(check_id);
    s.ttl_timers.erase(id);
    rec.checks.erase(id);
    return true;
  });
}

Result<Index> Registry::set_service_maintenance(std::string_view service_id, bool enable,
                                                const std::string& reason) {
  return edit_local([&](State&, NodeRecord& rec, Index index) -> Result<bool> {
    const Service* svc = rec.services.get(std::string(service_id));
    if (!svc)
      return not_found("Unknown service ID \"" + std::string(service_id) +
                       "\". Ensure that the service ID is passed, not the service name.");
    const std::string id = std::string(kServiceMaintenancePrefix) + svc->id;
    if (!enable) return rec.checks.erase(id) > 0;
    Check c = maintenance_check(id, kServiceMaintenanceName, reason, kServiceMaintenanceDefaultReason, index);
    c.service_id = svc->id;
    c.service_name = svc->name;
    c.service_tags = svc->tags;
    return put_check(rec, std::move(c));
  });
}

Result<Index> Registry::set_node_maintenance(bool enable, const std::string& reason) {
  return edit_local([&](State&, NodeRecord& rec, Index index) -> Result<bool> {
    const std::string id(kNodeMaintenanceId);
    if (!enable) return rec.checks.erase(id) > 0;
    return put_check(rec, maintenance_check(id, kNodeMaintenanceName, reason,
                                            kNodeMaintenanceDefaultReason, index));
  });
}

}  // namespace roster::registry
