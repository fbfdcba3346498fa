// Registry: the agent's checks — TTL updates, interval-check results,
// standalone checks, maintenance, reaping of long-critical services.
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
    s.now = now;
    s.ttl_timers.arm(id, TtlTimer::armed_at(now, old->ttl));
    output = cap_output(std::move(output), old->spec.output_max_size);
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
    if (auto st = script_check_allowed(def, s.scripts, false); !st) return st.error();
    s.now = now;
    Check c;
    c.id = def.id.empty() ? def.name : def.id;
    c.name = def.name;
    c.notes = def.notes;
    c.type = def.type();
    c.ttl = c.type == CheckType::Ttl ? def.ttl : Duration::zero();
    c.spec = def.spec;
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
    // Re-registering keeps the status of a check of the same type.
    const bool survives = old && old->type == c.type;
    c.status = survives ? old->status : def.status.value_or(HealthStatus::Critical);
    c.output = survives ? old->output : "";
    if (c.type != CheckType::Ttl) s.ttl_timers.erase(c.id);
    else if (!survives || !s.ttl_timers.armed(c.id)) s.ttl_timers.arm(c.id, TtlTimer::armed_at(now, c.ttl));
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

Result<Index> Registry::report_checks(const std::vector<CheckReport>& reports, TimePoint now) {
  return edit_local([&](State& s, NodeRecord& rec, Index index) -> Result<bool> {
    s.now = now;
    bool any = false;
    for (const auto& r : reports) {
      const Check* old = rec.checks.get(r.check_id);
      if (!old || !is_interval_check(old->type)) continue;
      const auto status = gate_outcome(old->spec, s.counters[r.check_id], r.status);
      if (!status) continue;  // below a threshold: nothing visible changes
      std::string output = cap_output(r.output, old->spec.output_max_size);
      if (old->status == *status && old->output == output) continue;
      Check c = *old;
      c.status = *status;
      c.output = std::move(output);
      c.modify_index = index;
      rec.checks.set(r.check_id, std::move(c));
      any = true;
    }
    return any;
  });
}

std::vector<std::string> Registry::reap_critical_services(TimePoint now) {
  std::vector<std::string> reaped;
  auto r = edit_local([&](State& s, NodeRecord& rec, Index) -> Result<bool> {
    s.now = now;
    reaped.clear();
    std::set<std::string> due;
    for (const auto& [id, since] : s.critical_since) {
      const Check* c = rec.checks.get(id);
      if (c && !c->service_id.empty() && reap_due(c->spec.deregister_critical_after, since, now))
        due.insert(c->service_id);
    }
    for (const auto& sid : due) {
      if (!rec.services.erase(sid)) continue;
      for (const auto& cid : s.checks_of(sid)) {
        s.ttl_timers.erase(cid);
        rec.checks.erase(cid);
      }
      reaped.push_back(sid);
    }
    return !reaped.empty();
  });
  if (!r) return {};
  return reaped;
}

void Registry::set_script_checks(ScriptChecks policy) { state_.lock()->scripts = policy; }

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
