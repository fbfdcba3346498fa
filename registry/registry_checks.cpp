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
  const auto old = rec.checks.find(c.id);
  if (old != rec.checks.end()) {
    if (old->second.same_state(c)) return false;
    c.create_index = old->second.create_index;
  }
  rec.checks[c.id] = std::move(c);
  return true;
}

}  // namespace

Result<Index> Registry::update_ttl(std::string_view check_id, HealthStatus status,
                                   std::string output, TimePoint now) {
  return edit_local([&](State& s, NodeRecord& rec, Index index) -> Result<bool> {
    const auto it = rec.checks.find(std::string(check_id));
    if (it == rec.checks.end()) return unknown_check(check_id);
    Check& c = it->second;
    if (c.type != CheckType::Ttl)
      return conflict("CheckID \"" + std::string(check_id) + "\" does not have associated TTL");
    s.ttl_timers[it->first] = TtlTimer::armed_at(now, c.ttl);
    // A heartbeat that changes nothing visible only re-arms the timer.
    if (c.status == status && c.output == output) return false;
    c.status = status;
    c.output = std::move(output);
    c.modify_index = index;
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
      const auto svc = rec.services.find(def.service_id);
      if (svc == rec.services.end())
        return not_found("ServiceID \"" + def.service_id + "\" does not exist");
      c.service_id = svc->first;
      c.service_name = svc->second.name;
      c.service_tags = svc->second.tags;
    }
    const auto old = rec.checks.find(c.id);
    if (old != rec.checks.end() && old->second.type == CheckType::Serf)
      return invalid("Invalid check: CheckID \"" + c.id + "\" is reserved");
    const bool survives = old != rec.checks.end() && old->second.type == CheckType::Ttl;
    c.status = survives ? old->second.status : def.status.value_or(HealthStatus::Critical);
    c.output = survives ? old->second.output : "";
    if (!survives || !s.ttl_timers.count(c.id)) s.ttl_timers[c.id] = TtlTimer::armed_at(now, c.ttl);
    return put_check(rec, std::move(c));
  });
}

Result<Index> Registry::deregister_check(std::string_view check_id) {
  return edit_local([&](State& s, NodeRecord& rec, Index) -> Result<bool> {
    const auto it = rec.checks.find(std::string(check_id));
    if (it == rec.checks.end() || it->second.type == CheckType::Serf) return unknown_check(check_id);
    s.ttl_timers.erase(it->first);
    rec.checks.erase(it);
    return true;
  });
}

Result<Index> Registry::set_service_maintenance(std::string_view service_id, bool enable,
                                                const std::string& reason) {
  return edit_local([&](State&, NodeRecord& rec, Index index) -> Result<bool> {
    const auto svc = rec.services.find(std::string(service_id));
    if (svc == rec.services.end())
      return not_found("Unknown service ID \"" + std::string(service_id) +
                       "\". Ensure that the service ID is passed, not the service name.");
    const std::string id = std::string(kServiceMaintenancePrefix) + svc->first;
    if (!enable) return rec.checks.erase(id) > 0;
    Check c = maintenance_check(id, kServiceMaintenanceName, reason, kServiceMaintenanceDefaultReason, index);
    c.service_id = svc->first;
    c.service_name = svc->second.name;
    c.service_tags = svc->second.tags;
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
