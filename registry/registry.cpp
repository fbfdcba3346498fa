#include "registry/registry.hpp"

#include <algorithm>

#include "common/strings.hpp"
#include "registry/check_ids.hpp"

namespace roster::registry {

Registry::Registry(LocalNode node, TimePoint, Index start)
    : datacenter_(node.datacenter), local_name_(node.name) {
  start = std::max<Index>(start, 1);
  auto rec = std::make_shared<NodeRecord>();
  rec->node = Node{node.name, node.id, node.address, node.datacenter, node.meta, start, start};
  Check serf;
  serf.id = kSerfCheckId;
  serf.name = kSerfCheckName;
  serf.output = kSerfAliveOutput;
  serf.status = HealthStatus::Passing;
  serf.type = CheckType::Serf;
  serf.create_index = serf.modify_index = start;
  rec->checks.emplace(serf.id, serf);
  auto s = state_.lock();
  s->index = start;
  s->local = rec;
  s->indexes = std::make_shared<const IndexTable>(IndexTable::starting_at(start));
  *current_.lock() = std::make_shared<const Catalog>(
      s->index, datacenter_, std::vector<std::shared_ptr<const NodeRecord>>{rec}, s->indexes);
}

std::shared_ptr<const Catalog> Registry::snapshot() const {
  return *current_.lock();
}

void Registry::subscribe(Listener listener) { listeners_.lock()->push_back(std::move(listener)); }

bool Registry::is_local(std::string_view node_name) const { return iequals(node_name, local_name_); }

void Registry::commit(State& state, const std::shared_ptr<const NodeRecord>& before,
                      std::shared_ptr<const NodeRecord> after) {
  auto table = std::make_shared<IndexTable>(*state.indexes);
  record_change(*table, before.get(), after.get(), state.index);
  state.indexes = table;
  const std::string& name = after ? after->node.name : before->node.name;
  if (is_local(name)) {
    state.local = std::move(after);
  } else if (after) {
    state.remote[to_lower(name)] = std::move(after);
  } else {
    state.remote.erase(to_lower(name));
  }
  std::vector<std::shared_ptr<const NodeRecord>> nodes{state.local};
  for (const auto& [key, rec] : state.remote) nodes.push_back(rec);
  *current_.lock() =
      std::make_shared<const Catalog>(state.index, datacenter_, std::move(nodes), state.indexes);
}

void Registry::notify() {
  const auto cat = snapshot();
  std::vector<Listener> listeners = *listeners_.lock();
  for (const auto& l : listeners) l(*cat);
}

Result<Index> Registry::edit_local(const LocalEdit& edit) {
  Index index = 0;
  {
    auto s = state_.lock();
    auto rec = std::make_shared<NodeRecord>(*s->local);
    auto changed = edit(*s, *rec, s->index + 1);
    if (!changed) return changed.error();
    if (!*changed) return s->index;
    index = ++s->index;
    const auto before = s->local;
    commit(*s, before, std::move(rec));
  }
  notify();
  return index;
}

Result<Index> Registry::register_service(const ServiceRegistration& reg, TimePoint now) {
  if (auto st = validate(reg); !st) return st.error();
  Service svc = reg.service;
  if (svc.id.empty()) svc.id = svc.name;
  const auto check_ids = embedded_check_ids(svc.id, reg.checks);
  return edit_local([&](State& s, NodeRecord& rec, Index index) -> Result<bool> {
    const auto old_svc = rec.services.find(svc.id);
    // An identical re-registration changes nothing and wakes nobody.
    if (old_svc != rec.services.end() && old_svc->second.same_definition(svc)) {
      bool same = true;
      for (std::size_t i = 0; i < reg.checks.size() && same; ++i) {
        const auto c = rec.checks.find(check_ids[i]);
        same = c != rec.checks.end() && c->second.service_id == svc.id &&
               c->second.name == default_check_name(reg.checks[i], svc.name) &&
               c->second.notes == reg.checks[i].notes && c->second.ttl == reg.checks[i].ttl;
      }
      if (same && reg.replace_existing_checks) {
        std::size_t owned = 0;
        for (const auto& [id, c] : rec.checks)
          owned += (c.service_id == svc.id && !is_maintenance_check(id));
        same = owned == reg.checks.size();
      }
      if (same) return false;
    }
    svc.create_index = old_svc != rec.services.end() ? old_svc->second.create_index : index;
    svc.modify_index = index;
    rec.services[svc.id] = svc;

    if (reg.replace_existing_checks) {
      for (auto it = rec.checks.begin(); it != rec.checks.end();) {
        const bool keep = it->second.service_id != svc.id || is_maintenance_check(it->first) ||
                          std::find(check_ids.begin(), check_ids.end(), it->first) != check_ids.end();
        if (!keep) {
          s.ttl_timers.erase(it->first);
          it = rec.checks.erase(it);
        } else {
          ++it;
        }
      }
    }
    for (std::size_t i = 0; i < reg.checks.size(); ++i) {
      const CheckDefinition& def = reg.checks[i];
      Check c;
      c.id = check_ids[i];
      c.name = default_check_name(def, svc.name);
      c.notes = def.notes;
      c.service_id = svc.id;
      c.type = CheckType::Ttl;
      c.ttl = def.ttl;
      c.modify_index = index;
      const auto old = rec.checks.find(c.id);
      if (old != rec.checks.end()) {
        // A surviving check keeps its current state, so re-registering does not flap.
        c.status = old->second.status;
        c.output = old->second.output;
        c.create_index = old->second.create_index;
        if (!s.ttl_timers.count(c.id) && c.status != HealthStatus::Critical)
          s.ttl_timers[c.id] = TtlTimer::armed_at(now, c.ttl);
      } else {
        c.status = def.status.value_or(HealthStatus::Critical);
        c.create_index = index;
        s.ttl_timers[c.id] = TtlTimer::armed_at(now, c.ttl);
      }
      rec.checks[c.id] = std::move(c);
    }
    // Tags of every check of this service follow the service.
    for (auto& [id, c] : rec.checks)
      if (c.service_id == svc.id) {
        c.service_name = svc.name;
        c.service_tags = svc.tags;
      }
    return true;
  });
}

Result<Index> Registry::deregister_service(std::string_view service_id) {
  return edit_local([&](State& s, NodeRecord& rec, Index) -> Result<bool> {
    if (!rec.services.erase(std::string(service_id)))
      return not_found("Unknown service ID \"" + std::string(service_id) +
                       "\". Ensure that the service ID is passed, not the service name.");
    for (auto c = rec.checks.begin(); c != rec.checks.end();) {
      if (c->second.service_id == service_id) {
        s.ttl_timers.erase(c->first);
        c = rec.checks.erase(c);
      } else {
        ++c;
      }
    }
    return true;
  });
}

void Registry::expire_ttls(TimePoint now) {
  auto r = edit_local([&](State& s, NodeRecord& rec, Index index) -> Result<bool> {
    bool any = false;
    for (auto it = s.ttl_timers.begin(); it != s.ttl_timers.end();) {
      if (!it->second.expired_at(now)) {
        ++it;
        continue;
      }
      if (auto c = rec.checks.find(it->first); c != rec.checks.end()) {
        c->second.status = HealthStatus::Critical;
        c->second.output = ttl_expired_output(c->second.output);
        c->second.modify_index = index;
        any = true;
      }
      it = s.ttl_timers.erase(it);
    }
    return any;
  });
  (void)r;
}

std::optional<TimePoint> Registry::next_ttl_deadline() {
  auto s = state_.lock();
  std::optional<TimePoint> next;
  for (const auto& [id, t] : s->ttl_timers)
    if (!next || t.deadline < *next) next = t.deadline;
  return next;
}

}  // namespace roster::registry
